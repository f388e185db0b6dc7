import Foundation

/// Naive twins of the fast kernels, in Double with plain arrays and loops written straight from
/// the formulas. Tests compare each fast kernel with its twin, and take finite differences of the
/// twins in Double to check every backward pass. Matrices are row-major arrays.
public enum NaiveKernels {
    /// op(a) (m, k) times op(b) (k, n), where a is stored (m, k) or, transposed, (k, m).
    public static func matmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int,
                              transposeA: Bool = false, transposeB: Bool = false) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for l in 0..<k {
                    let x = transposeA ? a[l * m + i] : a[i * k + l]
                    let y = transposeB ? b[j * k + l] : b[l * n + j]
                    s += x * y
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    /// y (N, out) = x (N, in) W^T + b, W stored (out, in).
    public static func linear(_ x: [Double], weight: [Double], bias: [Double]?, rows: Int, inputs: Int, outputs: Int) -> [Double] {
        var y = matmul(x, weight, m: rows, k: inputs, n: outputs, transposeB: true)
        if let bias { for r in 0..<rows { for j in 0..<outputs { y[r * outputs + j] += bias[j] } } }
        return y
    }

    /// y = w * x / sqrt(mean(x^2) + eps), row by row.
    public static func rmsNorm(_ x: [Double], weight: [Double], eps: Double, rows: Int, cols: Int) -> [Double] {
        var y = x
        for r in 0..<rows {
            let ms = (0..<cols).reduce(0.0) { $0 + x[r * cols + $1] * x[r * cols + $1] } / Double(cols)
            let inv = 1 / (ms + eps).squareRoot()
            for j in 0..<cols { y[r * cols + j] = weight[j] * x[r * cols + j] * inv }
        }
        return y
    }

    /// HF rotate-half RoPE: `x * cos + rotate_half(x) * sin`, rotate_half(x) = cat(-x2, x1).
    public static func rope(_ x: [Double], rows: Int, heads: Int, headDim d: Int, positions: [Int], theta: Double) -> [Double] {
        var y = x
        let half = d / 2
        for r in 0..<rows {
            for h in 0..<heads {
                let base = r * heads * d + h * d
                for i in 0..<d {
                    let f = Double(positions[r]) / pow(theta, Double(2 * (i % half)) / Double(d))
                    let rotated = i < half ? -x[base + i + half] : x[base + i - half]
                    y[base + i] = x[base + i] * cos(f) + rotated * sin(f)
                }
            }
        }
        return y
    }

    /// The rotation above with given inverse frequencies (D/2 of them; RoPE scaling).
    public static func rope(_ x: [Double], rows: Int, heads: Int, headDim d: Int, positions: [Int], inverseFrequencies: [Double]) -> [Double] {
        var y = x
        let half = d / 2
        precondition(inverseFrequencies.count == half, "rope: \(inverseFrequencies.count) frequencies for head dim \(d)")
        for r in 0..<rows {
            for h in 0..<heads {
                let base = r * heads * d + h * d
                for i in 0..<d {
                    let f = Double(positions[r]) * inverseFrequencies[i % half]
                    let rotated = i < half ? -x[base + i + half] : x[base + i - half]
                    y[base + i] = x[base + i] * cos(f) + rotated * sin(f)
                }
            }
        }
        return y
    }

    /// silu(g) * u elementwise.
    public static func swiGLU(gate: [Double], up: [Double]) -> [Double] {
        zip(gate, up).map { g, u in g / (1 + exp(-g)) * u }
    }

    /// exp(x_i) / sum_j exp(x_j).
    public static func softmax(_ x: [Double]) -> [Double] {
        let m = x.max() ?? 0
        let e = x.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Causal GQA attention per segment; rows outside every segment come out zero.
    public static func causalAttention(q: [Double], k: [Double], v: [Double], rows: Int,
                                       segments: [AttentionSegment], shape: AttentionShape) -> [Double] {
        let d = shape.headDim, qc = shape.heads * d, kc = shape.kvHeads * d
        var out = [Double](repeating: 0, count: rows * qc)
        for seg in segments {
            // Keys row i of the segment sees: the whole prefix, then its own rows 0...i.
            let keyRows = Array(seg.prefixRows) + Array(seg.rows)
            for h in 0..<shape.heads {
                let g = h / shape.groupSize
                for i in 0..<seg.length {
                    let qi = seg.start + i
                    let visible = keyRows[0 ..< seg.prefixLength + i + 1]
                    var scores = [Double]()
                    for kj in visible {
                        var s = 0.0
                        for c in 0..<d { s += q[qi * qc + h * d + c] * k[kj * kc + g * d + c] }
                        scores.append(s / Double(d).squareRoot())
                    }
                    let p = softmax(scores)
                    for (j, vj) in visible.enumerated() {
                        for c in 0..<d { out[qi * qc + h * d + c] += p[j] * v[vj * kc + g * d + c] }
                    }
                }
            }
        }
        return out
    }

    /// Rows of `table` (V, C) picked by `tokens`.
    public static func embedding(table: [Double], cols: Int, tokens: [Int]) -> [Double] {
        tokens.flatMap { table[$0 * cols ..< ($0 + 1) * cols] }
    }

    /// Per row of logits (N, V) at temperature T: log p(target) and the entropy of p.
    public static func tokenDistribution(logits: [Double], vocabulary v: Int, targets: [Int], temperature: Double)
        -> (logProbs: [Double], entropies: [Double]) {
        var lp: [Double] = [], ent: [Double] = []
        for (r, t) in targets.enumerated() {
            let z = (0..<v).map { logits[r * v + $0] / temperature }
            let p = softmax(z)
            lp.append(log(p[t]))
            ent.append(-p.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) })
        }
        return (lp, ent)
    }
}
