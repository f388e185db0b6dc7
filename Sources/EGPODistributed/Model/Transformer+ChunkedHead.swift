import Foundation
import ShardedTensor

/// The output head and the token distribution over vocabulary chunks (`TrainingWorkspace.headChunk`),
/// as Liger's fused linear cross-entropy and Cut Cross-Entropy do: the (rows, vocabulary) logits
/// and their gradient are never held whole, only (rows, chunk) of them.
///
/// Forward, with `z = logits / T`: per row a running max `m`, `s = sum exp(z - m)` and
/// `u = sum exp(z - m) z` over the chunks give `logsumexp = m + log s`, `E[z] = u / s`,
/// `H = logsumexp - E[z]`, and the target's `z_t - logsumexp`. Backward recomputes each chunk's
/// logits and writes `dz_j = a (1[j = t] - p_j) - b p_j (z_j - E[z])` (divided by T) for it, then
/// `dNormed += dz W_chunk` and `dW_chunk += dz^T normed`. The head's product runs twice (as in
/// Liger); in exchange the activation memory per row drops from 2V + 2 floats to 2 chunk + 4.
extension Transformer {
    /// The head's weight rows `start ..< start + count`, and their bf16 copy when there is one.
    private func headRows(_ start: Int, _ count: Int) -> (fp32: MatrixView, bf16: BF16MatrixView?) {
        let c = config.hiddenSize, w = weights.head
        return (MatrixView(w.base + start * w.rowStride, rows: count, cols: c, rowStride: w.rowStride),
                lowPrecision.map { BF16MatrixView($0.head.base + start * $0.head.rowStride, rows: count, cols: c, rowStride: $0.head.rowStride) })
    }

    /// Fills `ws.logProbs`, `ws.entropies` and the per-row `ws.headStatistics` (logsumexp, E[z])
    /// from `normed` (n, C) without the whole logits.
    func chunkedHeadForward(_ normed: MatrixView, targets: UnsafePointer<Int32>, temperature: Float, workspace ws: TrainingWorkspace) {
        let n = normed.rows, v = config.vocabularySize, chunk = ws.headChunk, invT = 1 / temperature
        let m = ws.headStatistics.base, s = m + n, u = s + n, targetZ = u + n
        for r in 0..<n {
            precondition(targets[r] >= 0 && Int(targets[r]) < v, "chunked head: target \(targets[r]) outside 0..<\(v)")
            m[r] = -.infinity; s[r] = 0; u[r] = 0; targetZ[r] = .nan
        }
        for start in stride(from: 0, to: v, by: chunk) {
            let count = min(chunk, v - start)
            let logits = MatrixView(ws.logits.base, rows: n, cols: count)
            let head = headRows(start, count)
            product(normed, weight: head.fp32, low: head.bf16, bias: nil, into: logits, accumulate: false, scratch: ws.bf16)
            adaptHeadColumns(normed, logits: logits, start: start)
            Parallel.forRanges(n) { rows in for r in rows {
                let z = logits.row(r)
                var cm = -Float.infinity
                for i in 0..<count { cm = max(cm, z[i]) }
                cm *= invT
                var cs: Float = 0, cu: Float = 0
                for i in 0..<count {
                    let zi = z[i] * invT, e = expf(zi - cm)
                    cs += e
                    cu += e * zi
                }
                let nm = max(m[r], cm), old = expf(m[r] - nm), new = expf(cm - nm)
                s[r] = s[r] * old + cs * new
                u[r] = u[r] * old + cu * new
                m[r] = nm
                let t = Int(targets[r]) - start
                if t >= 0 && t < count { targetZ[r] = z[t] * invT }
            } }
        }
        for r in 0..<n {
            let lse = m[r] + logf(s[r]), mean = u[r] / s[r]
            ws.logProbs[r] = targetZ[r] - lse
            ws.entropies[r] = lse - mean
            // Kept for the backward: logsumexp and E[z] in the first two slots.
            m[r] = lse
            s[r] = mean
        }
    }

    /// The backward of `chunkedHeadForward`: `dNormed` (overwritten) and, when the head is
    /// trained, its gradient (accumulated), from the weights of `sum a logp + b H`; trained token
    /// rows (LoRA) get theirs in `dTokenRows`.
    func chunkedHeadBackward(_ normed: MatrixView, targets: UnsafePointer<Int32>, temperature: Float, logProbWeights: UnsafePointer<Float>,
                             entropyWeights: UnsafePointer<Float>?, dNormed: MatrixView, dWeight: MatrixView?, dTokenRows: MatrixView?,
                             workspace ws: TrainingWorkspace) {
        let n = normed.rows, v = config.vocabularySize, chunk = ws.headChunk, invT = 1 / temperature
        let lse = ws.headStatistics.base, mean = lse + n
        for start in stride(from: 0, to: v, by: chunk) {
            let count = min(chunk, v - start)
            let logits = MatrixView(ws.logits.base, rows: n, cols: count), dz = MatrixView(ws.dLogits.base, rows: n, cols: count)
            let head = headRows(start, count)
            product(normed, weight: head.fp32, low: head.bf16, bias: nil, into: logits, accumulate: false, scratch: ws.bf16)
            adaptHeadColumns(normed, logits: logits, start: start)
            Parallel.forRanges(n) { rows in for r in rows {
                let z = logits.row(r), d = dz.row(r)
                let a = logProbWeights[r], b = entropyWeights?[r] ?? 0
                for i in 0..<count {
                    let zi = z[i] * invT, p = expf(zi - lse[r])
                    d[i] = (-a * p - b * p * (zi - mean[r])) * invT
                }
                let t = Int(targets[r]) - start
                if t >= 0 && t < count { d[t] += a * invT }
            } }
            let dw = dWeight.map { MatrixView($0.base + start * $0.rowStride, rows: count, cols: $0.cols, rowStride: $0.rowStride) }
            let taken = takeTokenColumns(dz, start: start)
            productBackward(dz, x: normed, weight: head.fp32, low: head.bf16, dx: dNormed, accumulateInput: start != 0,
                            dWeight: dw, dBias: nil, scratch: ws.bf16)
            tokenColumnsBackward(taken, normed: normed, dNormed: dNormed, dRows: dTokenRows)
        }
    }
}
