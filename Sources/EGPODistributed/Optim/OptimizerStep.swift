import ShardedTensor

/// One optimizer update of a flat parameter buffer: global-norm clipping, then AdamW with the
/// learning rate of this step's schedule, weight decay on matrices only (norm weights and biases,
/// found through the parameter layout, never decay). The trainer, SFT and `bench model` all call
/// this one step.
///
/// The gradients must already be the global ones (summed over ranks); every rank then applies
/// the same update to its replica, so replicas stay bit-identical without a broadcast.
public struct OptimizerStep {
    public private(set) var adam: AdamW
    /// Adam's m and v, as big as the parameters.
    public let firstMoment: FloatBuffer, secondMoment: FloatBuffer
    /// Layout ranges and whether each decays.
    let ranges: [(range: Range<Int>, decays: Bool)]
    public let maxGradNorm: Float
    public let schedule: any LearningRateSchedule

    /// What one update did.
    public struct Report: Sendable, Equatable {
        /// Global gradient L2 norm before clipping.
        public var gradNorm: Double
        /// Factor applied to the gradients (1 when not clipped).
        public var clipCoefficient: Float
        /// Learning rate used.
        public var learningRate: Float
    }

    /// - Parameters:
    ///   - layout: the parameters' tensors (weight-decay rule per tensor).
    ///   - maxGradNorm: clip threshold (0: no clipping).
    ///   - state: AdamW's step count, for a resumed run.
    public init(layout: ParameterLayout, hyperparameters: AdamW.Hyperparameters, maxGradNorm: Float,
                schedule: any LearningRateSchedule, state: AdamW.State = .init(step: 0)) {
        adam = AdamW(hyperparameters, state: state)
        firstMoment = FloatBuffer(count: layout.totalCount)
        secondMoment = FloatBuffer(count: layout.totalCount)
        ranges = layout.entries.map { e in
            (e.offset ..< e.offset + e.count, !(e.name.hasSuffix("norm.weight") || e.name.hasSuffix(".bias")))
        }
        self.maxGradNorm = maxGradNorm
        self.schedule = schedule
    }

    /// Clips `gradients` by their global norm and applies one AdamW update to `parameters`.
    /// Throws when the gradient norm is not finite (nothing is changed then).
    public mutating func apply(parameters: FloatBuffer, gradients: FloatBuffer) throws(TrainingError) -> Report {
        precondition(parameters.count == firstMoment.count && gradients.count == firstMoment.count,
                     "OptimizerStep: parameters \(parameters.count), gradients \(gradients.count), moments \(firstMoment.count)")
        let everything = 0..<gradients.count
        let norm = GradientClipping.sumOfSquares(UnsafeBufferPointer(gradients.bufferPointer), range: everything).squareRoot()
        guard norm.isFinite else { throw .nonFiniteGradient(step: adam.step + 1, norm: norm) }
        let coefficient = maxGradNorm > 0 ? GradientClipping.clipCoefficient(globalNorm: norm, maxNorm: Double(maxGradNorm)) : 1
        let lr = schedule(adam.step)
        adam.beginStep()
        for (range, decays) in ranges {
            adam.update(parameters: parameters.bufferPointer, gradients: UnsafeBufferPointer(gradients.bufferPointer),
                        firstMoment: firstMoment.bufferPointer, secondMoment: secondMoment.bufferPointer, range: range,
                        learningRate: lr, gradientScale: coefficient, weightDecay: decays ? nil : 0)
        }
        return Report(gradNorm: norm, clipCoefficient: coefficient, learningRate: lr)
    }
}
