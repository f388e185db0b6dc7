import CVectorMath

/// The gated MLP activation of Llama (Shazeer 2020): `h = silu(gate) * up`, `silu(g) = g * sigmoid(g)`.
public enum SwiGLU {
    /// out (N, I) = silu(gate) * up, elementwise.
    public static func forward(gate: MatrixView, up: MatrixView, into out: MatrixView) {
        precondition(gate.rows == up.rows && gate.cols == up.cols && out.rows == gate.rows && out.cols == gate.cols,
                     "SwiGLU: gate \(gate.rows)x\(gate.cols), up \(up.rows)x\(up.cols), out \(out.rows)x\(out.cols)")
        Parallel.forRanges(gate.rows) { rows in for r in rows {
            egpo_silu_mul(gate.row(r), up.row(r), out.row(r), Int64(gate.cols))
        } }
    }

    /// Backward of the line above, overwriting `dGate` and `dUp` (they are per-step temporaries):
    /// `dUp = dOut * silu(g)`, `dGate = dOut * u * sigmoid(g) * (1 + g * (1 - sigmoid(g)))`.
    public static func backward(_ dOut: MatrixView, gate: MatrixView, up: MatrixView, dGate: MatrixView, dUp: MatrixView) {
        Parallel.forRanges(gate.rows) { rows in for r in rows {
            egpo_silu_mul_backward(dOut.row(r), gate.row(r), up.row(r), dGate.row(r), dUp.row(r), Int64(gate.cols))
        } }
    }
}
