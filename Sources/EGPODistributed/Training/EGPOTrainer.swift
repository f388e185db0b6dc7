import Foundation
import FunctionCalling
import ShardedTensor

/// EGPO (../shared/docs/EGPO.md): each step samples G completions for each of P prompts across
/// the ranks, rewards them strictly, forms group-relative advantages over the global batch,
/// adds the clipped think-entropy bonus, and takes `mu` PPO-clip steps on the batch.
///
/// Per rank, one step reads top to bottom: the batch's task indices from the shared cursor;
/// `Rollout.sample` (this rank's slice); an all-reduce of the batch's rewards; advantages (the
/// same on every rank); the reference log-probs (beta > 0); then per pass a training forward
/// (pass 0's log-probs are logp_old and are compared with the sampler's), the loss's per-token
/// gradient into `Transformer.backward`, and the shared all-reduce + clip + AdamW step. The
/// forwards run each group's prompt once for its completions in a micro-batch, as the sampler's
/// prefill does; the prompt's key/value gradients sum over them.
public final class EGPOTrainer {
    /// Scores a sampled completion (its tokens) for a task.
    public typealias RewardFunction = @Sendable (_ completionTokens: [Int32], _ task: TrainingTask) -> Reward

    public let config: TrainerConfig
    public let replica: PolicyReplica
    public let codec: TaskCodec
    public let tasks: [TrainingTask]
    /// Prompt tokens of every task.
    let prompts: [[Int32]]
    /// The frozen initial policy (beta > 0 only). Its forwards run before the step's training
    /// forwards and keep only log-probs, so they use the replica's workspace: a second one
    /// would double the activation memory (the largest part for a 150k vocabulary).
    public let reference: Transformer?
    public let sampler: Sampler
    public private(set) var cursor: DataCursor
    /// The reward: by default the strict one (format, then BFCL's AST check). Tests of the
    /// distributed arithmetic swap in rewards an untrained model can earn.
    public var reward: RewardFunction
    /// Tasks left out because prompt + maxCompletionTokens exceed max_position_embeddings.
    public let droppedTooLong: Int

    /// - Parameters:
    ///   - referenceParameters: the frozen reference policy's parameters (a resumed run's); nil:
    ///     a copy of the replica's current parameters.
    ///   - referenceAdapters: with LoRA, the adapters the reference policy has (the run's starting
    ///     ones, when it started from trained adapters); nil: the base with the adapters off.
    ///   - prepared: `fittingPrompts` of `allTasks`, when the caller needed them first (the
    ///     launcher sizes its memory estimate by the longest prompt); nil: worked out here.
    public init(config: TrainerConfig, replica: PolicyReplica, tasks allTasks: [TrainingTask], codec: TaskCodec,
                referenceParameters: [Float]? = nil, referenceAdapters: [Float]? = nil,
                prepared: (tasks: [TrainingTask], prompts: [[Int32]])? = nil) throws(TrainingError) {
        self.config = config
        self.replica = replica
        self.codec = codec
        let limit = replica.model.config.maxPositionEmbeddings
        let (kept, prompts) = prepared ?? Self.fittingPrompts(allTasks, codec: codec, completionTokens: config.rollout.maxCompletionTokens, limit: limit)
        guard !kept.isEmpty else {
            throw .noTasks(source: "training data (no prompt leaves room for \(config.rollout.maxCompletionTokens) completion tokens under \(limit) positions)")
        }
        droppedTooLong = allTasks.count - kept.count
        tasks = kept
        self.prompts = prompts
        if config.egpo.beta > 0, replica.trainable.isAdapters, let referenceAdapters, let live = replica.model.adapters {
            // LoRA from trained adapters (an SFT warm-up): the reference is the base with a frozen
            // copy of them, the policy the run started from; the adapters' size, not a model's.
            guard referenceAdapters.count == live.values.count else {
                throw .data("reference adapters of \(referenceAdapters.count) values for adapters of \(live.values.count)")
            }
            let frozen = LoRAAdapters(config: live.config, model: live.modelConfig, values: FloatBuffer(referenceAdapters), tokenIDs: live.tokenIDs)
            reference = replica.model.base.with(adapters: frozen)
        } else if config.egpo.beta > 0, replica.trainable.isAdapters {
            // LoRA from fresh adapters: the reference is the frozen base with the adapters off, no second copy.
            reference = replica.model.base
        } else if config.egpo.beta > 0 {
            let copy = FloatBuffer(count: replica.model.parameters.count)
            if let referenceParameters {
                guard referenceParameters.count == copy.count else {
                    throw .data("reference policy of \(referenceParameters.count) parameters for a model of \(copy.count)")
                }
                copy.bufferPointer.baseAddress!.update(from: referenceParameters, count: copy.count)
            } else {
                copy.copy(from: replica.model.parameters)
            }
            // Same config as a live model, so this cannot fail.
            reference = try! Transformer(config: replica.model.config, parameters: copy, precision: replica.model.precision)
        } else {
            reference = nil
        }
        sampler = Sampler(model: replica.model)
        reward = { [codec] tokens, task in codec.reward(tokens, task: task.task) }
        cursor = DataCursor(shuffleSeed: UInt64(config.run.seed) &* 0x9E37 &+ 3)
    }

