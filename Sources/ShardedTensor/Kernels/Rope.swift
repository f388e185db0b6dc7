import Foundation

/// Cos/sin tables for rotary position embedding (Su et al. 2021) in Hugging Face's convention:
/// `inv_freq[i] = 1 / theta^(2i/D)` and angle `pos * inv_freq[i]`, both rounded to Float as
/// HF's float32 path does, so positions far from 0 agree with transformers to rounding.
public final class RotaryTable: @unchecked Sendable {
    public let headDim: Int
    public let maxPositions: Int
    /// (maxPositions, headDim/2) each.
    let cosTable: UnsafeMutablePointer<Float>
    let sinTable: UnsafeMutablePointer<Float>

    public convenience init(headDim: Int, maxPositions: Int, theta: Double) {
        // Float32 throughout, as torch computes `1 / base ** (arange(0, D, 2).float() / D)`.
        let half = max(0, headDim / 2)
        self.init(inverseFrequencies: (0..<half).map { i in 1 / powf(Float(theta), Float(2 * i) / Float(headDim)) },
                  maxPositions: maxPositions)
    }

    /// Tables for given inverse frequencies (D/2 of them), e.g. after RoPE scaling.
    public init(inverseFrequencies: [Float], maxPositions: Int) {
        let half = inverseFrequencies.count
        precondition(half > 0, "RotaryTable: no inverse frequencies")
        self.headDim = 2 * half
        self.maxPositions = maxPositions
        cosTable = .allocate(capacity: maxPositions * half)
        sinTable = .allocate(capacity: maxPositions * half)
        for i in 0..<half {
            let invFreq = inverseFrequencies[i]
            for p in 0..<maxPositions {
                let angle = Double(Float(p) * invFreq)
                cosTable[p * half + i] = Float(cos(angle))
                sinTable[p * half + i] = Float(sin(angle))
            }
        }
    }

    deinit { cosTable.deallocate(); sinTable.deallocate() }
}

/// Rotary position embedding applied in place to a packed (N, heads * D) matrix, HF's
/// rotate-half form: for i < D/2, `(x_i, x_{i+D/2})` is rotated by angle `pos * inv_freq[i]`.
public enum Rope {
    /// `x[i] = x[i] cos - x[i+D/2] sin`, `x[i+D/2] = x[i+D/2] cos + x[i] sin`, per row at `positions[r]`.
    public static func forward(_ x: MatrixView, heads: Int, positions: UnsafePointer<Int32>, table: RotaryTable) {
        rotate(x, heads: heads, positions: positions, table: table, sign: 1)
    }

    /// Backward of the rotation is the rotation by the opposite angle (its transpose), in place
    /// on the gradient: `dx[i] = g[i] cos + g[i+D/2] sin`, `dx[i+D/2] = g[i+D/2] cos - g[i] sin`.
    public static func backward(_ dx: MatrixView, heads: Int, positions: UnsafePointer<Int32>, table: RotaryTable) {
        rotate(dx, heads: heads, positions: positions, table: table, sign: -1)
    }

    private static func rotate(_ x: MatrixView, heads: Int, positions: UnsafePointer<Int32>, table: RotaryTable, sign: Float) {
        let d = table.headDim, half = d / 2
        precondition(x.cols == heads * d, "Rope: \(x.cols) columns for \(heads) heads of \(d)")
        Parallel.forRanges(x.rows) { rows in for r in rows {
            let p = Int(positions[r])
            precondition(p >= 0 && p < table.maxPositions, "Rope: position \(p) outside 0..<\(table.maxPositions)")
            let c = table.cosTable + p * half, s = table.sinTable + p * half
            for h in 0..<heads {
                let lo = x.row(r) + h * d, hi = lo + half
                for i in 0..<half {
                    let a = lo[i], b = hi[i], sn = sign * s[i]
                    lo[i] = a * c[i] - b * sn
                    hi[i] = b * c[i] + a * sn
                }
            }
        } }
    }
}
