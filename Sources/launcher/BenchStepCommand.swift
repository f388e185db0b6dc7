import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling
import ShardedTensor

/// `launcher bench step`: one EGPO step of the demo policy, split into phases, on any number of
/// ranks. With --export it also writes the model config, tokenizer and prompts that
/// scripts/bench_trl.py needs to run TRL's GRPOTrainer on the same shape.
struct BenchStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time one EGPO step of the demo model (sampling, reward, scoring, reference, backward, communication, optimizer).",
        discussion: """
        The policy is the demo architecture with random weights (seed 0) and a BPE tokenizer learnt from \
        the FunctionWorld training text, so completions run to --max-tokens as in TRL's benchmark of a \
        random model. The prompts are the first --prompts training tasks (the same every step). Under \
        mpirun the global batch is split over the ranks; times are rank 0's.

        With --model FILE the policy takes that model file's architecture and tokenizer (still random \
        weights), and --data bfcl:CATEGORY --chat-template NAME gives it real BFCL prompts as a training \
        run would render them for that model, e.g. SmolLM2-135M-Instruct imported with \
        --add-token '<think>' --add-token '</think>' and --chat-template chatml.
        """
    )

    @Option(help: "Prompts per step (global batch).")
    var prompts = 8

    @Option(help: ArgumentHelp("A model file whose architecture and tokenizer the policy takes, with random weights (seed 0) instead of its own.", valueName: "file"))
    var model: String?

    @Option(help: ArgumentHelp("Where the prompts come from: functionworld, or bfcl:CATEGORY (the category's first --prompts tasks; needs --model for a tokenizer that fits them).", valueName: "spec"))
    var data = "functionworld"

    @Option(help: ArgumentHelp("The prompt layout with --model: \(ChatTemplate.allCases.map(\.rawValue).joined(separator: ", ")) (default compact).", valueName: "name"))
    var chatTemplate = ChatTemplate.compact.rawValue

    @Option(help: "Completions per prompt (G).")
    var group = 8

    @Option(help: "Most completion tokens.")
    var maxTokens = 128

    @Option(help: "Timed steps (the median is reported) after one warm-up step.")
    var steps = 3

    @Option(help: "Threads for this process: OpenBLAS threads and kernel workers (1 under mpirun with one rank per core).")
    var threads = 1

    @Option(help: "KL weight (TRL's benchmark uses 0.001, which keeps a reference model).")
    var beta: Float = 0.001

    @Option(help: "1: ZeRO-1 (optimizer state sharded over the ranks); 0: replicated.")
    var zero = TrainerConfig.ZeroStage.off

    @Option(help: "ZeRO-1's gradient collective: allreduce, reducescatter or auto.")
    var gradientPath: TrainerConfig.GradientPath = .auto

    @Option(help: ArgumentHelp("Write config.json, tokenizer.json and prompts.jsonl for scripts/bench_trl.py into this folder.", valueName: "dir"))
    var export: String?

    @Option(help: ArgumentHelp("A Hugging Face config.json for the policy's shape (random weights, seed 0) instead of the demo architecture; e.g. Qwen2.5-0.5B's (scripts/bench-size.sh).", valueName: "file"))
    var modelConfig: String?

    @Option(help: "Completions per training forward/backward (rollout.microBatch).")
    var microBatch = 64

    @Option(help: "LoRA rank on every linear layer (alpha = 2 x rank), the base frozen; 0: every weight trained.")
    var loraRank = 0

    @Option(help: "fp32, or bf16 (products with bf16 inputs and fp32 accumulation; fp32 on a CPU without bf16 instructions).")
    var precision = Precision.fp32

    @Option(help: "Vocabulary columns of the output head at a time in training (model.headChunk; 0: all at once).")
    var headChunk = 0

    @Flag(help: "Keep only each layer's input and recompute its activations in the backward (model.recompute).")
    var recompute = false

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard prompts >= 1, group >= 1, steps >= 1, threads >= 1 else {
            throw ValidationError("--prompts, --group, --steps and --threads must be at least 1")
        }
        guard (1..<ModelConfig.demo.maxPositionEmbeddings).contains(maxTokens) else {
            throw ValidationError("--max-tokens \(maxTokens) must be 1 to \(ModelConfig.demo.maxPositionEmbeddings - 1)")
        }
        try OptionRange.check(microBatch, "--micro-batch", max: 4096)
        guard (0...4096).contains(loraRank) else { throw ValidationError("--lora-rank \(loraRank) must be 0 (off) to 4096") }
        guard ChatTemplate(rawValue: chatTemplate) != nil else {
            throw ValidationError("--chat-template \(chatTemplate.debugDescription) is not one of \(ChatTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard model == nil || modelConfig == nil else { throw ValidationError("--model and --model-config both give the architecture; pass one") }
        let spec: DataSpec
        do { spec = try DataSpec(parsing: data) } catch { throw ValidationError("--data: \(error)") }
        switch spec {
        case .functionWorld: break
        case .bfcl: guard model != nil else { throw ValidationError("--data \(data) needs --model: the demo tokenizer is learnt from FunctionWorld text only") }
        default: throw ValidationError("--data \(data): expected functionworld or bfcl:CATEGORY")
        }
    }

    func run() throws {
        try onEveryRank { comm in
            Matmul.threads = threads
            var config = TrainerConfig()
            config.rollout.prompts = prompts
            config.rollout.groupSize = group
            config.rollout.maxCompletionTokens = maxTokens
            config.rollout.microBatch = microBatch
            config.egpo.beta = beta
            config.optimizer.zero = zero
            config.optimizer.gradientPath = gradientPath
            config.eval.tasks = 0   // no evaluation here, so no evaluation sampler in the estimate
            config.model.lora = LoRAConfig(rank: loraRank, alpha: Float(2 * loraRank))
            config.model.headChunk = headChunk
            config.model.precision = precision
            config.model.recompute = recompute
            try config.validate(worldSize: comm.size, purpose: .reinforcement)
            let shape = try benchShape()
            let architecture = shape.architecture, tokenizer = shape.tokenizer, codec = shape.codec
            let benchTasks = Array(shape.tasks.prefix(prompts))
            guard benchTasks.count == prompts else {
                throw LauncherError("bench step: --data \(data) has \(benchTasks.count) tasks, fewer than --prompts \(prompts)")
            }
            let estimate = MemoryEstimate(model: architecture, config: config, worldSize: comm.size, rank: comm.rank,
                                          promptLength: benchTasks.map { codec.promptTokens($0.task).count }.max() ?? 0, purpose: .reinforcement)
            try MachineMemory.agreedCheck(estimate, comm: comm, say: { if comm.rank == 0 { Console.out($0) } })
            var policy = LoadedModel(model: try Transformer(config: architecture, seed: 0), tokenizer: tokenizer)
            if let export, comm.rank == 0 { try write(export: export, policy: policy, tasks: benchTasks, codec: codec) }
            if config.model.lora.isEnabled {
                // The random base is in no file; the timed checkpoint names a stand-in.
                let tokenIDs = try config.model.lora.trainableTokenIDs(in: tokenizer)
                policy = policy.with(adapters: LoRAAdapters.initial(config: config.model.lora, base: policy.model, seed: 0, tokenIDs: tokenIDs),
                                     base: BaseModelReference(path: "(bench step: random weights, seed 0)", sha256: "-"))
            }
            if let notice = precision.fallbackNotice, comm.rank == 0 { Console.out("bench step: " + notice) }
            policy = policy.with(precision: precision.onThisCPU)
            let replica = try PolicyReplica(policy: policy, optimizer: config.optimizer, totalSteps: steps + 1,
                                            updatesPerStep: config.egpo.mu, communicator: comm,
                                            trainable: policy.model.adapters == nil ? nil : .adapters(of: policy.model), headChunk: headChunk,
                                            recompute: recompute)
            let trainer = try EGPOTrainer(config: config, replica: replica, tasks: benchTasks, codec: codec)
            var records: [MetricsRecord] = []
            for s in 0...steps {
                let r = try trainer.step(s)
                if s > 0 { records.append(r) }
            }
            // One training checkpoint of this state (moments gathered under ZeRO-1), timed on every
            // rank from the first collective to rank 0's rename.
            let folder = comm.rank == 0 ? FileManager.default.temporaryDirectory.appendingPathComponent("egpo-bench-ckpt-\(getpid())") : nil
            if let folder { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
            let file = folder?.appendingPathComponent("step.h5")
            try comm.barrier()
            let started = ContinuousClock.now
            try TrainingCheckpoint.save(to: file, replica: replica, state: TrainingState(kind: .egpo, step: steps + 1,
                                        worldSize: comm.size, config: config, cursor: trainer.cursor,
                                        metricsLines: records.map(\.jsonLine)), reference: trainer.reference)
            let checkpointSeconds = (ContinuousClock.now - started).seconds
            // Peak resident memory of every rank (after the checkpoint, which gathers on rank 0).
            let mine = ProcessMemory.peakResidentBytes() ?? .nan
            var peaks = [Double](repeating: 0, count: comm.size)
            try [mine].withUnsafeBufferPointer { s in try peaks.withUnsafeMutableBufferPointer { try comm.allGather(s, into: $0) } }
            guard comm.rank == 0, let file else { return }
            let bytes = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            let promptLengths = benchTasks.map { codec.promptTokens($0.task).count }
            report(records, ranks: comm.size, parameters: policy.model.config.parameterCount, promptLengths: promptLengths, replica: replica,
                   checkpoint: (bytes, checkpointSeconds), peaks: peaks, estimate: estimate)
        }
    }

    /// The policy's architecture, tokenizer and codec, and the tasks whose prompts it is timed on.
    /// The tokenizer comes first, so the memory estimate has the prompts' real lengths; the model
    /// (the first large allocation) only once the estimate says it fits.
    private func benchShape() throws -> (architecture: ModelConfig, tokenizer: any Tokenizer, codec: TaskCodec, tasks: [TrainingTask]) {
        let template = ChatTemplate(rawValue: chatTemplate)!
        let spec = try DataSpec(parsing: data)
        // FunctionWorld's tasks are both the default prompts and the demo tokenizer's corpus.
        let world = spec == .functionWorld || model == nil ? TaskSource.functionWorldTasks(count: 2000, seed: 1) : []
        let tasks = spec == .functionWorld ? world : try TaskSource.load(spec: spec, count: 0, seed: 0, split: .train)
        if let model {
            // Only its config, tokenizer and template options are kept; its weights go with `loaded`.
            let loaded = try ModelFile.read(from: model)
            let codec = try TaskCodec(tokenizer: loaded.tokenizer, template: template,
                                      templateOptions: loaded.templateOptions(for: template, ChatTemplate.Options()))
            return (loaded.model.config, loaded.tokenizer, codec, tasks)
        }
        var architecture = ModelConfig.demo
        if let modelConfig {
            architecture = try ModelFile.readConfig(String(decoding: try InputFile.read(modelConfig), as: UTF8.self), path: modelConfig)
        }
        let tokenizer = try BPETrainer(vocabSize: 2048).train(corpus: PolicyFactory.corpus(world))
        return (architecture, tokenizer, try TaskCodec(tokenizer: tokenizer, template: template), tasks)
    }

    /// 2 x the weights a token multiplies by: the layers' seven linear maps and the head (attention's
    /// own products, which grow with the context, not counted).
    static func matmulFlopPerToken(_ c: ModelConfig) -> Int {
        let q = c.headCount * c.headDim, kv = c.kvHeadCount * c.headDim
        let perLayer = c.hiddenSize * (q + 2 * kv) + q * c.hiddenSize + 3 * c.hiddenSize * c.intermediateSize
        return 2 * (c.layerCount * perLayer + c.vocabularySize * c.hiddenSize)
    }

    /// FLOPs of attention's two products (q k^T and the weights times v) for one query row meeting
    /// one key, over every layer and head: 2 x 2 x heads x headDim x layers. A forward over a prompt
    /// of P tokens and G completions of L tokens meets P(P+1)/2 + G(L P + L(L+1)/2) such pairs
    /// (causal; the prompt runs once per group); the backward's four products twice that.
    static func attentionFlopPerKey(_ c: ModelConfig) -> Int { 4 * c.headCount * c.headDim * c.layerCount }

    static let phases: [PhaseClock.Phase] = [.sampling, .reward, .scoring, .reference, .backward, .waiting, .communication, .optimizer]

    func report(_ records: [MetricsRecord], ranks: Int, parameters: Int, promptLengths: [Int], replica: PolicyReplica, checkpoint: (bytes: Int, seconds: Double),
                peaks: [Double], estimate: MemoryEstimate) {
        let promptTokens = promptLengths.reduce(0, +)
        let path: String
        switch replica.update {
        case .replicated: path = "replicated"
        case .zero1(let p): path = "zero1-\(p.rawValue)"
        }
        let memory = replica.optimizerMemory
        func median(_ value: (MetricsRecord) -> Double?) -> Double {
            let xs = records.compactMap(value).sorted()
            return xs.isEmpty ? .nan : xs[xs.count / 2]
        }
        func median(_ phase: PhaseClock.Phase) -> Double { median { $0.seconds[phase] } }
        let total = median(\.secondsStep)
        if json {
            var fields: [(String, Value)] = [("ranks", .integer(ranks)), ("threads", .integer(threads)), ("params", .integer(parameters)),
                                             ("lora_rank", .integer(loraRank)), ("precision", .string(replica.model.precision.rawValue)), ("trained_params", .integer(replica.trainable.layout.totalCount)),
                                             ("prompts", .integer(prompts)), ("group", .integer(group)), ("max_completion_tokens", .integer(maxTokens)),
                                             ("step_seconds_median", .float(total))]
            for p in Self.phases { fields.append(("\(p.rawValue)_seconds", .float(median(p)))) }
            let gap: Double = records.compactMap(\.logpGapMax).max() ?? .nan
            fields.append(("completion_tokens_mean", .float(median(\.completionLenMean))))
            fields.append(("tokens_per_second", .float(median(\.tokensPerSecond))))
            fields.append(("logp_gap_max", .float(gap)))
            // What the GEMM-rate comparison needs: the prompts' tokens (each runs once per group of
            // completions in the training forward) and the matrix-product FLOPs of one token.
            fields.append(("prompt_tokens", .integer(promptTokens)))
            fields.append(("matmul_flop_per_token", .integer(Self.matmulFlopPerToken(replica.model.config))))
            // And attention's products: (query, key) pairs within the prompts, and their FLOPs.
            fields.append(("prompt_causal_pairs", .integer(promptLengths.reduce(0) { $0 + $1 * ($1 + 1) / 2 })))
            fields.append(("attention_flop_per_key", .integer(Self.attentionFlopPerKey(replica.model.config))))
            fields.append(("update", .string(path)))
            fields.append(("optimizer_bytes_per_rank", .integer(memory.perRank)))
            fields.append(("optimizer_bytes_replicated", .integer(memory.replicated)))
            fields.append(("checkpoint_bytes", .integer(checkpoint.bytes)))
            fields.append(("checkpoint_seconds", .float(checkpoint.seconds)))
            fields.append(("peak_rss_bytes_max", .float(peaks.max() ?? .nan)))
            fields.append(("peak_rss_bytes_rank0", .float(peaks.first ?? .nan)))
            fields.append(("estimate_bytes_per_rank", .float(estimate.total)))
            Console.out(JSON.serialize(.object(fields)))
            return
        }
        let trained = loraRank > 0 ? "LoRA rank \(loraRank), \(replica.trainable.layout.totalCount) trained parameters" : "every weight trained"
        Console.out("bench step: \(prompts) prompts x \(group) completions, <= \(maxTokens) tokens, \(ranks) rank(s), \(threads) thread(s), \(replica.model.precision.rawValue), \(trained), median of \(records.count) steps")
        Console.out("  " + "step".padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " %8.3f s", total))
        for p in Self.phases {
            let s = median(p)
            Console.out("  " + p.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " %8.3f s  %5.1f%%", s, 100 * s / total))
        }
        Console.out(String(format: "  completion tokens %.1f mean, %.0f tok/s; sampler vs training log-prob gap (logp_gap_max) %.2e",
                           median(\.completionLenMean), median(\.tokensPerSecond), records.compactMap(\.logpGapMax).max() ?? .nan))
        Console.out("  update \(path), " + String(format: "optimizer state %.1f MB per rank (%.1f MB replicated)",
                                                  Double(memory.perRank) / 1e6, Double(memory.replicated) / 1e6))
        Console.out(String(format: "  checkpoint %.1f MB written in %.2f s (%.1f%% of a step)", Double(checkpoint.bytes) / 1e6,
                           checkpoint.seconds, 100 * checkpoint.seconds / total))
        Console.out("  peak resident memory per rank: " + peaks.map { String(format: "%.2f GB", $0 / 1e9) }.joined(separator: ", ")
                    + String(format: " (estimate %.2f GB per rank, rank 0 with the checkpoint gather)", estimate.total / 1e9))
    }

    /// What scripts/bench_trl.py reads: HF config, tokenizer.json, and {"id", "prompt"} lines.
    func write(export: String, policy: LoadedModel, tasks: [TrainingTask], codec: TaskCodec) throws {
        let dir = URL(fileURLWithPath: export)
        try RunFolder.write(try ModelFile.configJSON(policy.model.config) + "\n", to: dir.appendingPathComponent("config.json"))
        guard let tokenizer = policy.tokenizer.tokenizerJSON() else { throw LauncherError("bench step: the tokenizer has no tokenizer.json form") }
        try RunFolder.write(tokenizer, to: dir.appendingPathComponent("tokenizer.json"))
        let lines = tasks.map { JSON.serialize(.object([("id", .string($0.task.id)), ("prompt", .string(codec.template.prompt($0.task, options: codec.templateOptions)))])) }
        try RunFolder.write(lines.joined(separator: "\n") + "\n", to: dir.appendingPathComponent("prompts.jsonl"))
    }
}
extension TrainerConfig.GradientPath: ExpressibleByArgument {}
extension TrainerConfig.ZeroStage: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}