    /// The tasks whose prompt leaves room for `completionTokens` under `limit` positions, with
    /// their prompt tokens.
    public static func fittingPrompts(_ tasks: [TrainingTask], codec: TaskCodec, completionTokens: Int, limit: Int)
        -> (tasks: [TrainingTask], prompts: [[Int32]]) {
        var kept: [TrainingTask] = [], prompts: [[Int32]] = []
        for t in tasks {
            let p = codec.promptTokens(t.task)
            if p.count + completionTokens > limit { continue }
            kept.append(t)
            prompts.append(p)
        }
        return (kept, prompts)
    }

    /// Continues from the place in the data of the checkpoint at `path`; over other data than it
    /// was drawn over, at the start of the next epoch, which `log` is told (`DataCursor.resuming`).
    public func restore(cursor: DataCursor, checkpoint path: String, log: (String) -> Void) throws(TrainingError) {
        self.cursor = try cursor.resuming(over: tasks.count, checkpoint: path, log: log)
    }

    /// `range` cut into runs of consecutive completions of one task: each run's prompt is run
    /// once in the training and reference forwards (`TokenBatch(sharedPrompts:)`).
    static func groups(_ range: Range<Int>, taskIndices: [Int]) -> [Range<Int>] {
        var runs: [Range<Int>] = [], start = range.lowerBound
        for i in range where i + 1 == range.upperBound || taskIndices[i + 1] != taskIndices[i] {
            runs.append(start ..< i + 1)
            start = i + 1
        }
        return runs
    }

