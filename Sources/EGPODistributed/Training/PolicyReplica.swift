import ShardedTensor

/// This rank's copy of the policy with everything a data-parallel update needs: the flat
/// gradient buffer, the training workspace and the optimizer. Replicas on all ranks apply the
/// same update to the same summed gradients, so they stay bit-identical.
public final class PolicyReplica {
    public let model: Transformer
    public let tokenizer: any Tokenizer
    public let communicator: any Communicator
    /// One flat gradient buffer in the parameters' layout.
    public let gradients: FloatBuffer
    public let workspace: TrainingWorkspace
    public var optimizer: OptimizerStep

    public init(model: Transformer, tokenizer: any Tokenizer, communicator: any Communicator, optimizer: OptimizerStep) {
        self.model = model
        self.tokenizer = tokenizer
        self.communicator = communicator
        gradients = model.makeGradientBuffer()
        workspace = TrainingWorkspace(config: model.config)
        self.optimizer = optimizer
    }

    /// Sums the gradients over all ranks (the communicator chunks large buffers), then clips and
    /// steps. `clock` gets the time spent waiting for the slowest rank to finish its backward as
    /// `waiting` (a barrier), the all-reduce itself as `communication`, the update as `optimizer`.
    public func synchronizeAndStep(clock: inout PhaseClock) throws -> OptimizerStep.Report {
        if communicator.size > 1 {
            try clock.measure(.waiting) { try communicator.barrier() }
            try clock.measure(.communication) { try communicator.allReduce(gradients.bufferPointer, op: .sum) }
        }
        return try clock.measure(.optimizer) { try optimizer.apply(parameters: model.parameters, gradients: gradients) }
    }
}

/// Wall-clock seconds per phase of a step.
public struct PhaseClock: Sendable {
    public enum Phase: String, CaseIterable, Sendable {
        case sampling, reward, scoring, reference, backward, waiting, communication, optimizer, evaluation, checkpoint
    }

    public private(set) var seconds: [Phase: Double] = [:]

    public init() {}

    /// Runs `body`, adding its duration to `phase`.
    public mutating func measure<R>(_ phase: Phase, _ body: () throws -> R) rethrows -> R {
        let start = ContinuousClock.now
        defer {
            let d = ContinuousClock.now - start
            seconds[phase, default: 0] += Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        return try body()
    }

    public subscript(_ phase: Phase) -> Double { seconds[phase] ?? 0 }

    public var total: Double { seconds.values.reduce(0, +) }
}
