import Foundation

/// Head counts of a grouped-query attention (Ainslie et al. 2023): `heads` query heads share
/// `kvHeads` key/value heads, query head h reading kv head `h / (heads / kvHeads)` as in HF's
/// `repeat_kv`.
public struct AttentionShape: Sendable, Equatable {
    public let heads: Int
    public let kvHeads: Int
    public let headDim: Int

    public init(heads: Int, kvHeads: Int, headDim: Int) {
        precondition(heads > 0 && kvHeads > 0 && heads % kvHeads == 0 && headDim > 0,
                     "AttentionShape: heads \(heads), kv heads \(kvHeads), head dim \(headDim)")
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
    }

    /// Query heads per kv head.
    public var groupSize: Int { heads / kvHeads }
    /// Softmax scale 1/sqrt(D).
    public var scale: Float { 1 / Float(headDim).squareRoot() }
}

/// One sequence in a packed batch: rows `start ..< start + length` of the (N, ·) matrices.
/// Rows not covered by any segment (padding) are neither read nor written: a padded batch is a
/// list of segments `(b * T, length_b)`, which is exactly a causal mask plus a padding mask.
public struct AttentionSegment: Sendable, Equatable {
    public let start: Int
    public let length: Int
    public init(start: Int, length: Int) {
        precondition(start >= 0 && length >= 0, "AttentionSegment start \(start) length \(length)")
        self.start = start
        self.length = length
    }
}

/// Causal self-attention over packed sequences with GQA.
///
/// Scores are computed in row blocks so that block `[r0, r1)` multiplies only by keys `0 ..< r1`:
/// the causal half is skipped at block granularity while every product stays a `cblas_sgemm`.
/// A block holds whole causal rows, so its softmax is exact. Only each row's log-sum-exp is
/// saved; backward recomputes the probabilities block by block (as FlashAttention does, Dao et
/// al. 2022), so activation memory is O(N * heads), not O(heads * length^2) per sequence.
public enum CausalAttention {
    /// Rows per block of the blocked causal products.
    public static let blockRows = 64

    /// Floats of saved statistics for `rows` packed rows: one log-sum-exp per row and head.
    public static func statisticsCount(rows: Int, shape: AttentionShape) -> Int { rows * shape.heads }

    /// Floats of scratch `forward` and `backward` need for sequences up to `maxLength`
    /// (default block size): two (blockRows, maxLength) tiles per worker.
    public static func scratchCount(maxLength: Int, workers: Int = Parallel.workers) -> Int {
        2 * blockRows * maxLength * max(1, workers)
    }

    /// out = softmax(causal(q k^T / sqrt(D))) v, per segment and head.
    /// - Parameters:
    ///   - q, out: (N, heads * D); k, v: (N, kvHeads * D). RoPE already applied to q and k.
    ///   - logSumExp: (N, heads), written: the log of each softmax row's normaliser.
    ///   - scratch: `scratchCount(maxLength:)` floats; with less, fewer workers run.
    public static func forward(q: MatrixView, k: MatrixView, v: MatrixView, into out: MatrixView,
                               logSumExp: UnsafeMutablePointer<Float>, segments: [AttentionSegment], shape: AttentionShape,
                               scratch: UnsafeMutableBufferPointer<Float>, blockRows: Int = CausalAttention.blockRows) {
        let d = shape.headDim, heads = shape.heads
        precondition(q.cols == heads * d && out.cols == q.cols && k.cols == shape.kvHeads * d && v.cols == k.cols,
                     "CausalAttention: q \(q.cols), k \(k.cols), v \(v.cols), out \(out.cols) columns for \(shape)")
        let slice = 2 * blockRows * max(1, segments.map(\.length).max() ?? 1)
        precondition(scratch.count >= slice, "CausalAttention.forward: scratch of \(scratch.count) floats, need \(slice) per worker")
        // One task per (segment, kv group): tasks write disjoint columns of `out`.
        Parallel.forEach(segments.count * shape.kvHeads, maxWorkers: scratch.count / slice) { task, worker in
            let seg = segments[task / shape.kvHeads], g = task % shape.kvHeads
            let n = seg.length
            let rows = seg.start ..< seg.start + n
            let kg = k.rows(rows).columns(g * d ..< (g + 1) * d)
            let vg = v.rows(rows).columns(g * d ..< (g + 1) * d)
            for h in g * shape.groupSize ..< (g + 1) * shape.groupSize {
                let qh = q.rows(rows).columns(h * d ..< (h + 1) * d)
                let oh = out.rows(rows).columns(h * d ..< (h + 1) * d)
                var r0 = 0
                while r0 < n {
                    let r1 = min(n, r0 + blockRows)
                    let p = MatrixView(scratch.baseAddress! + worker * slice, rows: r1 - r0, cols: r1)
                    Matmul.gemm(qh.rows(r0 ..< r1), kg.rows(0 ..< r1), transposeB: true, into: p, alpha: shape.scale)
                    for i in r0 ..< r1 {
                        let row = p.row(i - r0)
                        logSumExp[(seg.start + i) * heads + h] = Softmax.forward(row, count: i + 1)
                        if i + 1 < r1 { (row + i + 1).update(repeating: 0, count: r1 - i - 1) }
                    }
                    Matmul.gemm(p, vg.rows(0 ..< r1), into: oh.rows(r0 ..< r1))
                    r0 = r1
                }
            }
        }
    }

