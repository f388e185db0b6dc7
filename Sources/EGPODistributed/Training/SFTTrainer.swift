import Foundation
import FunctionCalling
import ShardedTensor

/// Supervised fine-tuning on reference completions: cross-entropy on the completion tokens only
/// (prompt tokens are read, never scored), data-parallel over the communicator.
///
/// Each step takes the next `sft.batchSize` examples of the global shuffled order; rank r trains
/// its contiguous share, the loss is normalised by the global count of completion tokens, and the
/// summed gradients go through the shared clip + AdamW step.
public final class SFTTrainer {
    /// A tokenised training example.
    public struct Example: Sendable {
        public var id: String
        public var prompt: [Int32]
        public var target: [Int32]
    }

    public let config: TrainerConfig
    public let replica: PolicyReplica
    public let examples: [Example]
    /// Examples left out because prompt + target exceed max_position_embeddings.
    public let droppedTooLong: Int
    public private(set) var cursor: DataCursor

    /// - Parameter tasks: tasks with references (those without one are left out).
    public convenience init(config: TrainerConfig, replica: PolicyReplica, tasks: [TrainingTask], codec: TaskCodec) throws(TrainingError) {
        try self.init(config: config, replica: replica,
                      prepared: Self.examples(tasks, codec: codec, limit: replica.model.config.maxPositionEmbeddings))
    }

    /// - Parameter prepared: `examples(_:codec:limit:)` of the tasks, when the caller needed
    ///   them first (the launcher sizes its memory estimate by the longest).
    public init(config: TrainerConfig, replica: PolicyReplica, prepared: (examples: [Example], tooLong: Int)) throws(TrainingError) {
        self.config = config
        self.replica = replica
        guard !prepared.examples.isEmpty else {
            throw .noTasks(source: "SFT data (no task with a reference completion that fits \(replica.model.config.maxPositionEmbeddings) positions)")
        }
        examples = prepared.examples
        droppedTooLong = prepared.tooLong
        cursor = DataCursor(shuffleSeed: UInt64(config.run.seed) &* 0x5F7 &+ 11)
    }

    /// The tokenised examples of the tasks with a reference whose prompt and target fit `limit`
    /// positions, and how many did not fit.
    public static func examples(_ tasks: [TrainingTask], codec: TaskCodec, limit: Int) -> (examples: [Example], tooLong: Int) {
        var examples: [Example] = [], dropped = 0
        for t in tasks {
            guard let reference = t.reference else { continue }
            let prompt = codec.promptTokens(t.task), target = codec.targetTokens(reference: reference)
            if prompt.count + target.count > limit { dropped += 1; continue }
            examples.append(Example(id: t.task.id, prompt: prompt, target: target))
        }
        return (examples, dropped)
    }

    /// Continues from the place in the data of the checkpoint at `path`; over other data than it
    /// was drawn over, at the start of the next epoch, which `log` is told (`DataCursor.resuming`).
    public func restore(cursor: DataCursor, checkpoint path: String, log: (String) -> Void) throws(TrainingError) {
        self.cursor = try cursor.resuming(over: examples.count, checkpoint: path, log: log)
    }

    /// One optimizer step; returns its metrics (the same on every rank).
    public func step(_ step: Int) throws -> MetricsRecord {
        let comm = replica.communicator, model = replica.model
        let started = ContinuousClock.now
        var clock = PhaseClock()
        let batch = try cursor.next(config.sft.batchSize, of: examples.count)
        let mine = Array(batch[ShardLayout(count: batch.count, worldSize: comm.size).range(rank: comm.rank)]).map { examples[$0] }

        var counts = [Double(mine.reduce(0) { $0 + $1.target.count }), 0]
        replica.gradients.zero()
        var localLoss = 0.0
        let globalTokens = try comm.allReduce(counts[0], op: .sum)
        for start in stride(from: 0, to: mine.count, by: config.rollout.microBatch) {
            let chunk = mine[start ..< min(start + config.rollout.microBatch, mine.count)]
            let batch = TokenBatch(prompts: chunk.map(\.prompt), completions: chunk.map(\.target))
            let scores = clock.measure(.scoring) { model.forward(batch, temperature: 1, workspace: replica.workspace) }
            var weights = [Float](repeating: 0, count: batch.predictionCount)
            for row in 0 ..< batch.predictionCount where batch.lossMask[row] {
                weights[row] = Float(-1 / globalTokens)
                localLoss -= Double(scores.logProbs[row])
            }
            clock.measure(.backward) {
                replica.backward(batch, logProbWeights: weights)
            }
        }
        counts[1] = localLoss
        try comm.allReduce(&counts, op: .sum)
        let loss = counts[1] / globalTokens
        // The loss is the global one, so every rank takes the same branch. An infinite loss can
        // come with a finite gradient (a target token whose probability underflows), so it is
        // checked here and not left to the optimizer's gradient-norm check.
        let report = loss.isFinite ? try replica.synchronizeAndStep(clock: &clock) : replica.skippedStep()
        let seconds = (ContinuousClock.now - started).seconds

        var m = MetricsRecord(step: step + 1, epoch: cursor.epoch)
        m.loss = loss
        m.tokens = Int(globalTokens)
        m.gradNorm = report.gradNorm
        m.lr = Double(report.learningRate)
        for phase in [PhaseClock.Phase.scoring, .backward, .waiting, .communication, .optimizer] {
            m.seconds[phase] = clock[phase]
        }
        m.secondsStep = seconds
        m.tokensPerSecond = globalTokens / seconds
        m.isNonFinite = !loss.isFinite || !report.applied
        return m
    }
}
