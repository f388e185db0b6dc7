import Foundation

/// The gated MLP activation of Llama (Shazeer 2020): `h = silu(gate) * up`, `silu(g) = g * sigmoid(g)`.
public enum SwiGLU {
    /// out (N, I) = silu(gate) * up, elementwise.
    public static func forward(gate: MatrixView, up: MatrixView, into out: MatrixView) {
        precondition(gate.rows == up.rows && gate.cols == up.cols && out.rows == gate.rows && out.cols == gate.cols,
                     "SwiGLU: gate \(gate.rows)x\(gate.cols), up \(up.rows)x\(up.cols), out \(out.rows)x\(out.cols)")
        Parallel.forRanges(gate.rows) { rows in for r in rows {
            let g = gate.row(r), u = up.row(r), o = out.row(r)
            for j in 0..<gate.cols {
                let x = g[j]
                o[j] = x / (1 + expf(-x)) * u[j]
            }
        } }
    }

    /// Backward of the line above, overwriting `dGate` and `dUp` (they are per-step temporaries):
    /// `dUp = dOut * silu(g)`, `dGate = dOut * u * sigmoid(g) * (1 + g * (1 - sigmoid(g)))`.
    public static func backward(_ dOut: MatrixView, gate: MatrixView, up: MatrixView, dGate: MatrixView, dUp: MatrixView) {
        Parallel.forRanges(gate.rows) { rows in for r in rows {
            let g = gate.row(r), u = up.row(r), d = dOut.row(r), dg = dGate.row(r), du = dUp.row(r)
            for j in 0..<gate.cols {
                let x = g[j]
                let s = 1 / (1 + expf(-x))
                du[j] = d[j] * x * s
                dg[j] = d[j] * u[j] * s * (1 + x * (1 - s))
            }
        } }
    }
}

/// Row-wise softmax over a contiguous run of floats, and its backward.
public enum Softmax {
    /// In place: `x = exp(x - max) / sum`. Returns the log of the normaliser (`max + log(sum)`).
    @discardableResult
    public static func forward(_ x: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        var m = -Float.infinity
        for i in 0..<n { m = max(m, x[i]) }
        var s: Float = 0
        for i in 0..<n { let e = expf(x[i] - m); x[i] = e; s += e }
        let inv = 1 / s
        for i in 0..<n { x[i] *= inv }
        return m + logf(s)
    }

    /// Backward through probabilities `p`, in place on the incoming gradient `g`:
    /// `g = p * (g - sum(p * g))`.
    public static func backward(probabilities p: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, count n: Int) {
        let dot = Reduce.dot(p, UnsafePointer(g), n)
        for i in 0..<n { g[i] = p[i] * (g[i] - dot) }
    }
}

/// Token embedding lookup and its scatter-add backward.
public enum Embedding {
    /// out[r] = table[tokens[r]]. table (V, C), out (N, C).
    public static func forward(table: MatrixView, tokens: UnsafePointer<Int32>, into out: MatrixView) {
        precondition(table.cols == out.cols, "Embedding: table width \(table.cols), out width \(out.cols)")
        for r in 0..<out.rows {
            let t = Int(tokens[r])
            precondition(t >= 0 && t < table.rows, "Embedding: token \(t) outside vocabulary 0..<\(table.rows)")
            out.row(r).update(from: table.row(t), count: out.cols)
        }
    }

    /// dTable[tokens[r]] += dOut[r] (accumulates; repeated tokens add up).
    public static func backward(_ dOut: MatrixView, tokens: UnsafePointer<Int32>, dTable: MatrixView) {
        for r in 0..<dOut.rows {
            let dst = dTable.row(Int(tokens[r])), src = dOut.row(r)
            for j in 0..<dOut.cols { dst[j] += src[j] }
        }
    }
}
