import Foundation
import FunctionCalling
import ShardedTensor

/// Scores a policy on tasks across the ranks of a communicator.
///
/// The ranks split the tasks into contiguous shards by index (`ShardLayout`: as even as possible,
/// the remainder on the first ranks, a rank may get none). Each rank samples its shard in batches
/// with its own sampler and scores every completion with the codec (the reward, or BFCL's checker); then the outcomes are
/// gathered so every rank holds all of them, in task order. Task i samples with sequence id i,
/// so outcomes do not depend on the number of ranks or the batch size.
///
/// A task whose prompt does not fit (prompt tokens + 1 > max_position_embeddings) is not
/// sampled: it fails with `prompt_too_long` (see `EvalOutcome.promptTooLong`).
public struct Evaluator: Sendable {
    public let model: Transformer
    public let codec: any EvalCodec
    public var options: EvalOptions

    public init(model: Transformer, codec: any EvalCodec, options: EvalOptions = EvalOptions()) {
        self.model = model
        self.codec = codec
        self.options = options
    }

    /// Evaluates `tasks` (the same array on every rank) and returns every task's outcome, in
    /// task order, on every rank; with `samplesPerTask` k > 1, k outcomes per task (task i's j-th
    /// at index i * k + j), sampled as a group that shares the prompt's prefill and KV cache.
    /// `progress(done, of)` is told this rank's tasks done after each sampler call.
    public func evaluate(_ tasks: [FunctionTask], samplesPerTask k: Int = 1, on comm: any Communicator,
                         progress: (_ done: Int, _ of: Int) -> Void = { _, _ in }) throws -> [EvalOutcome] {
        let shard = ShardLayout(count: tasks.count, worldSize: comm.size).range(rank: comm.rank)
        let local = try evaluate(tasks, range: shard, samplesPerTask: k, progress: progress)
        return try Self.gather(local, on: comm)
    }

    /// Samples and scores `tasks[range]` in this process, `samplesPerTask` (k) times each; task
    /// i's j-th sample uses sequence id i * k + j (i when k is 1). A sampler call takes whole
    /// tasks, about `options.batchSize` completions.
    ///
    /// The prompt tokens every task shares (the system prompt and template preamble) run once
    /// per sampler call (`Sampler.sample`'s `sharedPrefix`). Their length is taken over all of
    /// `tasks`, not just `range`, so every rank and every batch size uses the same split.
    public func evaluate(_ tasks: [FunctionTask], range: Range<Int>, samplesPerTask k: Int = 1,
                         progress: (_ done: Int, _ of: Int) -> Void = { _, _ in }) throws(SamplerError) -> [EvalOutcome] {
        precondition(k >= 1, "Evaluator: samplesPerTask \(k) must be at least 1")
        let limit = model.config.maxPositionEmbeddings
        let sampler = Sampler(model: model)
        let sampling = options.samplingOptions(endOfSequence: codec.endOfSequence)
        var outcomes: [EvalOutcome?] = Array(repeating: nil, count: range.count * k)
        var pending: [(index: Int, prompt: [Int32])] = []
        let prompts = tasks.map { codec.promptTokens($0) }
        let shared = options.sharesPromptPrefix ? Sampler.sharedPrefixLength(of: prompts.filter { $0.count + 1 <= limit }) : 0
        let tasksPerCall = max(1, options.batchSize / k)
        var done = 0

        func flush() throws(SamplerError) {
            guard !pending.isEmpty else { return }
            let requests = pending.map { SamplingRequest(prompt: $0.prompt, completionCount: k, firstSequenceId: UInt64($0.index * k)) }
            let completions = try sampler.sample(requests, options: sampling, sharedPrefix: shared)
            for completion in completions {
                let i = pending[completion.requestIndex].index
                let slot = (i - range.lowerBound) * k + Int(completion.sequenceId - requests[completion.requestIndex].firstSequenceId)
                outcomes[slot] = codec.outcome(task: tasks[i], tokens: completion.tokens, stopped: completion.stopped)
            }
            pending.removeAll(keepingCapacity: true)
            progress(done, range.count)
        }

        for i in range {
            done = i - range.lowerBound + 1
            let prompt = prompts[i]
            guard prompt.count + 1 <= limit else {
                for j in 0..<k { outcomes[(i - range.lowerBound) * k + j] = .promptTooLong(task: tasks[i]) }
                continue
            }
            pending.append((i, prompt))
            if pending.count == tasksPerCall { try flush() }
        }
        try flush()
        return outcomes.map { $0! }
    }

    /// Every rank's `local` outcomes concatenated in rank order, on every rank. The communicator
    /// moves numbers only, so each rank's outcomes travel as the UTF-8 bytes of their JSON
    /// (lengths all-gathered first, then the bytes with all-gather-v).
    public static func gather(_ local: [EvalOutcome], on comm: any Communicator) throws -> [EvalOutcome] {
        let bytes = Array(try JSONEncoder().encode(local))
        let counts = try comm.allGather(Int64(bytes.count)).map { Int($0) }
        var all = [UInt8](repeating: 0, count: counts.reduce(0, +))
        try bytes.withUnsafeBufferPointer { send in
            try all.withUnsafeMutableBufferPointer { try comm.allGatherV(send, into: $0, counts: counts) }
        }
        var outcomes: [EvalOutcome] = []
        var offset = 0
        for (rank, count) in counts.enumerated() {
            do {
                outcomes += try JSONDecoder().decode([EvalOutcome].self, from: Data(all[offset ..< offset + count]))
            } catch {
                throw EvalError.undecodableOutcomes(rank: rank, bytes: count, reason: "\(error)")
            }
            offset += count
        }
        return outcomes
    }
}
