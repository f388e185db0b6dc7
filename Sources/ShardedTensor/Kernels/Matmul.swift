import COpenBLAS

/// Matrix products through OpenBLAS `cblas_sgemm` (row-major), in every transpose case.
public enum Matmul {
    /// `c = alpha * op(a) * op(b) + beta * c`, where `op(x)` is `x` or its transpose.
    ///
    /// `op(a)` is `m × k`, `op(b)` is `k × n`, `c` is `m × n`. Views may be strided (one head of a
    /// packed (N, H*D) matrix). `beta = 1` accumulates, which is how backward passes add into
    /// gradient buffers.
    public static func gemm(
        _ a: MatrixView, transposeA: Bool = false, _ b: MatrixView, transposeB: Bool = false,
        into c: MatrixView, alpha: Float = 1, beta: Float = 0
    ) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb && c.rows == m && c.cols == n,
                     "gemm: op(a) \(m)x\(k), op(b) \(kb)x\(n), c \(c.rows)x\(c.cols)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.zero() } else if beta != 1 { for r in 0..<m { cblas_sscal(Int32(n), beta, c.row(r), 1) } }
            return
        }
        if m == 1 {
            // One output row (incremental decoding): a matrix-vector product. sgemm would pack
            // the whole of b for a single row, which costs more than the product itself.
            // c^T = op(b)^T a^T; a's k elements are contiguous, or lda apart when transposed.
            let incA = Int32(transposeA ? a.rowStride : 1)
            cblas_sgemv(CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans, Int32(b.rows), Int32(b.cols), alpha,
                        b.base, Int32(b.rowStride), a.base, incA, beta, c.base, 1)
            return
        }
        if !transposeA && transposeB && m <= streamingRowLimit && k >= 32, case let block = streamingBlock(rows: m, k: k), block > 0, n > block,
           openblas_get_num_threads() == 1 {
            // A linear layer on a few rows (a decoding step): sgemm would first copy ("pack")
            // all of b, the weights, then multiply, reading the weights twice and never
            // overlapping the memory traffic with arithmetic. In blocks of `block` weight rows
            // each product is one OpenBLAS multiplies in place (its small-matrix kernels), which
            // stream the weights once while computing. Each output is still one dot product
            // over k, so the result is gemm's up to rounding. The small kernels run on one
            // thread, so with more BLAS threads sgemm (which splits the work) stays.
            for j in stride(from: 0, to: n, by: block) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(min(block, n - j)), Int32(k), alpha,
                            a.base, Int32(a.rowStride), b.row(j), Int32(b.rowStride), beta, c.base + j, Int32(c.rowStride))
            }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a.base, Int32(a.rowStride), b.base, Int32(b.rowStride),
                    beta, c.base, Int32(c.rowStride))
    }

    /// Most rows of `a` for which `gemm(a, b, transposeB: true)` multiplies b in blocks (see
    /// `streamingBlock`) when OpenBLAS runs on one thread; 1 or less turns the blocking off.
    /// 16 is the evaluation's default batch, where it was measured; at many more rows the
    /// blocks get narrow and sgemm's packing is shared by more rows (not measured).
    nonisolated(unsafe) public static var streamingRowLimit = 16

    /// Weight rows per block for `rows` rows of a and inner size `k`: OpenBLAS (0.3.16 and later,
    /// x86-64 with AVX-512) multiplies a product of that shape without packing when
    /// outputs * rows <= 1200 and outputs * rows * k <= 100^3 (kernel/x86_64/
    /// sgemm_small_kernel_permit_skylakex.c). A multiple of 4, its kernels' tile; 0 when none fits.
    public static func streamingBlock(rows: Int, k: Int) -> Int {
        min(1200 / rows, 1_000_000 / (rows * k)) / 4 * 4
    }

    /// Threads for one rank: OpenBLAS's threads, oneDNN's (bf16 products) and the kernels' own
    /// workers (`Parallel`).
    /// 1 under mpirun with one rank per core.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set {
            openblas_set_num_threads(Int32(newValue))
            BF16Matmul.setThreads(newValue)
            Parallel.workers = newValue
        }
    }
}