    /// One rollout batch and its `mu` updates; returns the step's metrics (the same on every rank).
    public func step(_ step: Int) throws -> MetricsRecord {
        let comm = replica.communicator, model = replica.model, o = config.egpo, r = config.rollout
        let started = ContinuousClock.now
        var clock = PhaseClock()
        let batch = try cursor.next(r.prompts, of: tasks.count)
        let rollout = try Rollout.sample(step: step, batch: batch, tasks: tasks, prompts: prompts, sampler: sampler, codec: codec,
                                         reward: reward, rollout: r, seed: config.run.seed, communicator: comm, clock: &clock)

        // Every reward of the global batch on every rank, then the same advantages everywhere.
        var globalRewards = [Float](repeating: 0, count: r.prompts * r.groupSize)
        for (i, c) in rollout.completionRange.enumerated() { globalRewards[c] = rollout.rewards[i].value }
        try clock.measure(.communication) { try comm.allReduce(&globalRewards, op: .sum) }
        let advantages = GroupAdvantage.compute(rewards: globalRewards, groupSize: r.groupSize, scale: o.scaleRewards,
                                                skipZeroStdGroups: o.skipZeroStdGroups)

        var experiences: [Experience] = []
        for (i, c) in rollout.completionRange.enumerated() {
            let tokens = rollout.completions[i].tokens
            let think = ThinkBlock.mask(tokens, open: codec.thinkOpen, close: codec.thinkClose)
            experiences.append(Experience(promptTokens: prompts[rollout.taskIndices[i]], completionTokens: tokens, thinkMask: think.mask,
                                          hasClosedThink: think.closed, logpOld: rollout.completions[i].logProbs, logpRef: nil,
                                          entropies: rollout.completions[i].entropies, reward: globalRewards[c],
                                          advantage: advantages.advantages[c], skipped: advantages.skipped[c]))
        }
        let local = experiences.filter { !$0.skipped }
        var counts = [Double(local.count), Double(local.reduce(0) { $0 + $1.lossTokenCount })]
        try comm.allReduce(&counts, op: .sum)
        let normalizer = PolicyLoss.Normalizer(completions: Int(counts[0]), tokens: Int(counts[1]), maxCompletionTokens: r.maxCompletionTokens)
        let shaped = experiences.map { EntropyBonus.shape($0, objective: o) }
        let micro = stride(from: 0, to: experiences.count, by: r.microBatch).map { $0 ..< min($0 + r.microBatch, experiences.count) }
        let batches = micro.map { range in
            TokenBatch(sharedPrompts: Self.groups(range, taskIndices: rollout.taskIndices).map { g in
                (prompt: experiences[g.lowerBound].promptTokens, completions: g.map { experiences[$0].completionTokens })
            }, lossMasks: range.map { experiences[$0].lossMask })
        }

        if let reference {
            clock.measure(.reference) {
                for (range, tb) in zip(micro, batches) {
                    let scores = reference.forward(tb, temperature: r.temperature, workspace: replica.workspace)
                    for (s, i) in range.enumerated() {
                        experiences[i].logpRef = Array(scores.logProbs[tb.completionRange(of: s, promptLength: experiences[i].promptTokens.count)])
                    }
                }
            }
        }

        var stats = PolicyLoss.Statistics(), gapMax: Float = 0
        var reports: [OptimizerStep.Report] = []
        var gradient: [Float] = []
        for pass in 0..<o.mu {
            replica.gradients.zero()
            var passStats = PolicyLoss.Statistics()
            for (range, tb) in zip(micro, batches) {
                let scores = clock.measure(.scoring) { model.forward(tb, temperature: r.temperature, workspace: replica.workspace) }
                var weights = [Float](repeating: 0, count: tb.predictionCount)
                for (s, i) in range.enumerated() {
                    let rows = tb.completionRange(of: s, promptLength: experiences[i].promptTokens.count)
                    let logp = Array(scores.logProbs[rows])
                    if pass == 0 {
                        // logp_old is the training forward's (so the first ratio is exactly 1);
                        // the sampler's values must agree with it to rounding.
                        for t in logp.indices where experiences[i].lossMask[t] { gapMax = max(gapMax, abs(logp[t] - experiences[i].logpOld[t])) }
                        experiences[i].logpOld = logp
                    }
                    passStats.add(PolicyLoss.evaluate(logp: logp, experience: experiences[i], advantages: shaped[i].advantages,
                                                      objective: o, normalizer: normalizer, gradient: &gradient))
                    for (t, row) in rows.enumerated() where tb.lossMask[row] { weights[row] = gradient[t] }
                }
                clock.measure(.backward) {
                    replica.backward(tb, logProbWeights: weights)
                }
            }
            if pass == 0 { stats = passStats }
            let report = try replica.synchronizeAndStep(clock: &clock)
            reports.append(report)
            // A NaN or infinite gradient (the same global norm on every rank) left the policy as
            // it was; further passes over the same batch would only repeat it.
            if !report.applied { break }
        }

        let statistics = try EGPOStepStatistics.reduce(rollout: rollout, experiences: experiences, shaped: shaped, loss: stats,
                                                       zeroStdGroups: advantages.zeroStdGroups, gapMax: gapMax, config: config,
                                                       communicator: comm)
        var record = statistics.record(step: step + 1, epoch: cursor.epoch, optimizer: reports.last!, clock: clock,
                                       seconds: (ContinuousClock.now - started).seconds)
        record.isNonFinite = !statistics.loss.isFinite || reports.contains { !$0.applied }
        return record
    }
}
