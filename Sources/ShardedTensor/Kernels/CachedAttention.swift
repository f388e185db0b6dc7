/// Attention of one new query row over a key/value cache, as in incremental decoding. The keys
/// come in two pieces: a prefix shared by a group of sequences (the prompt, run once) and the
/// sequence's own keys (its completion so far, the current token's included). Together they are
/// the causal window of the query, so this equals the last row of `CausalAttention` on the whole
/// sequence.
public enum CachedAttention {
    /// Floats of scratch needed for windows up to `maxKeys` keys.
    public static func scratchCount(maxKeys: Int, shape: AttentionShape) -> Int { shape.groupSize * maxKeys }

    /// out (H*D) = softmax(q k^T / sqrt(D)) v over the keys `[prefix; own]`, GQA-grouped.
    /// - Parameters:
    ///   - q: one row of H*D query values (RoPE applied).
    ///   - prefixKeys, prefixValues: (P, K*D), possibly P = 0; ownKeys, ownValues: (n, K*D), n >= 1.
    ///   - scratch: `scratchCount(maxKeys: P + n, shape:)` floats.
    public static func forward(q: UnsafeMutablePointer<Float>, prefixKeys: MatrixView, prefixValues: MatrixView,
                               ownKeys: MatrixView, ownValues: MatrixView, shape: AttentionShape,
                               into out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let d = shape.headDim, gs = shape.groupSize
        let p = prefixKeys.rows, n = ownKeys.rows, total = p + n
        precondition(n >= 1 && prefixValues.rows == p && ownValues.rows == n && prefixKeys.cols == shape.kvHeads * d && ownKeys.cols == prefixKeys.cols,
                     "CachedAttention: prefix \(p) keys, own \(n) keys of width \(ownKeys.cols) for \(shape)")
        let scores = MatrixView(scratch, rows: gs, cols: total)
        for g in 0..<shape.kvHeads {
            // The group's query heads are consecutive in q: a (groupSize, D) matrix.
            let qg = MatrixView(q + g * gs * d, rows: gs, cols: d)
            let og = MatrixView(out + g * gs * d, rows: gs, cols: d)
            let kv = g * d ..< (g + 1) * d
            Matmul.gemm(qg, prefixKeys.columns(kv), transposeB: true, into: scores.columns(0 ..< p), alpha: shape.scale)
            Matmul.gemm(qg, ownKeys.columns(kv), transposeB: true, into: scores.columns(p ..< total), alpha: shape.scale)
            for r in 0..<gs { Softmax.forward(scores.row(r), count: total) }
            Matmul.gemm(scores.columns(0 ..< p), prefixValues.columns(kv), into: og)
            Matmul.gemm(scores.columns(p ..< total), ownValues.columns(kv), into: og, beta: 1)
        }
    }

    /// Floats of scratch `forwardGroup` needs for `rows` sequences and windows up to `maxKeys` keys.
    public static func groupScratchCount(rows: Int, maxKeys: Int, shape: AttentionShape) -> Int {
        rows * shape.groupSize * (maxKeys + 2 * shape.headDim)
    }

    /// `forward` for the newest rows of several sequences that share one prefix (the G completions
    /// of a prompt in decoding), one kv group at a time: the group's query heads of every row
    /// packed as one (rows * groupSize, D) matrix meet the prefix's keys and values in one product
    /// each, which reads them once instead of once per row; each row's own keys still get their
    /// own small products.
    /// - Parameters:
    ///   - q: (n, H*D) query rows (RoPE applied); out: (n, H*D).
    ///   - prefixKeys, prefixValues: (P, K*D), possibly P = 0.
    ///   - own: each row's own keys and values, (n_i, K*D) with n_i >= 1.
    ///   - scratch: `groupScratchCount(rows: n, maxKeys: P + max n_i, shape:)` floats.
    public static func forwardGroup(q: MatrixView, prefixKeys: MatrixView, prefixValues: MatrixView,
                                    own: [(keys: MatrixView, values: MatrixView)], shape: AttentionShape,
                                    into out: MatrixView, scratch: UnsafeMutablePointer<Float>) {
        let d = shape.headDim, gs = shape.groupSize, n = q.rows, p = prefixKeys.rows
        let width = p + (own.map(\.keys.rows).max() ?? 0)
        precondition(own.count == n && out.rows == n && q.cols == shape.heads * d && out.cols == q.cols && prefixValues.rows == p
                     && own.allSatisfy { $0.keys.rows >= 1 && $0.values.rows == $0.keys.rows },
                     "CachedAttention.forwardGroup: \(n) rows, \(own.count) own caches, prefix \(p) for \(shape)")
        let packed = n * gs
        let scores = MatrixView(scratch, rows: packed, cols: width)
        let qs = MatrixView(scratch + packed * width, rows: packed, cols: d)
        let os = MatrixView(scratch + packed * (width + d), rows: packed, cols: d)
        for g in 0..<shape.kvHeads {
            let kv = g * d ..< (g + 1) * d, heads = g * gs * d ..< (g + 1) * gs * d
            // Row i's heads of group g are gs * D consecutive floats: packed rows i*gs ..< (i+1)*gs.
            for i in 0..<n { qs.row(i * gs).update(from: q.row(i) + heads.lowerBound, count: gs * d) }
            if p > 0 { Matmul.gemm(qs, prefixKeys.columns(kv), transposeB: true, into: scores.columns(0 ..< p), alpha: shape.scale) }
            for i in 0..<n {
                let rows = i * gs ..< (i + 1) * gs, k = own[i].keys.rows
                Matmul.gemm(qs.rows(rows), own[i].keys.columns(kv), transposeB: true, into: scores.rows(rows).columns(p ..< p + k), alpha: shape.scale)
                for r in rows { Softmax.forward(scores.row(r), count: p + k) }
            }
            if p > 0 { Matmul.gemm(scores.columns(0 ..< p), prefixValues.columns(kv), into: os) }
            for i in 0..<n {
                let rows = i * gs ..< (i + 1) * gs, k = own[i].keys.rows
                Matmul.gemm(scores.rows(rows).columns(p ..< p + k), own[i].values.columns(kv), into: os.rows(rows), beta: p > 0 ? 1 : 0)
                out.row(i).advanced(by: heads.lowerBound).update(from: os.row(i * gs), count: gs * d)
            }
        }
    }
}
