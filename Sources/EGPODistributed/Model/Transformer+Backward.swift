import ShardedTensor

extension Transformer {
    /// Backward of the last `forward(batch, temperature:, workspace:)`: adds the gradient of
    /// `sum_i logProbWeights[i] * logp_i + entropyWeights[i] * H_i` with respect to every
    /// trained parameter into `gradients` (it is not zeroed here, so micro-batches accumulate).
    /// SFT cross-entropy is weights -1/count; a policy-gradient surrogate is weights -advantage/count.
    /// - Parameters:
    ///   - logProbWeights: one weight per prediction, in the row order of `batch`.
    ///   - entropyWeights: one per prediction, or nil when the entropy is not differentiated.
    ///   - gradients: laid out by `layout`.
    ///   - layout: the trained tensors (`TrainableParameters.layout`; nil: every tensor, the
    ///     model's own layout). A tensor it leaves out is frozen: its weight gradient is not
    ///     computed, while the gradient still flows through it to the tensors before it.
    public func backward(_ batch: TokenBatch, logProbWeights: [Float], entropyWeights: [Float]? = nil,
                         gradients: FloatBuffer, layout gradientLayout: ParameterLayout? = nil, workspace ws: TrainingWorkspace) {
        precondition(ws.batch == batch, "backward: the workspace holds the forward of another batch")
        let n = batch.predictionCount, c = config.hiddenSize, v = config.vocabularySize, i = config.intermediateSize
        precondition(logProbWeights.count == n, "backward: \(logProbWeights.count) log-prob weights for \(n) predictions")
        precondition(entropyWeights == nil || entropyWeights!.count == n, "backward: \(entropyWeights!.count) entropy weights for \(n) predictions")
        let gradientLayout = gradientLayout ?? layout
        precondition(gradients.count == gradientLayout.totalCount, "backward: gradient buffer \(gradients.count) vs layout \(gradientLayout.totalCount)")
        let g = ModelGradients(gradients, layout: gradientLayout, config: config, modelLayout: layout, adapterLayout: adapters?.layout)
        let dRes = ws.dResidual.rows(n, c), dNorm = ws.dNorm.rows(n, c)

        // Loss -> logits -> final norm. dRes is the gradient of the residual stream from here on.
        batch.targets.withUnsafeBufferPointer { targets in
            logProbWeights.withUnsafeBufferPointer { a in
                func head(_ b: UnsafePointer<Float>?) {
                    if ws.isHeadChunked {
                        chunkedHeadBackward(ws.finalNorm.rows(n, c), targets: targets.baseAddress!, temperature: ws.temperature,
                                            logProbWeights: a.baseAddress!, entropyWeights: b, dNormed: dNorm, dWeight: g.head,
                                            dTokenRows: g.tokenRows, workspace: ws)
                    } else {
                        let dLogits = ws.dLogits.rows(n, v)
                        TokenDistribution.backward(logits: ws.logits.rows(n, v), targets: targets.baseAddress!, temperature: ws.temperature,
                                                   logProbWeights: a.baseAddress!, entropyWeights: b, dLogits: dLogits)
                        let taken = takeTokenColumns(dLogits, start: 0)
                        headBackward(dLogits, normed: ws.finalNorm.rows(n, c), dNormed: dNorm, dWeight: g.head, scratch: ws.bf16)
                        tokenColumnsBackward(taken, normed: ws.finalNorm.rows(n, c), dNormed: dNorm, dRows: g.tokenRows)
                    }
                }
                if let entropyWeights { entropyWeights.withUnsafeBufferPointer { head($0.baseAddress!) } } else { head(nil) }
            }
        }
        dRes.zero()
        RMSNorm.backward(dNorm, x: ws.residual[config.layerCount].rows(n, c), weight: weights.finalNorm, rstd: ws.rstdFinal.base,
                         dx: dRes, dWeight: g.finalNorm)

        batch.positions.withUnsafeBufferPointer { positions in
            let pos = positions.baseAddress!
            for l in stride(from: config.layerCount - 1, through: 0, by: -1) {
                if ws.recompute { layerForward(l, batch, workspace: ws) }
                let a = ws.activations(l), w = weights.layers[l], gw = g.layers[l], gl = g.lora[l]
                let norm2 = a.norm2.rows(n, c), norm1 = a.norm1.rows(n, c)
                // MLP: out = mid + down(act), act = silu(gate) * up, gate/up = Linear(norm2).
                let dAct = ws.dAct.rows(n, i), dGate = ws.dGate.rows(n, i), dUp = ws.dUp.rows(n, i)
                projectBackward(l, .down_proj, dRes, x: a.act.rows(n, i), weight: w.down, dx: dAct, accumulateInput: false, dWeight: gw.down, dBias: nil,
                                trained: gl.down, a: a, scratch: ws)
                SwiGLU.backward(dAct, gate: a.gate.rows(n, i), up: a.up.rows(n, i), dGate: dGate, dUp: dUp)
                projectBackward(l, .gate_proj, dGate, x: norm2, weight: w.gate, dx: dNorm, accumulateInput: false, dWeight: gw.gate, dBias: nil,
                                trained: gl.gate, a: a, scratch: ws)
                projectBackward(l, .up_proj, dUp, x: norm2, weight: w.up, dx: dNorm, accumulateInput: true, dWeight: gw.up, dBias: nil,
                                trained: gl.up, a: a, scratch: ws)
                RMSNorm.backward(dNorm, x: a.mid.rows(n, c), weight: w.postNorm, rstd: a.rstd2.base, dx: dRes, dWeight: gw.postNorm)
                // Attention: mid = x + o_proj(attention); attention from RoPE'd q, k and v of norm1.
                let dAttention = ws.dAttention.rows(n, qWidth)
                let dq = ws.dq.rows(n, qWidth), dk = ws.dk.rows(n, kvWidth), dv = ws.dv.rows(n, kvWidth)
                projectBackward(l, .o_proj, dRes, x: a.attention.rows(n, qWidth), weight: w.o, dx: dAttention, accumulateInput: false,
                                dWeight: gw.o, dBias: gw.oBias, trained: gl.o, a: a, scratch: ws)
                CausalAttention.backward(dAttention, q: a.q.rows(n, qWidth), k: a.k.rows(n, kvWidth), v: a.v.rows(n, kvWidth),
                                         logSumExp: a.logSumExp.base, segments: batch.segments, shape: attentionShape,
                                         dq: dq, dk: dk, dv: dv, scratch: ws.scratch.bufferPointer)
                Rope.backward(dq, heads: config.headCount, positions: pos, table: rotary)
                Rope.backward(dk, heads: config.kvHeadCount, positions: pos, table: rotary)
                var dqProj = dq, dkProj = dk
                if let qNorm = w.qNorm, let kNorm = w.kNorm {
                    // Qwen3: q = q_norm(qRaw) per head, (N*H, D) rows; the RMSNorm backward accumulates into dx.
                    let d = config.headDim, h = config.headCount, kh = config.kvHeadCount
                    dqProj = ws.dqRaw.rows(n, qWidth); dkProj = ws.dkRaw.rows(n, kvWidth)
                    dqProj.zero(); dkProj.zero()
                    RMSNorm.backward(ws.dq.rows(n * h, d), x: a.qRaw.rows(n * h, d), weight: qNorm, rstd: a.rstdQ.base,
                                     dx: ws.dqRaw.rows(n * h, d), dWeight: gw.qNorm)
                    RMSNorm.backward(ws.dk.rows(n * kh, d), x: a.kRaw.rows(n * kh, d), weight: kNorm, rstd: a.rstdK.base,
                                     dx: ws.dkRaw.rows(n * kh, d), dWeight: gw.kNorm)
                }
                projectBackward(l, .q_proj, dqProj, x: norm1, weight: w.q, dx: dNorm, accumulateInput: false, dWeight: gw.q, dBias: gw.qBias,
                                trained: gl.q, a: a, scratch: ws)
                projectBackward(l, .k_proj, dkProj, x: norm1, weight: w.k, dx: dNorm, accumulateInput: true, dWeight: gw.k, dBias: gw.kBias,
                                trained: gl.k, a: a, scratch: ws)
                projectBackward(l, .v_proj, dv, x: norm1, weight: w.v, dx: dNorm, accumulateInput: true, dWeight: gw.v, dBias: gw.vBias,
                                trained: gl.v, a: a, scratch: ws)
                RMSNorm.backward(dNorm, x: ws.residual[l].rows(n, c), weight: w.inputNorm, rstd: a.rstd1.base, dx: dRes, dWeight: gw.inputNorm)
            }
        }
        batch.inputs.withUnsafeBufferPointer { tokens in
            if let dTable = g.embedding { Embedding.backward(dRes, tokens: tokens.baseAddress!, dTable: dTable) }
            embedBackward(dRes, tokens: tokens.baseAddress!, dRows: g.tokenRows)
        }
    }
}
