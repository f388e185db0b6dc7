/// A linear layer as Hugging Face stores it: `y = x W^T + b` with `W` of shape `[out, in]`.
public enum Linear {
    /// `y (+)= x W^T (+ b)`. x (N, in), weight (out, in), bias (out) or nil, y (N, out).
    /// - Parameter accumulate: add into `y` (a residual connection) instead of overwriting it.
    public static func forward(_ x: MatrixView, weight: MatrixView, bias: UnsafeMutablePointer<Float>?, into y: MatrixView,
                               accumulate: Bool = false) {
        Matmul.gemm(x, weight, transposeB: true, into: y, beta: accumulate ? 1 : 0)
        if let bias { addBias(bias, to: y) }
    }

    /// `y[r] += bias` for every row.
    public static func addBias(_ bias: UnsafeMutablePointer<Float>, to y: MatrixView) {
        for r in 0..<y.rows {
            let yr = y.row(r)
            for j in 0..<y.cols { yr[j] += bias[j] }
        }
    }

    /// `dBias += sum over rows of dy`.
    public static func accumulateBiasGradient(_ dy: MatrixView, into dBias: UnsafeMutablePointer<Float>) {
        for r in 0..<dy.rows {
            let g = dy.row(r)
            for j in 0..<dy.cols { dBias[j] += g[j] }
        }
    }

    /// Backward of `y = x W^T + b`:
    /// `dx (+)= dy W`, `dW += dy^T x`, `db += sum over rows of dy`.
    /// - Parameters:
    ///   - dx: input gradient, or nil when the input needs none (token ids upstream).
    ///   - accumulateInput: add into `dx` (true) or overwrite it (false).
    ///   - dWeight: the weight gradient, or nil when the weight is frozen: its product
    ///     (as costly as the input gradient's) is skipped, and `dx` is the same.
    ///   - dBias: the bias gradient, or nil (no bias, or a frozen one).
    public static func backward(
        _ dy: MatrixView, x: MatrixView, weight: MatrixView,
        dx: MatrixView?, accumulateInput: Bool, dWeight: MatrixView?, dBias: UnsafeMutablePointer<Float>?
    ) {
        if let dx { Matmul.gemm(dy, weight, into: dx, beta: accumulateInput ? 1 : 0) }
        if let dWeight { Matmul.gemm(dy, transposeA: true, x, into: dWeight, beta: 1) }
        if let dBias { accumulateBiasGradient(dy, into: dBias) }
    }
}
