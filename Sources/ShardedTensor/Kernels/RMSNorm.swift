import Foundation

/// Root-mean-square normalisation as in Llama (Zhang & Sennrich 2019; HF `LlamaRMSNorm`):
/// `y = w * x / sqrt(mean(x^2) + eps)`, computed in Float like HF's float32 path.
public enum RMSNorm {
    /// y (N, C) = weight * x * rstd; saves `rstd[r] = 1 / sqrt(mean(x[r]^2) + eps)` for backward.
    public static func forward(_ x: MatrixView, weight: UnsafeMutablePointer<Float>, eps: Float,
                               into y: MatrixView, rstd: UnsafeMutablePointer<Float>) {
        precondition(x.rows == y.rows && x.cols == y.cols, "RMSNorm: x \(x.rows)x\(x.cols), y \(y.rows)x\(y.cols)")
        let c = x.cols
        Parallel.forRanges(x.rows) { rows in for r in rows {
            let xr = x.row(r), yr = y.row(r)
            let s = Reduce.sumOfSquares(xr, c)
            let inv = 1 / (s / Float(c) + eps).squareRoot()
            rstd[r] = inv
            for j in 0..<c { yr[j] = weight[j] * (xr[j] * inv) }
        } }
    }

    /// Backward of the line above. With `n = x * rstd` and `g = w * dy`:
    /// `dx += rstd * (g - n * mean(g * n))` and `dw += sum over rows of dy * n`. Both accumulate;
    /// `dWeight` nil (a frozen weight) leaves `dw` out and `dx` the same.
    public static func backward(_ dy: MatrixView, x: MatrixView, weight: UnsafeMutablePointer<Float>,
                                rstd: UnsafeMutablePointer<Float>, dx: MatrixView, dWeight: UnsafeMutablePointer<Float>?) {
        let c = x.cols
        // dw is a sum over rows: it is summed per block of 64 rows, then the block partials are
        // added in order, so the bits do not depend on how many workers ran the blocks.
        let blockRows = 64
        let blocks = (x.rows + blockRows - 1) / blockRows
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: max(1, blocks * c))
        partials.initialize(repeating: 0, count: max(1, blocks * c))
        defer { partials.deallocate() }
        Parallel.forEach(blocks) { b, _ in
            let dwp = partials + b * c
            for r in b * blockRows ..< min(x.rows, (b + 1) * blockRows) {
                let xr = x.row(r), gr = dy.row(r), dxr = dx.row(r)
                let inv = rstd[r]
                var dot: Float = 0
                for j in 0..<c { dot += weight[j] * gr[j] * xr[j] }
                let meanGN = dot * inv / Float(c)
                for j in 0..<c {
                    let n = xr[j] * inv
                    dwp[j] += gr[j] * n
                    dxr[j] += inv * (weight[j] * gr[j] - n * meanGN)
                }
            }
        }
        guard let dWeight else { return }
        for b in 0..<blocks { for j in 0..<c { dWeight[j] += partials[b * c + j] } }
    }
}

/// Vectorised reductions (Swift does not reorder Float sums on its own, so the loops keep
/// several SIMD accumulators by hand).
public enum Reduce {
    /// Sum of `p[i]^2` for i in 0..<n.
    @inline(__always) public static func sumOfSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        dot(p, p, n)
    }

    /// Sum of `a[i] * b[i]` for i in 0..<n.
    @inline(__always) public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 32 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self) * rb.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
            i += 32
        }
        while i + 16 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var s = (acc0 + acc1).sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }
}
