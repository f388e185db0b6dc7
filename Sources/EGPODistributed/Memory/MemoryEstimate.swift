import Foundation
import ShardedTensor

/// What one rank of a run will hold, part by part, worked out from the configs before the
/// optimizer, the reference policy, the workspaces and the sampler allocate anything; the
/// launcher refuses a run whose estimate exceeds this rank's share of the machine's memory,
/// printing this table. The row counts are the ones the allocating types use themselves
/// (`TrainingWorkspace.floatsPerRow`, `Sampler.floats`), and MemoryEstimateTests holds them to
/// the buffers a real step allocates.
public struct MemoryEstimate: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var name: String
        public var bytes: Double
    }

    public private(set) var parts: [Part] = []

    public var total: Double { parts.reduce(0) { $0 + $1.bytes } }

    /// Bytes the process takes before any model: code, the Swift and MPI runtimes, BLAS
    /// buffers. `launcher selftest` peaks at 39 MB alone and 45 MB per rank under mpirun here;
    /// 150 MB is that with room for what a training run loads besides (tasks, tokenizer,
    /// HDF5's caches), not a measurement of it.
    public static let runtimeBytes: Double = 150e6

    /// - Parameters:
    ///   - model: the policy's architecture.
    ///   - config: the run (rollout, optimizer, egpo.beta, sft).
    ///   - worldSize: ranks in the job (ZeRO-1 shards the moments over them; a rank samples its
    ///     share of the batch).
    ///   - promptLength: the longest prompt, in tokens, among the tasks (SFT: the longest
    ///     example, prompt and reference completion).
    ///   - purpose: SFT holds no sampler and no reference policy.
    ///   - rank: this rank; under ZeRO-1 rank 0 also holds the moments gathered for a checkpoint.
    public init(model: ModelConfig, config: TrainerConfig, worldSize: Int, rank: Int = 0, promptLength: Int, purpose: TrainerConfig.Purpose) {
        let float = Double(MemoryLayout<Float>.stride), p = Double(model.parameterLayout.totalCount)
        func add(_ name: String, floats: Double) { parts.append(Part(name: name, bytes: floats * float)) }
        parts.append(Part(name: "runtime (code, MPI, BLAS)", bytes: Self.runtimeBytes))
        add("parameters", floats: p)
        // With LoRA only the adapters are trained: gradients and moments are theirs, and the
        // reference policy is the base itself, with at most a copy of the starting adapters.
        // Each layer keeps scale * x A^T per target.
        let lora = config.model.lora
        let trained = lora.isEnabled ? Double(LoRAAdapters.layout(config: lora, model: model).totalCount) : p
        let loraFloatsPerRow = lora.isEnabled ? (config.model.recompute ? 1 : model.layerCount) * LoRATarget.allCases.count * lora.rank + lora.rank : 0
        if lora.isEnabled { add("LoRA adapters (rank \(lora.rank))", floats: trained) }
        // bf16: a 2-byte copy of every linear weight and the head, and 2-byte copies of each
        // product's inputs (the widest activation or output gradient, and an activation).
        let bf16 = config.model.precision.onThisCPU == .bf16
        let lowWeights = bf16 ? Double(LowPrecisionWeights.count(model)) / 2 : 0
        let c = model.hiddenSize, i = model.intermediateSize, qd = model.headCount * model.headDim
        let head = config.model.headChunk > 0 ? min(config.model.headChunk, model.vocabularySize) : model.vocabularySize
        let lowInputsPerRow = bf16 ? (max(head, i, c, qd) + max(c, i, qd) + 1) / 2 : 0
        if bf16 { add("bf16 weight copies", floats: lowWeights) }
        add("gradients", floats: trained)
        let optimizer = purpose == .supervised ? config.sft.optimizer : config.optimizer
        let sharded = optimizer.zero == .stage1 && worldSize > 1
        add(sharded ? "AdamW moments (ZeRO-1: 1/\(worldSize))" : "AdamW moments", floats: 2 * (sharded ? (trained / Double(worldSize)).rounded(.up) : trained))
        // Under ZeRO-1 a checkpoint streams the moments to rank 0 in gather rounds.
        if sharded {
            let chunk = Double(min(TrainingCheckpoint.gatherChunk, Int((trained / Double(worldSize)).rounded(.up))))
            add("checkpoint gather buffers", floats: chunk * (rank == 0 ? Double(worldSize + 1) : 1))
        }
        switch purpose {
        case .supervised:
            let rows = config.rollout.microBatch * promptLength
            add("training activations (\(rows) rows)", floats: Double(rows * (TrainingWorkspace.floatsPerRow(model, headChunk: config.model.headChunk, recompute: config.model.recompute) + loraFloatsPerRow + lowInputsPerRow)
                + CausalAttention.scratchCount(maxLength: promptLength)))
        case .reinforcement:
            let r = config.rollout
            let completion = r.maxCompletionTokens, length = promptLength + completion
            // A micro-batch of consecutive completions runs each group's prompt once: it touches
            // at most ceil(microBatch / groupSize) + 1 groups.
            let groups = min(r.microBatch, (r.microBatch + r.groupSize - 1) / r.groupSize + 1)
            let rows = groups * promptLength + r.microBatch * completion
            let workspace = Double(rows * (TrainingWorkspace.floatsPerRow(model, headChunk: config.model.headChunk, recompute: config.model.recompute) + loraFloatsPerRow + lowInputsPerRow)
                + CausalAttention.scratchCount(maxLength: length))
            add("training activations (\(rows) rows)", floats: workspace)
            // The reference policy's forwards share the training workspace.
            if config.egpo.beta > 0 && !lora.isEnabled { add("reference policy", floats: p + lowWeights) }
            // LoRA from trained adapters: the reference keeps a frozen copy of them (from fresh ones, none: it is the base).
            if config.egpo.beta > 0 && lora.isEnabled { add("reference adapters (when starting from trained ones)", floats: trained) }
            let completions = (r.prompts * r.groupSize + worldSize - 1) / worldSize
            let prompts = min(r.prompts, completions)
            // The sampler's bf16 input copies: its widest row block (prefill) times the widest input.
            let samplerRows = max(min(4096, prompts * promptLength), promptLength, completions)
            add("sampler (KV cache for \(completions) completions, logits)",
                floats: Double(Sampler.floats(model, prompts: prompts, promptLength: promptLength, promptTokens: prompts * promptLength,
                                              completions: completions, completionLength: completion)
                               + (bf16 ? samplerRows * (max(c, i, qd) + 1) / 2 : 0)))
            if config.eval.tasks > 0 {
                // The evaluator's own sampler: batches of 16 tasks, one greedy completion each.
                let batch = EvalOptions().batchSize
                add("evaluation sampler (\(batch) tasks)",
                    floats: Double(Sampler.floats(model, prompts: batch, promptLength: promptLength, promptTokens: batch * promptLength,
                                                  completions: batch, completionLength: config.eval.maxNewTokens)))
            }
        }
        let counted = parts.dropFirst().reduce(0) { $0 + $1.bytes }
        parts.append(Part(name: "margin (\(Int(Self.margin * 100))% of the above, MPI and allocator)", bytes: Self.margin * counted))
    }

    /// What the counted parts leave out (allocator rounding, MPI's and BLAS's buffers), as a
    /// share of them: scripts/bench-size.sh measured peak RSS up to 5.9% above the counted parts
    /// (ZeRO-1, rank 1, Qwen2.5-0.5B shape) and 4% below them elsewhere.
    public static let margin = 0.06

    /// One line per part and the total, in GB (powers of 1000).
    public var table: String {
        let width = parts.map(\.name.count).max() ?? 0
        var lines = parts.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "  %8.3f GB", $0.bytes / 1e9) }
        lines.append("total".padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "  %8.3f GB", total / 1e9))
        return lines.joined(separator: "\n")
    }
}
