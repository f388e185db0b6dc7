import ShardedTensor

/// Per-prediction outputs of a training forward, in the row order of `TokenBatch`.
public struct TokenScores: Sendable, Equatable {
    /// log p_T(target) for each prediction, at the forward's temperature.
    public var logProbs: [Float]
    /// Full-vocabulary entropy of p_T for each prediction.
    public var entropies: [Float]
}

extension Transformer {
    /// Training/scoring forward: runs every sequence of `batch` causally and returns, for each
    /// prediction, the target's log-probability and the distribution's entropy, both under
    /// `softmax(logits / temperature)`. Keeps what `backward` needs in `workspace`.
    @discardableResult
    public func forward(_ batch: TokenBatch, temperature: Float = 1, workspace ws: TrainingWorkspace) -> TokenScores {
        precondition(temperature > 0, "forward: temperature \(temperature) must be positive")
        precondition(ws.config == config, "forward: workspace built for another config")
        precondition(batch.maxLength <= config.maxPositionEmbeddings,
                     "forward: sequence of \(batch.maxLength) tokens exceeds max_position_embeddings \(config.maxPositionEmbeddings)")
        ws.batch = batch
        let n = batch.predictionCount
        ws.reserve(rows: n, maxLength: batch.maxLength)
        ws.temperature = temperature
        let c = config.hiddenSize, v = config.vocabularySize
        batch.inputs.withUnsafeBufferPointer { embed($0.baseAddress!, into: ws.residual[0].rows(n, c)) }
        for l in 0..<config.layerCount { layerForward(l, batch, workspace: ws) }
        if ws.isHeadChunked {
            RMSNorm.forward(ws.residual[config.layerCount].rows(n, c), weight: weights.finalNorm, eps: Float(config.rmsNormEps),
                            into: ws.finalNorm.rows(n, c), rstd: ws.rstdFinal.base)
            batch.targets.withUnsafeBufferPointer {
                chunkedHeadForward(ws.finalNorm.rows(n, c), targets: $0.baseAddress!, temperature: temperature, workspace: ws)
            }
        } else {
            languageModelHead(ws.residual[config.layerCount].rows(n, c), normed: ws.finalNorm.rows(n, c), rstd: ws.rstdFinal.base,
                              into: ws.logits.rows(n, v), scratch: ws.bf16)
            batch.targets.withUnsafeBufferPointer {
                TokenDistribution.forward(logits: ws.logits.rows(n, v), targets: $0.baseAddress!, temperature: temperature,
                                          logProbs: ws.logProbs.base, entropies: ws.entropies.base)
            }
        }
        return TokenScores(logProbs: Array(UnsafeBufferPointer(start: ws.logProbs.base, count: n)),
                           entropies: Array(UnsafeBufferPointer(start: ws.entropies.base, count: n)))
    }

    /// Decoder layer `l` of the training forward, from `ws.residual[l]` into `ws.residual[l + 1]`,
    /// keeping its activations in `ws.activations(l)`. With recomputation (`ws.recompute`) every
    /// layer shares one set of activations, and the backward runs this again for each layer
    /// before its own backward: the same operations on the same input give the same bits.
    func layerForward(_ l: Int, _ batch: TokenBatch, workspace ws: TrainingWorkspace) {
        let n = batch.predictionCount, c = config.hiddenSize, a = ws.activations(l)
        batch.positions.withUnsafeBufferPointer { pos in
            attentionInputs(l, x: ws.residual[l].rows(n, c), positions: pos.baseAddress!, a: a, rows: n)
        }
        CausalAttention.forward(q: a.q.rows(n, qWidth), k: a.k.rows(n, kvWidth), v: a.v.rows(n, kvWidth),
                                into: a.attention.rows(n, qWidth), logSumExp: a.logSumExp.base,
                                segments: batch.segments, shape: attentionShape, scratch: ws.scratch.bufferPointer)
        attentionOutputAndMLP(l, x: ws.residual[l].rows(n, c), a: a, rows: n, into: ws.residual[l + 1].rows(n, c))
    }

    /// Logits (before temperature) of every prediction of `batch`, row-major (predictionCount, V):
    /// row i of sequence s is the distribution of token i + 1 given tokens 0...i. For golden tests
    /// against transformers, whose logits for input `tokens[0..<n-1]` are exactly these rows.
    public func logits(_ batch: TokenBatch, workspace: TrainingWorkspace) -> [Float] {
        precondition(!workspace.isHeadChunked, "logits: a workspace with a chunked head never holds the whole logits")
        forward(batch, workspace: workspace)
        return workspace.logits.rows(batch.predictionCount, config.vocabularySize).toArray()
    }

    var qWidth: Int { config.headCount * config.headDim }
    var kvWidth: Int { config.kvHeadCount * config.headDim }

