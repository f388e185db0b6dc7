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
}
