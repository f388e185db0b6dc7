import CVectorMath
import Foundation

/// Per-token log-probability of a target and full-vocabulary entropy under a temperature:
/// with `z = logits / T`, `log p = z - logsumexp(z)`, `logp_t = log p[target]` and
/// `H = -sum p log p = logsumexp(z) - sum p z`.
public enum TokenDistribution {
    /// For each row r: `logProbs[r] = log p_T(targets[r])`, `entropies[r] = H(p_T)`. logits (N, V).
    public static func forward(logits: MatrixView, targets: UnsafePointer<Int32>, temperature: Float,
                               logProbs: UnsafeMutablePointer<Float>, entropies: UnsafeMutablePointer<Float>) {
        precondition(temperature > 0, "TokenDistribution: temperature \(temperature) must be positive")
        let v = logits.cols, invT = 1 / temperature
        Parallel.forRanges(logits.rows) { rows in for r in rows {
            let z = logits.row(r)
            let t = Int(targets[r])
            precondition(t >= 0 && t < v, "TokenDistribution: target \(t) outside 0..<\(v)")
            let row = rowStatistics(z, count: v, inverseTemperature: invT)
            logProbs[r] = z[t] * invT - row.logSumExp
            entropies[r] = row.entropy
        } }
    }

    /// One row's `logsumexp(z / T)` and the entropy of `softmax(z / T)`, shared by training and
    /// sampling so both compute them with the same operations in the same order. When `exps` is
    /// given it receives the unnormalised probabilities `exp(z_i / T - max)`, whose total is `sum`.
    @inline(__always)
    public static func rowStatistics(_ z: UnsafePointer<Float>, count v: Int, inverseTemperature invT: Float,
                                     exps: UnsafeMutablePointer<Float>? = nil) -> (logSumExp: Float, entropy: Float, sum: Float) {
        var m: Float = 0, s: Float = 0, sz: Float = 0
        egpo_distribution_row(z, Int64(v), invT, exps, &m, &s, &sz)
        let lse = m + logf(s)
        return (lse, lse - sz / s, s)
    }

    /// Gradient of `sum_r a[r] * logp_r + b[r] * H_r` with respect to the logits, written into
    /// `dLogits` (N, V) (overwritten: it is a per-step temporary).
    /// `d logp_t / dz_i = (1[i = t] - p_i) / T`; `dH / dz_i = -p_i (log p_i + H) / T`.
    /// - Parameters:
    ///   - logProbWeights: a[r], the weight of each token's log-probability.
    ///   - entropyWeights: b[r], or nil for none.
    public static func backward(logits: MatrixView, targets: UnsafePointer<Int32>, temperature: Float,
                                logProbWeights: UnsafePointer<Float>, entropyWeights: UnsafePointer<Float>?,
                                dLogits: MatrixView) {
        let v = logits.cols, invT = 1 / temperature
        Parallel.forRanges(logits.rows) { rows in for r in rows {
            let z = logits.row(r), dz = dLogits.row(r)
            let a = logProbWeights[r], b = entropyWeights?[r] ?? 0
            let row = rowStatistics(z, count: v, inverseTemperature: invT, exps: dz)
            let lse = row.logSumExp, h = row.entropy, invS = 1 / row.sum
            if b == 0 {
                for i in 0..<v { dz[i] = -a * dz[i] * invS * invT }
            } else {
                for i in 0..<v {
                    let p = dz[i] * invS
                    let logp = z[i] * invT - lse
                    dz[i] = (-a * p - b * p * (logp + h)) * invT
                }
            }
            dz[Int(targets[r])] += a * invT
        } }
    }
}
