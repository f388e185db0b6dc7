import CVectorMath
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
///
/// A segment may also see a shared prefix: rows `prefixStart ..< prefixStart + prefixLength`,
/// whose keys and values every query of the segment attends to before its own causal keys (the
/// prompt of a group of completions, run once for all of them). Query i of the segment attends to
/// the whole prefix and to its own rows 0...i, exactly as row `prefixLength + i` of the
/// concatenated sequence would.
public struct AttentionSegment: Sendable, Equatable {
    public let start: Int
    public let length: Int
    public let prefixStart: Int
    public let prefixLength: Int

    public init(start: Int, length: Int, prefixStart: Int = 0, prefixLength: Int = 0) {
        precondition(start >= 0 && length >= 0 && prefixStart >= 0 && prefixLength >= 0,
                     "AttentionSegment start \(start) length \(length) prefix \(prefixStart) + \(prefixLength)")
        precondition(prefixLength == 0 || prefixStart + prefixLength <= start || start + length <= prefixStart,
                     "AttentionSegment: prefix \(prefixStart) + \(prefixLength) overlaps the segment's rows \(start) + \(length)")
        self.start = start
        self.length = length
        self.prefixStart = prefixLength == 0 ? 0 : prefixStart
        self.prefixLength = prefixLength
    }

    public var rows: Range<Int> { start ..< start + length }
    public var prefixRows: Range<Int> { prefixStart ..< prefixStart + prefixLength }
    /// Keys the segment's last query sees.
    public var span: Int { prefixLength + length }
}

/// Causal self-attention over packed sequences with GQA.
///
/// Scores are computed in row blocks so that block `[r0, r1)` multiplies only by keys `0 ..< r1`:
/// the causal half is skipped at block granularity while every product stays a `cblas_sgemm`.
/// A block holds whole causal rows, so its softmax is exact. Only each row's log-sum-exp is
/// saved; backward recomputes the probabilities block by block (as FlashAttention does, Dao et
/// al. 2022), so activation memory is O(N * heads), not O(heads * length^2) per sequence.
/// A segment's shared prefix is a second key block in front of its own: a block of scores is
/// `[q K_prefix^T | q K_own[0 ..< r1]^T]` side by side in one scratch tile.
public enum CausalAttention {
    /// Rows per block of the blocked causal products.
    public static let blockRows = 64

    /// Floats of saved statistics for `rows` packed rows: one log-sum-exp per row and head.
    public static func statisticsCount(rows: Int, shape: AttentionShape) -> Int { rows * shape.heads }

