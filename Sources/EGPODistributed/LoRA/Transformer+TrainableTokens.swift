import ShardedTensor

/// Trained token rows (`LoRAConfig.trainableTokens`, PEFT's `trainable_token_indices`): the
/// adapted model reads the adapters' row wherever the base would read the embedding row of one of
/// those tokens, at the input and, when the head is tied, at the output. The base's matrices stay
/// untouched (the reference policy is the base), so the big products run on the base and these
/// few rows are fixed up around them:
///
/// - input: the embedding rows of trained tokens are overwritten after the lookup;
/// - head forward: a trained token's logit column is recomputed as `normed · row` in fp32;
/// - head backward: that column of dLogits is taken out before the head's product (which uses the
///   base row) and applied with the trained row: `dNormed += dz_j row_j`, `d row_j += dz_j^T normed`;
/// - input backward: `d row_j += ` the residual gradient at every position that reads token j.
///
/// With a tied head, the input and the output share one trained row, as in PEFT.
extension Transformer {
    /// The ids and rows that replace the head's (tied head only).
    private var headTokenRows: (ids: [Int32], rows: MatrixView)? {
        guard config.tieWordEmbeddings, let adapters, let rows = adapters.tokenRows else { return nil }
        return (adapters.tokenIDs, rows)
    }

    /// The embedding rows of `tokens` into `x` (rows, hidden), trained rows for trained tokens.
    func embed(_ tokens: UnsafePointer<Int32>, into x: MatrixView) {
        Embedding.forward(table: weights.embedding, tokens: tokens, into: x)
        guard let adapters, let rows = adapters.tokenRows else { return }
        for r in 0..<x.rows {
            if let k = adapters.tokenIDs.firstIndex(of: tokens[r]) { x.row(r).update(from: rows.row(k), count: x.cols) }
        }
    }

    /// The backward of `embed` into the trained rows' gradient `dRows` (nil: not trained).
    func embedBackward(_ dx: MatrixView, tokens: UnsafePointer<Int32>, dRows: MatrixView?) {
        guard let dRows, let adapters else { return }
        for r in 0..<dx.rows {
            guard let k = adapters.tokenIDs.firstIndex(of: tokens[r]) else { continue }
            let g = dx.row(r), d = dRows.row(k)
            for c in 0..<dx.cols { d[c] += g[c] }
        }
    }

    /// Recomputes the logit columns of trained tokens inside `logits`, whose column 0 is
    /// vocabulary id `start`: `logits[r, j - start] = normed[r] · row_j`.
    func adaptHeadColumns(_ normed: MatrixView, logits: MatrixView, start: Int) {
        guard let (ids, rows) = headTokenRows else { return }
        for (k, id) in ids.enumerated() {
            let j = Int(id) - start
            guard j >= 0 && j < logits.cols else { continue }
            let w = rows.row(k)
            for r in 0..<normed.rows {
                let x = normed.row(r)
                var dot: Float = 0
                for c in 0..<normed.cols { dot += x[c] * w[c] }
                logits.row(r)[j] = dot
            }
        }
    }

    /// Takes the trained tokens' columns out of `dLogits` (column 0 is id `start`), zeroing them
    /// there so that the head's product skips the base rows; nil when none is in range.
    func takeTokenColumns(_ dLogits: MatrixView, start: Int) -> [(slot: Int, column: [Float])]? {
        guard let (ids, _) = headTokenRows else { return nil }
        var taken: [(slot: Int, column: [Float])] = []
        for (k, id) in ids.enumerated() {
            let j = Int(id) - start
            guard j >= 0 && j < dLogits.cols else { continue }
            taken.append((k, (0..<dLogits.rows).map { r in
                let v = dLogits.row(r)[j]
                dLogits.row(r)[j] = 0
                return v
            }))
        }
        return taken.isEmpty ? nil : taken
    }

    /// The head backward of the taken columns with the trained rows: `dNormed += dz_j row_j`
    /// (after the head's product wrote dNormed), `dRows[j] += dz_j^T normed`.
    func tokenColumnsBackward(_ taken: [(slot: Int, column: [Float])]?, normed: MatrixView, dNormed: MatrixView, dRows: MatrixView?) {
        guard let taken, let (_, rows) = headTokenRows else { return }
        for (k, column) in taken {
            let w = rows.row(k)
            for r in 0..<normed.rows where column[r] != 0 {
                let d = dNormed.row(r), g = column[r]
                for c in 0..<normed.cols { d[c] += g * w[c] }
            }
            guard let dRows else { continue }
            let dw = dRows.row(k)
            for r in 0..<normed.rows where column[r] != 0 {
                let x = normed.row(r), g = column[r]
                for c in 0..<normed.cols { dw[c] += g * x[c] }
            }
        }
    }
}