    /// Layer `l`, first half: `norm1 = RMSNorm(x)`, `q, k, v = Linear(norm1)`, (Qwen3) a
    /// per-head RMSNorm on q and k, then RoPE on q and k.
    /// Shared by training (all rows of a batch) and decoding (one row per sequence).
    func attentionInputs(_ l: Int, x: MatrixView, positions: UnsafePointer<Int32>, a: LayerActivations, rows n: Int) {
        let w = weights.layers[l], c = config.hiddenSize, d = config.headDim
        let norm1 = a.norm1.rows(n, c)
        RMSNorm.forward(x, weight: w.inputNorm, eps: Float(config.rmsNormEps), into: norm1, rstd: a.rstd1.base)
        if let qNorm = w.qNorm, let kNorm = w.kNorm {
            // Qwen3Attention: q_norm(q_proj(x).view(..., H, D)): each head's D values are one
            // RMSNorm row, so the packed (N, H*D) matrix is normalised as (N*H, D).
            project(l, .q_proj, norm1, weight: w.q, bias: w.qBias, into: a.qRaw.rows(n, qWidth), a: a)
            project(l, .k_proj, norm1, weight: w.k, bias: w.kBias, into: a.kRaw.rows(n, kvWidth), a: a)
            RMSNorm.forward(a.qRaw.rows(n * config.headCount, d), weight: qNorm, eps: Float(config.rmsNormEps),
                            into: a.q.rows(n * config.headCount, d), rstd: a.rstdQ.base)
            RMSNorm.forward(a.kRaw.rows(n * config.kvHeadCount, d), weight: kNorm, eps: Float(config.rmsNormEps),
                            into: a.k.rows(n * config.kvHeadCount, d), rstd: a.rstdK.base)
        } else {
            project(l, .q_proj, norm1, weight: w.q, bias: w.qBias, into: a.q.rows(n, qWidth), a: a)
            project(l, .k_proj, norm1, weight: w.k, bias: w.kBias, into: a.k.rows(n, kvWidth), a: a)
        }
        project(l, .v_proj, norm1, weight: w.v, bias: w.vBias, into: a.v.rows(n, kvWidth), a: a)
        Rope.forward(a.q.rows(n, qWidth), heads: config.headCount, positions: positions, table: rotary)
        Rope.forward(a.k.rows(n, kvWidth), heads: config.kvHeadCount, positions: positions, table: rotary)
    }

    /// Layer `l`, second half, from `a.attention` (N, H*D):
    /// `mid = x + o_proj(attention)`, `out = mid + down(silu(gate(norm2)) * up(norm2))`, `norm2 = RMSNorm(mid)`.
    func attentionOutputAndMLP(_ l: Int, x: MatrixView, a: LayerActivations, rows n: Int, into out: MatrixView) {
        let w = weights.layers[l], c = config.hiddenSize, i = config.intermediateSize
        let mid = a.mid.rows(n, c), norm2 = a.norm2.rows(n, c)
        copy(x, into: mid)
        project(l, .o_proj, a.attention.rows(n, qWidth), weight: w.o, bias: w.oBias, into: mid, accumulate: true, a: a)
        RMSNorm.forward(mid, weight: w.postNorm, eps: Float(config.rmsNormEps), into: norm2, rstd: a.rstd2.base)
        project(l, .gate_proj, norm2, weight: w.gate, bias: nil, into: a.gate.rows(n, i), a: a)
        project(l, .up_proj, norm2, weight: w.up, bias: nil, into: a.up.rows(n, i), a: a)
        SwiGLU.forward(gate: a.gate.rows(n, i), up: a.up.rows(n, i), into: a.act.rows(n, i))
        copy(mid, into: out)
        project(l, .down_proj, a.act.rows(n, i), weight: w.down, bias: nil, into: out, accumulate: true, a: a)
    }

    /// Final RMSNorm and LM head: `logits = RMSNorm(x) W_head^T`.
    func languageModelHead(_ x: MatrixView, normed: MatrixView, rstd: UnsafeMutablePointer<Float>, into logits: MatrixView,
                           scratch: BF16Scratch) {
        RMSNorm.forward(x, weight: weights.finalNorm, eps: Float(config.rmsNormEps), into: normed, rstd: rstd)
        headForward(normed, into: logits, scratch: scratch)
        adaptHeadColumns(normed, logits: logits, start: 0)
    }

    func copy(_ src: MatrixView, into dst: MatrixView) {
        precondition(src.rows == dst.rows && src.cols == dst.cols, "copy: \(src.rows)x\(src.cols) into \(dst.rows)x\(dst.cols)")
        if src.rowStride == src.cols && dst.rowStride == dst.cols {
            dst.base.update(from: src.base, count: src.rows * src.cols)
        } else {
            for r in 0..<src.rows { dst.row(r).update(from: src.row(r), count: src.cols) }
        }
    }
}
