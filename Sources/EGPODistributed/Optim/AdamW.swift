import Foundation

/// AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", 2019) with exactly
/// PyTorch's `torch.optim.AdamW` arithmetic (single-tensor path): decay `p *= 1 - lr * wd`,
/// moments `m += (1 - b1) (g - m)`, `v = b2 v + (1 - b2) g^2`, then
/// `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)` (eps outside the square root).
///
/// It works on a contiguous range of flat buffers, so a ZeRO-1 trainer runs it on its shard only:
/// parameters and gradients are indexed by the range, the moments either by the same range (full
/// size moment buffers) or from `momentOffset` (moment buffers as big as the shard). The step count
/// is the only state besides the moments; `state` saves it and `init(state:)` restores it.
public struct AdamW: Sendable {
    /// Hyper-parameters that do not change during training (the learning rate comes per step from a schedule).
    public struct Hyperparameters: Sendable, Codable, Equatable {
        /// Decay of the first moment (PyTorch's default 0.9).
        public var beta1: Float = 0.9
        /// Decay of the second moment (PyTorch's default 0.999; LLM training often uses 0.95).
        public var beta2: Float = 0.999
        /// Added to the bias-corrected sqrt(v) (PyTorch's default 1e-8).
        public var eps: Float = 1e-8
        /// Decoupled weight decay, multiplied by the learning rate (PyTorch's AdamW default 0.01).
        public var weightDecay: Float = 0.01

        public init(beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.eps = eps
            self.weightDecay = weightDecay
        }
    }

    /// What a checkpoint saves besides the moment buffers.
    public struct State: Sendable, Codable, Equatable {
        /// Updates applied so far (PyTorch's `state["step"]`).
        public var step: Int
        public init(step: Int) { self.step = step }
    }

    public var hyperparameters: Hyperparameters
    /// Updates applied so far; `beginStep()` advances it.
    public private(set) var step: Int

    public init(_ hyperparameters: Hyperparameters = .init(), state: State = .init(step: 0)) {
        precondition(state.step >= 0, "AdamW step \(state.step) must be non-negative")
        self.hyperparameters = hyperparameters
        self.step = state.step
    }

    /// The state to checkpoint.
    public var state: State { State(step: step) }

    /// Starts update number `step + 1`. Call once per optimizer step, then `update` on each range
    /// (a rank may hold several ranges; they all use the same bias correction).
    public mutating func beginStep() { step += 1 }

    /// Applies the current step's update to `range`.
    /// - Parameters:
    ///   - parameters: the flat parameter buffer; elements in `range` change.
    ///   - gradients: the flat gradient buffer, read in `range`.
    ///   - firstMoment, secondMoment: Adam's m and v; element `i` of `range` uses index
    ///     `i - range.lowerBound + momentOffset` (default `range.lowerBound`: moments as big as the parameters).
    ///   - learningRate: this step's rate (from a schedule).
    ///   - gradientScale: multiplies every gradient first (a clip coefficient, or 1/world size).
    ///   - weightDecay: overrides the hyper-parameter for this range (e.g. 0 for norm weights).
    public func update(
        parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
        firstMoment: UnsafeMutableBufferPointer<Float>, secondMoment: UnsafeMutableBufferPointer<Float>,
        range: Range<Int>, momentOffset: Int? = nil, learningRate: Float, gradientScale: Float = 1,
        weightDecay: Float? = nil
    ) {
        precondition(step >= 1, "AdamW.update before beginStep(): the bias correction needs step >= 1")
        precondition(range.lowerBound >= 0 && range.upperBound <= parameters.count && range.upperBound <= gradients.count,
                     "range \(range) outside parameters (\(parameters.count)) or gradients (\(gradients.count))")
        let mo = momentOffset ?? range.lowerBound
        precondition(mo >= 0 && mo + range.count <= firstMoment.count && mo + range.count <= secondMoment.count,
                     "moments from \(mo) for \(range.count) outside m (\(firstMoment.count)) or v (\(secondMoment.count))")
        guard !range.isEmpty else { return }
        let c = coefficients(learningRate: learningRate, weightDecay: weightDecay ?? hyperparameters.weightDecay)
        let p = parameters.baseAddress! + range.lowerBound
        let g = gradients.baseAddress! + range.lowerBound
        let m = firstMoment.baseAddress! + mo
        let v = secondMoment.baseAddress! + mo
        for i in 0..<range.count {
            let grad = g[i] * gradientScale
            let pi = p[i] * c.decay
            let mi = m[i] + c.oneMinusBeta1 * (grad - m[i])
            let vi = c.beta2 * v[i] + c.oneMinusBeta2 * grad * grad
            m[i] = mi
            v[i] = vi
            p[i] = pi - c.stepSize * (mi / (vi.squareRoot() / c.biasCorrection2Sqrt + c.eps))
        }
    }

    /// `beginStep()` then `update` on one range: the whole step when a rank owns one range.
    public mutating func step(
        parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
        firstMoment: UnsafeMutableBufferPointer<Float>, secondMoment: UnsafeMutableBufferPointer<Float>,
        range: Range<Int>, momentOffset: Int? = nil, learningRate: Float, gradientScale: Float = 1
    ) {
        beginStep()
        update(parameters: parameters, gradients: gradients, firstMoment: firstMoment, secondMoment: secondMoment,
               range: range, momentOffset: momentOffset, learningRate: learningRate, gradientScale: gradientScale)
    }

    struct Coefficients {
        var decay, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, biasCorrection2Sqrt, eps: Float
    }

    /// Scalars of this step, computed in Double as PyTorch does with Python floats, then rounded once.
    func coefficients(learningRate: Float, weightDecay: Float) -> Coefficients {
        let h = hyperparameters
        let t = Double(step)
        let biasCorrection1 = 1 - pow(Double(h.beta1), t)
        let biasCorrection2 = 1 - pow(Double(h.beta2), t)
        return Coefficients(
            decay: Float(1 - Double(learningRate) * Double(weightDecay)),
            oneMinusBeta1: Float(1 - Double(h.beta1)),
            beta2: h.beta2,
            oneMinusBeta2: Float(1 - Double(h.beta2)),
            stepSize: Float(Double(learningRate) / biasCorrection1),
            biasCorrection2Sqrt: Float(biasCorrection2.squareRoot()),
            eps: h.eps)
    }
}
