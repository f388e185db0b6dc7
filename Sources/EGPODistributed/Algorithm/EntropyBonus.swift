/// The entropy-guided advantage, EGPO's one change to GRPO (EGPO.md steps 3 and 4):
/// `A' = A + lambda * min(H, |A| / alpha)` (placement `outside`) or `A + min(lambda * H, |A| / alpha)`
/// (`inside`, Cheng et al. 2025). The bonus is never negative, is 0 when A = 0, and with alpha > 1
/// (and lambda < alpha outside) never flips A's sign; lambda = 0 gives A' = A exactly (GRPO).
public enum EntropyBonus {
    /// H_i: the mean sampling entropy over the think block's tokens; 0 for a closed but empty
    /// block; the mean over all tokens when the completion has no closed think block (its reward
    /// is 0 anyway, EGPO.md step 3). Only tokens in `lossMask` count (nil: all): a token the
    /// policy did not sample has no sampling entropy.
    public static func sequenceEntropy(entropies: [Float], thinkMask: [Bool], hasClosedThink: Bool, lossMask: [Bool]? = nil) -> Float {
        var sum = 0.0, count = 0
        for t in entropies.indices where (lossMask?[t] ?? true) && (!hasClosedThink || thinkMask[t]) {
            sum += Double(entropies[t])
            count += 1
        }
        return count == 0 ? 0 : Float(sum / Double(count))
    }

    /// The bonus added to `advantage` for entropy `h`, and whether the cap |A| / alpha bound it
    /// (the cap strictly below the entropy term, with A != 0).
    public static func bonus(advantage a: Float, entropy h: Float, objective o: TrainerConfig.Objective) -> (bonus: Float, capped: Bool) {
        guard o.lambda != 0, a != 0 else { return (0, false) }
        let cap = abs(a) / o.alpha
        switch o.bonusPlacement {
        case .outside: return (o.lambda * min(h, cap), cap < h)
        case .inside: return (min(o.lambda * h, cap), cap < o.lambda * h)
        }
    }

    /// What the bonus did to one completion.
    public struct Shaped: Sendable, Equatable {
        /// A'_{i,t} per completion token.
        public var advantages: [Float]
        /// H_i (sequence granularity's entropy; reported either way).
        public var sequenceEntropy: Float
        /// Bonus summed over the tokens in the loss mask, for the mean bonus metric.
        public var bonusSum: Double
        /// Units where the cap bound: 1 or 0 per completion (sequence), think tokens (token).
        public var cappedUnits: Int
        /// Units considered: 1 per completion with A != 0 (sequence), its think tokens (token).
        public var units: Int
    }

    /// A' for every token of `e`, from its advantage, entropies, think mask and loss mask (tokens
    /// outside the loss mask neither add to H_i nor get a token bonus; the loss ignores them).
    public static func shape(_ e: Experience, objective o: TrainerConfig.Objective) -> Shaped {
        let h = sequenceEntropy(entropies: e.entropies, thinkMask: e.thinkMask, hasClosedThink: e.hasClosedThink, lossMask: e.lossMask)
        let n = e.tokenCount
        switch o.bonusGranularity {
        case .sequence:
            let (b, capped) = bonus(advantage: e.advantage, entropy: h, objective: o)
            return Shaped(advantages: [Float](repeating: e.advantage + b, count: n), sequenceEntropy: h,
                          bonusSum: Double(b) * Double(e.lossTokenCount), cappedUnits: capped ? 1 : 0, units: e.advantage != 0 ? 1 : 0)
        case .token:
            var shaped = [Float](repeating: e.advantage, count: n), sum = 0.0, capped = 0, units = 0
            for t in 0..<n where e.hasClosedThink && e.thinkMask[t] && e.lossMask[t] {
                let (b, hit) = bonus(advantage: e.advantage, entropy: e.entropies[t], objective: o)
                shaped[t] = e.advantage + b
                sum += Double(b)
                if e.advantage != 0 { units += 1; if hit { capped += 1 } }
            }
            return Shaped(advantages: shaped, sequenceEntropy: h, bonusSum: sum, cappedUnits: capped, units: units)
        }
    }
}
