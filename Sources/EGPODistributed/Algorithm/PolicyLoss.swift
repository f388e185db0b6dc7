import Foundation

/// The PPO clipped surrogate with a k3 KL penalty (EGPO.md step 5), per token:
///
///     ratio = exp(logp - logpOld)
///     L     = -min(ratio A', clip(ratio, 1 - epsLow, 1 + epsHigh) A') + beta (exp(logpRef - logp) - (logpRef - logp) - 1)
///
/// aggregated over the global batch by `Aggregation`, on the tokens of each completion's loss
/// mask (`Experience.lossMask`; the others get no loss and a zero gradient). Everything is a
/// function of the current log-probs and the `Experience` records, and the gradient with respect
/// to each token's logp is returned alongside, for `Transformer.backward`'s per-token weights.
public enum PolicyLoss {
    /// Global counts the aggregation divides by (summed over ranks before the loss is formed).
    public struct Normalizer: Sendable, Equatable {
        /// Completions in the loss (skipped ones excluded).
        public var completions: Int
        /// Their tokens in the loss (`Experience.lossTokenCount`).
        public var tokens: Int
        /// `rollout.maxCompletionTokens`, for `tokenSumNorm`.
        public var maxCompletionTokens: Int

        public init(completions: Int, tokens: Int, maxCompletionTokens: Int) {
            self.completions = completions
            self.tokens = tokens
            self.maxCompletionTokens = maxCompletionTokens
        }

        /// The weight of each token of a completion of `length` tokens in the loss, in the aggregate.
        public func tokenWeight(length: Int, aggregation: TrainerConfig.Aggregation) -> Double {
            guard completions > 0, tokens > 0, length > 0 else { return 0 }
            switch aggregation {
            case .tokenMean: return 1 / Double(tokens)
            case .sequenceMeanTokenMean: return 1 / (Double(completions) * Double(length))
            case .tokenSumNorm: return 1 / (Double(completions) * Double(maxCompletionTokens))
            }
        }
    }

    /// Sums over tokens, for metrics (divide by `tokens`).
    public struct Statistics: Sendable, Equatable {
        /// This completion's share of the aggregated loss.
        public var loss = 0.0
        /// Sum of the k3 KL estimate over tokens (computed even when beta = 0 if logpRef is known).
        public var klSum = 0.0
        /// Tokens clipped below (ratio < 1 - epsLow with A' < 0) and above (ratio > 1 + epsHigh with A' > 0).
        public var clippedLow = 0, clippedHigh = 0
        /// Tokens in the loss.
        public var tokens = 0

        public init() {}

        public mutating func add(_ o: Statistics) {
            loss += o.loss; klSum += o.klSum; clippedLow += o.clippedLow; clippedHigh += o.clippedHigh; tokens += o.tokens
        }
    }

    /// The loss share and d(loss)/d(logp_t) of one completion.
    /// - Parameters:
    ///   - logp: current log-probs of its tokens (at the sampling temperature).
    ///   - experience: logpOld, logpRef, the loss mask and whether it is skipped.
    ///   - advantages: A'_{i,t} from `EntropyBonus.shape`.
    ///   - gradient: receives d(loss)/d(logp_t) (overwritten; zeros when skipped and outside the loss mask).
    public static func evaluate(logp: [Float], experience e: Experience, advantages: [Float], objective o: TrainerConfig.Objective,
                                normalizer: Normalizer, gradient: inout [Float]) -> Statistics {
        let n = e.tokenCount
        precondition(logp.count == n && advantages.count == n, "PolicyLoss: \(logp.count) log-probs and \(advantages.count) advantages for \(n) tokens")
        if gradient.count != n { gradient = [Float](repeating: 0, count: n) }
        var stats = Statistics()
        let length = e.lossTokenCount
        guard !e.skipped, length > 0 else {
            for t in 0..<n { gradient[t] = 0 }
            return stats
        }
        let w = normalizer.tokenWeight(length: length, aggregation: o.aggregation)
        let low = Double(1 - o.epsLow), high = Double(1 + o.epsHigh), beta = Double(o.beta)
        var sum = 0.0
        for t in 0..<n {
            guard e.lossMask[t] else { gradient[t] = 0; continue }
            let a = Double(advantages[t])
            let ratio = exp(Double(logp[t]) - Double(e.logpOld[t]))
            let clipped = min(max(ratio, low), high)
            // -min(ratio A, clip(ratio) A): the unclipped branch carries the gradient -ratio A
            // unless the clipped branch is smaller and clip is saturated (then it is flat).
            let unclippedTerm = ratio * a, clippedTerm = clipped * a
            var loss: Double, dLoss: Double
            if unclippedTerm <= clippedTerm {
                loss = -unclippedTerm
                dLoss = -unclippedTerm
            } else {
                loss = -clippedTerm
                dLoss = (ratio >= low && ratio <= high) ? -ratio * a : 0
            }
            if ratio < low && a < 0 { stats.clippedLow += 1 }
            if ratio > high && a > 0 { stats.clippedHigh += 1 }
            if let ref = e.logpRef {
                let r = Double(ref[t]) - Double(logp[t])
                let kl = exp(r) - r - 1
                stats.klSum += kl
                if beta != 0 {
                    loss += beta * kl
                    dLoss += beta * (1 - exp(r))
                }
            }
            sum += loss
            gradient[t] = Float(w * dLoss)
        }
        stats.loss = w * sum
        stats.tokens = length
        return stats
    }
}