    /// Backward of `forward`. Overwrites `dq`, `dk` and `dv` on the segments' rows (dk and dv sum
    /// over the query heads of a group, so they are zeroed here first). With P recomputed as
    /// `exp(q k^T / sqrt(D) - logSumExp)`: `dP = dO v^T`, `dS = P * (dP - rowsum(P * dP)) / sqrt(D)`,
    /// `dq = dS k`, `dk = dS^T q`, `dv = P^T dO`.
    /// - Parameter scratch: `scratchCount(maxLength:)` floats; with less, fewer workers run.
    public static func backward(_ dOut: MatrixView, q: MatrixView, k: MatrixView, v: MatrixView,
                                logSumExp: UnsafeMutablePointer<Float>, segments: [AttentionSegment], shape: AttentionShape,
                                dq: MatrixView, dk: MatrixView, dv: MatrixView, scratch: UnsafeMutableBufferPointer<Float>,
                                blockRows: Int = CausalAttention.blockRows) {
        let d = shape.headDim, heads = shape.heads
        let tile = blockRows * max(1, segments.map(\.length).max() ?? 1), slice = 2 * tile
        precondition(scratch.count >= slice, "CausalAttention.backward: scratch of \(scratch.count) floats, need \(slice) per worker")
        Parallel.forEach(segments.count * shape.kvHeads, maxWorkers: scratch.count / slice) { task, worker in
            let seg = segments[task / shape.kvHeads], g = task % shape.kvHeads
            let n = seg.length
            let rows = seg.start ..< seg.start + n
            let kvs = g * d ..< (g + 1) * d
            let kg = k.rows(rows).columns(kvs), vg = v.rows(rows).columns(kvs)
            let dkg = dk.rows(rows).columns(kvs), dvg = dv.rows(rows).columns(kvs)
            dkg.zero()
            dvg.zero()
            for h in g * shape.groupSize ..< (g + 1) * shape.groupSize {
                let cols = h * d ..< (h + 1) * d
                let qh = q.rows(rows).columns(cols), doh = dOut.rows(rows).columns(cols), dqh = dq.rows(rows).columns(cols)
                var r0 = 0
                while r0 < n {
                    let r1 = min(n, r0 + blockRows)
                    let p = MatrixView(scratch.baseAddress! + worker * slice, rows: r1 - r0, cols: r1)
                    let ds = MatrixView(scratch.baseAddress! + worker * slice + tile, rows: r1 - r0, cols: r1)
                    Matmul.gemm(qh.rows(r0 ..< r1), kg.rows(0 ..< r1), transposeB: true, into: p, alpha: shape.scale)
                    Matmul.gemm(doh.rows(r0 ..< r1), vg.rows(0 ..< r1), transposeB: true, into: ds)
                    for i in r0 ..< r1 {
                        let pr = p.row(i - r0), dsr = ds.row(i - r0)
                        let lse = logSumExp[(seg.start + i) * heads + h]
                        for j in 0...i { pr[j] = expf(pr[j] - lse) }
                        Softmax.backward(probabilities: pr, gradient: dsr, count: i + 1)
                        for j in 0...i { dsr[j] *= shape.scale }
                        if i + 1 < r1 {
                            (pr + i + 1).update(repeating: 0, count: r1 - i - 1)
                            (dsr + i + 1).update(repeating: 0, count: r1 - i - 1)
                        }
                    }
                    Matmul.gemm(ds, kg.rows(0 ..< r1), into: dqh.rows(r0 ..< r1))
                    Matmul.gemm(ds, transposeA: true, qh.rows(r0 ..< r1), into: dkg.rows(0 ..< r1), beta: 1)
                    Matmul.gemm(p, transposeA: true, doh.rows(r0 ..< r1), into: dvg.rows(0 ..< r1), beta: 1)
                    r0 = r1
                }
            }
        }
    }
}