    /// Floats of scratch `forward` and `backward` need for segments whose span (prefix plus own
    /// rows) is at most `maxLength` (default block size): two (blockRows, maxLength) tiles per worker.
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
        let slice = 2 * blockRows * max(1, segments.map(\.span).max() ?? 1)
        precondition(scratch.count >= slice, "CausalAttention.forward: scratch of \(scratch.count) floats, need \(slice) per worker")
        // One task per (segment, kv group): tasks write disjoint rows or columns of `out`.
        Parallel.forEach(segments.count * shape.kvHeads, maxWorkers: scratch.count / slice) { task, worker in
            let seg = segments[task / shape.kvHeads], g = task % shape.kvHeads
            let n = seg.length, pn = seg.prefixLength
            let kvs = g * d ..< (g + 1) * d
            let kg = k.rows(seg.rows).columns(kvs), vg = v.rows(seg.rows).columns(kvs)
            let kp = k.rows(seg.prefixRows).columns(kvs), vp = v.rows(seg.prefixRows).columns(kvs)
            for h in g * shape.groupSize ..< (g + 1) * shape.groupSize {
                let qh = q.rows(seg.rows).columns(h * d ..< (h + 1) * d)
                let oh = out.rows(seg.rows).columns(h * d ..< (h + 1) * d)
                var r0 = 0
                while r0 < n {
                    let r1 = min(n, r0 + blockRows), width = pn + r1
                    let p = MatrixView(scratch.baseAddress! + worker * slice, rows: r1 - r0, cols: width)
                    if pn > 0 { Matmul.gemm(qh.rows(r0 ..< r1), kp, transposeB: true, into: p.columns(0 ..< pn), alpha: shape.scale) }
                    Matmul.gemm(qh.rows(r0 ..< r1), kg.rows(0 ..< r1), transposeB: true, into: p.columns(pn ..< width), alpha: shape.scale)
                    for i in r0 ..< r1 {
                        let row = p.row(i - r0), visible = pn + i + 1
                        logSumExp[(seg.start + i) * heads + h] = Softmax.forward(row, count: visible)
                        if visible < width { (row + visible).update(repeating: 0, count: width - visible) }
                    }
                    if pn > 0 { Matmul.gemm(p.columns(0 ..< pn), vp, into: oh.rows(r0 ..< r1)) }
                    Matmul.gemm(p.columns(pn ..< width), vg.rows(0 ..< r1), into: oh.rows(r0 ..< r1), beta: pn > 0 ? 1 : 0)
                    r0 = r1
                }
            }
        }
    }

    /// Backward of `forward`. Overwrites `dq`, `dk` and `dv` on the segments' rows and on their
    /// prefixes' rows (dk and dv sum over the query heads of a group and over every segment that
    /// sees a prefix, so they are zeroed here first). With P recomputed as
    /// `exp(q k^T / sqrt(D) - logSumExp)`: `dP = dO v^T`, `dS = P * (dP - rowsum(P * dP)) / sqrt(D)`,
    /// `dq = dS k`, `dk = dS^T q`, `dv = P^T dO`.
    ///
    /// Segments that share a prefix, and the segment that is that prefix, run in one task, in a
    /// fixed order, so the prefix's key/value gradients are summed without races and the result
    /// does not depend on the number of workers.
    /// - Parameter scratch: `scratchCount(maxLength:)` floats; with less, fewer workers run.
    public static func backward(_ dOut: MatrixView, q: MatrixView, k: MatrixView, v: MatrixView,
                                logSumExp: UnsafeMutablePointer<Float>, segments: [AttentionSegment], shape: AttentionShape,
                                dq: MatrixView, dk: MatrixView, dv: MatrixView, scratch: UnsafeMutableBufferPointer<Float>,
                                blockRows: Int = CausalAttention.blockRows) {
        let d = shape.headDim, heads = shape.heads
        let tile = blockRows * max(1, segments.map(\.span).max() ?? 1), slice = 2 * tile
        precondition(scratch.count >= slice, "CausalAttention.backward: scratch of \(scratch.count) floats, need \(slice) per worker")
        let families = prefixFamilies(segments)
        Parallel.forEach(families.count * shape.kvHeads, maxWorkers: scratch.count / slice) { task, worker in
            let family = families[task / shape.kvHeads], g = task % shape.kvHeads
            let kvs = g * d ..< (g + 1) * d
            for s in family {
                let seg = segments[s]
                dk.rows(seg.rows).columns(kvs).zero()
                dv.rows(seg.rows).columns(kvs).zero()
                if seg.prefixLength > 0 {
                    dk.rows(seg.prefixRows).columns(kvs).zero()
                    dv.rows(seg.prefixRows).columns(kvs).zero()
                }
            }
            // Everything the family writes is zeroed before anything accumulates into it.
            for s in family {
                let seg = segments[s]
                let n = seg.length, pn = seg.prefixLength
                let kg = k.rows(seg.rows).columns(kvs), vg = v.rows(seg.rows).columns(kvs)
                let dkg = dk.rows(seg.rows).columns(kvs), dvg = dv.rows(seg.rows).columns(kvs)
                let kp = k.rows(seg.prefixRows).columns(kvs), vp = v.rows(seg.prefixRows).columns(kvs)
                let dkp = dk.rows(seg.prefixRows).columns(kvs), dvp = dv.rows(seg.prefixRows).columns(kvs)
                for h in g * shape.groupSize ..< (g + 1) * shape.groupSize {
                    let cols = h * d ..< (h + 1) * d
                    let qh = q.rows(seg.rows).columns(cols), doh = dOut.rows(seg.rows).columns(cols)
                    let dqh = dq.rows(seg.rows).columns(cols)
                    var r0 = 0
                    while r0 < n {
                        let r1 = min(n, r0 + blockRows), width = pn + r1
                        let qb = qh.rows(r0 ..< r1), dob = doh.rows(r0 ..< r1)
                        let p = MatrixView(scratch.baseAddress! + worker * slice, rows: r1 - r0, cols: width)
                        let ds = MatrixView(scratch.baseAddress! + worker * slice + tile, rows: r1 - r0, cols: width)
                        if pn > 0 {
                            Matmul.gemm(qb, kp, transposeB: true, into: p.columns(0 ..< pn), alpha: shape.scale)
                            Matmul.gemm(dob, vp, transposeB: true, into: ds.columns(0 ..< pn))
                        }
                        Matmul.gemm(qb, kg.rows(0 ..< r1), transposeB: true, into: p.columns(pn ..< width), alpha: shape.scale)
                        Matmul.gemm(dob, vg.rows(0 ..< r1), transposeB: true, into: ds.columns(pn ..< width))
                        for i in r0 ..< r1 {
                            let pr = p.row(i - r0), dsr = ds.row(i - r0), visible = pn + i + 1
                            let lse = logSumExp[(seg.start + i) * heads + h]
                            egpo_exp_shifted(pr, Int64(visible), lse)
                            Softmax.backward(probabilities: pr, gradient: dsr, count: visible)
                            for j in 0 ..< visible { dsr[j] *= shape.scale }
                            if visible < width {
                                (pr + visible).update(repeating: 0, count: width - visible)
                                (dsr + visible).update(repeating: 0, count: width - visible)
                            }
                        }
                        let dsOwn = ds.columns(pn ..< width), pOwn = p.columns(pn ..< width)
                        Matmul.gemm(dsOwn, kg.rows(0 ..< r1), into: dqh.rows(r0 ..< r1))
                        Matmul.gemm(dsOwn, transposeA: true, qb, into: dkg.rows(0 ..< r1), beta: 1)
                        Matmul.gemm(pOwn, transposeA: true, dob, into: dvg.rows(0 ..< r1), beta: 1)
                        if pn > 0 {
                            let dsPrefix = ds.columns(0 ..< pn), pPrefix = p.columns(0 ..< pn)
                            Matmul.gemm(dsPrefix, kp, into: dqh.rows(r0 ..< r1), beta: 1)
                            Matmul.gemm(dsPrefix, transposeA: true, qb, into: dkp, beta: 1)
                            Matmul.gemm(pPrefix, transposeA: true, dob, into: dvp, beta: 1)
                        }
                        r0 = r1
                    }
                }
            }
        }
    }

    /// Segment indices grouped so that every segment shares a task with the segments whose rows
    /// it reads as a prefix: a family is keyed by its prefix's first row, root (the prefix's own
    /// segment, if present) first, then the others in batch order. Families must touch disjoint
    /// rows (as packed groups do: a prompt's rows, then its completions').
    static func prefixFamilies(_ segments: [AttentionSegment]) -> [[Int]] {
        var families: [[Int]] = [], byKey: [Int: Int] = [:]
        var prefixOf: [Int: Int] = [:]
        for seg in segments where seg.prefixLength > 0 {
            if let known = prefixOf[seg.prefixStart] {
                precondition(known == seg.prefixLength,
                             "CausalAttention: prefixes at row \(seg.prefixStart) of lengths \(known) and \(seg.prefixLength)")
            }
            prefixOf[seg.prefixStart] = seg.prefixLength
        }
        for (i, seg) in segments.enumerated() {
            let key = seg.prefixLength > 0 ? seg.prefixStart : seg.start
            if let f = byKey[key] {
                if seg.prefixLength == 0 { families[f].insert(i, at: 0) } else { families[f].append(i) }
            } else {
                byKey[key] = families.count
                families.append([i])
            }
        }
        return families
    }
}
