import ShardedTensor

/// One optimizer update of a flat parameter buffer: global-norm clipping, then AdamW with the
/// learning rate of this step's schedule, weight decay on matrices only (norm weights and
/// biases, told apart by `ParameterRole` from the layout's names, never decay). The trainer, SFT
/// and `bench model` all call this one step.
///
/// Under ZeRO-1 a rank owns `shard`, a contiguous range of the flat buffer that may cut across
/// tensors: its moments cover that range only, and each tensor's decay rule applies to the part
/// of the tensor inside it. Without ZeRO-1 the shard is everything.
///
/// The gradients must already be the global ones (summed over ranks), at least on `shard`.
public struct OptimizerStep {
    public private(set) var adam: AdamW
    /// The elements this rank steps.
    public let shard: Range<Int>
    /// Adam's m and v for `shard` (element i of the shard at index i - shard.lowerBound).
    public let firstMoment: FloatBuffer, secondMoment: FloatBuffer
    /// Each tensor's part of the shard, whether it decays, and its learning-rate factor.
    let ranges: [(range: Range<Int>, decays: Bool, rateScale: Float)]
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
        /// False when the gradient norm was NaN or infinite: nothing was changed (not the
        /// parameters, the moments or the step count), and the caller counts a skipped step.
        public var applied: Bool = true
    }

    /// - Parameters:
    ///   - layout: the parameters' tensors (weight-decay rule per tensor).
    ///   - maxGradNorm: clip threshold (0: no clipping).
    ///   - shard: the range this rank steps (nil: the whole layout).
    ///   - state: AdamW's step count, for a resumed run.
    ///   - rateScale: a tensor's factor on the schedule's rate, by name (1 for every tensor by
    ///     default; LoRA's trained token rows take `model.lora.trainableTokenRateScale`).
    public init(layout: ParameterLayout, hyperparameters: AdamW.Hyperparameters, maxGradNorm: Float,
                schedule: any LearningRateSchedule, shard: Range<Int>? = nil, state: AdamW.State = .init(step: 0),
                rateScale: (String) -> Float = { _ in 1 }) {
        let shard = shard ?? 0 ..< layout.totalCount
        precondition(shard.lowerBound >= 0 && shard.upperBound <= layout.totalCount, "OptimizerStep: shard \(shard) of \(layout.totalCount)")
        adam = AdamW(hyperparameters, state: state)
        self.shard = shard
        firstMoment = FloatBuffer(count: shard.count)
        secondMoment = FloatBuffer(count: shard.count)
        ranges = layout.entries.compactMap { e in
            let lo = max(e.offset, shard.lowerBound), hi = min(e.offset + e.count, shard.upperBound)
            return lo >= hi ? nil : (lo ..< hi, ParameterRole(name: e.name).decays, rateScale(e.name))
        }
        self.maxGradNorm = maxGradNorm
        self.schedule = schedule
    }

    /// Bytes of optimizer state this rank holds (m and v).
    public var stateBytes: Int { 2 * shard.count * MemoryLayout<Float>.stride }

    /// Sets AdamW's step count (a resumed run; the moments are restored into the buffers).
    public mutating func restore(_ state: AdamW.State) { adam = AdamW(adam.hyperparameters, state: state) }

    /// Clips `gradients` by their global norm and applies one AdamW update to `parameters` on
    /// `shard`. When the gradient norm is not finite nothing is changed and the report says
    /// `applied: false`; every rank sees the same global norm, so every rank skips together.
    /// - Parameter sumOfSquares: the global gradient's squared L2 norm, when this rank holds only
    ///   its shard of the summed gradient (ZeRO-1 reduce-scatter); nil: computed from `gradients`.
    public mutating func apply(parameters: FloatBuffer, gradients: FloatBuffer, sumOfSquares: Double? = nil) -> Report {
        precondition(parameters.count == gradients.count && shard.upperBound <= gradients.count && firstMoment.count == shard.count,
                     "OptimizerStep: parameters \(parameters.count), gradients \(gradients.count), shard \(shard)")
        let norm = (sumOfSquares ?? GradientClipping.sumOfSquares(UnsafeBufferPointer(gradients.bufferPointer), range: 0..<gradients.count))
            .squareRoot()
        guard norm.isFinite else { return Report(gradNorm: norm, clipCoefficient: 0, learningRate: schedule(adam.step), applied: false) }
        let coefficient = maxGradNorm > 0 ? GradientClipping.clipCoefficient(globalNorm: norm, maxNorm: Double(maxGradNorm)) : 1
        let lr = schedule(adam.step)
        adam.beginStep()
        for (range, decays, rateScale) in ranges {
            adam.update(parameters: parameters.bufferPointer, gradients: UnsafeBufferPointer(gradients.bufferPointer),
                        firstMoment: firstMoment.bufferPointer, secondMoment: secondMoment.bufferPointer, range: range,
                        momentOffset: range.lowerBound - shard.lowerBound, learningRate: lr * rateScale, gradientScale: coefficient,
                        weightDecay: decays ? nil : 0)
        }
        return Report(gradNorm: norm, clipCoefficient: coefficient, learningRate: lr)
    }
}
