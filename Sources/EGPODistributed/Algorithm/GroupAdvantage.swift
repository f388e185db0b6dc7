/// Group-relative advantages (GRPO; EGPO.md step 2), from the rewards of the whole global batch.
///
/// The trainer all-reduces the batch's rewards first, so every rank computes the same advantages
/// in the same order whichever rank sampled a completion: a group may span ranks, and the result
/// does not depend on the world size.
public enum GroupAdvantage {
    /// Added to the standard deviation (EGPO.md: 1e-6).
    public static let eps = 1e-6

    public struct Result: Sendable, Equatable {
        /// A_i per completion, group-major like the rewards.
        public var advantages: [Float]
        /// Groups whose rewards are all equal (their A is exactly 0).
        public var zeroStdGroups: Int
        /// Per completion: left out of the loss (a zero-std group under `skipZeroStdGroups`).
        public var skipped: [Bool]
    }

    /// - Parameters:
    ///   - rewards: P groups of G rewards, group-major (group k is `rewards[k*G ..< (k+1)*G]`).
    ///   - groupSize: G >= 1 (G = 1 makes every group zero-std: A = 0, never NaN).
    ///   - scale: `group` divides by the group's population std, `batch` by the population std of
    ///     every reward in the batch, `none` does not divide (Dr.GRPO).
    ///   - skipZeroStdGroups: mark the completions of all-equal groups as skipped.
    public static func compute(rewards: [Float], groupSize: Int, scale: TrainerConfig.ScaleRewards,
                               skipZeroStdGroups: Bool) -> Result {
        precondition(groupSize >= 1 && rewards.count % groupSize == 0,
                     "GroupAdvantage: \(rewards.count) rewards are not whole groups of \(groupSize)")
        let groups = rewards.count / groupSize
        let batchStd = populationStd(rewards[...])
        var advantages = [Float](repeating: 0, count: rewards.count), skipped = [Bool](repeating: false, count: rewards.count)
        var zeroStd = 0
        for k in 0..<groups {
            let members = rewards[k * groupSize ..< (k + 1) * groupSize]
            // All equal (compared exactly): A is 0 by definition, not a rounding residue.
            if members.allSatisfy({ $0 == members.first! }) {
                zeroStd += 1
                if skipZeroStdGroups { for i in members.indices { skipped[i] = true } }
                continue
            }
            let mean = members.reduce(0.0) { $0 + Double($1) } / Double(groupSize)
            let divisor: Double
            switch scale {
            case .group: divisor = populationStd(members) + eps
            case .batch: divisor = batchStd + eps
            case .none: divisor = 1
            }
            for i in members.indices { advantages[i] = Float((Double(rewards[i]) - mean) / divisor) }
        }
        return Result(advantages: advantages, zeroStdGroups: zeroStd, skipped: skipped)
    }

    /// sqrt(mean((x - mean)^2)), in Double.
    static func populationStd(_ xs: ArraySlice<Float>) -> Double {
        guard !xs.isEmpty else { return 0 }
        let mean = xs.reduce(0.0) { $0 + Double($1) } / Double(xs.count)
        let variance = xs.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(xs.count)
        return variance.squareRoot()
    }
}
