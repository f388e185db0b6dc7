import Foundation

/// A learning rate as a pure function of the step: `step` is the 0-based index of the update
/// about to be made, so a resumed run asks for the same rates as an uninterrupted one.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for update number `step` (0-based).
    func callAsFunction(_ step: Int) -> Float
}

extension LearningRateSchedule {
    /// The schedule as a plain function.
    public var function: @Sendable (Int) -> Float { { self($0) } }
}

/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule, Codable, Equatable {
    public var learningRate: Float

    public init(learningRate: Float) { self.learningRate = learningRate }

    public func callAsFunction(_ step: Int) -> Float { learningRate }
}

/// Linear warm-up to `peak`, then a half cosine down to `floor` at `totalSteps`, `floor` after.
///
/// - Warm-up, `step < warmupSteps`: `peak * (step + 1) / warmupSteps`, so the first update is not
///   wasted at rate 0 and update `warmupSteps - 1` runs at `peak`.
/// - Decay, `warmupSteps <= step <= totalSteps`: with `p = (step - warmupSteps) / (totalSteps - warmupSteps)`,
///   `floor + (peak - floor) * (1 + cos(pi p)) / 2`: `peak` at the start, the mean of the two halfway,
///   `floor` at `totalSteps`.
public struct WarmupCosineSchedule: LearningRateSchedule, Codable, Equatable {
    public var peak: Float
    public var floor: Float
    public var warmupSteps: Int
    public var totalSteps: Int

    /// - Parameters:
    ///   - peak: the rate at the end of warm-up.
    ///   - floor: the rate at and after `totalSteps` (often peak / 10).
    ///   - warmupSteps: updates spent warming up (0 for none).
    ///   - totalSteps: the step at which the cosine reaches `floor`; must exceed `warmupSteps`.
    public init(peak: Float, floor: Float = 0, warmupSteps: Int, totalSteps: Int) {
        precondition(warmupSteps >= 0 && totalSteps > warmupSteps,
                     "warm-up \(warmupSteps) steps must be >= 0 and below the total \(totalSteps)")
        self.peak = peak
        self.floor = floor
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    public func callAsFunction(_ step: Int) -> Float {
        if step < warmupSteps {
            return Float(Double(peak) * Double(step + 1) / Double(warmupSteps))
        }
        let progress = min(1, Double(step - warmupSteps) / Double(totalSteps - warmupSteps))
        return Float(Double(floor) + Double(peak - floor) * 0.5 * (1 + cos(Double.pi * progress)))
    }
}

/// Linear warm-up to `peak` (as in `WarmupCosineSchedule`), then `peak` for ever.
public struct WarmupConstantSchedule: LearningRateSchedule, Codable, Equatable {
    public var peak: Float
    public var warmupSteps: Int

    public init(peak: Float, warmupSteps: Int = 0) {
        precondition(warmupSteps >= 0, "warm-up \(warmupSteps) steps must be >= 0")
        self.peak = peak
        self.warmupSteps = warmupSteps
    }

    public func callAsFunction(_ step: Int) -> Float {
        step < warmupSteps ? Float(Double(peak) * Double(step + 1) / Double(warmupSteps)) : peak
    }
}
