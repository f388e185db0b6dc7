import ShardedTensor

extension Transformer {
    /// A decoder layer's linear layer `target`, forward: `y (+)= x W^T + b`, through the bf16
    /// weights when the model has them (`precision: bf16`), and when layer `l`'s `target` has a
    /// LoRA adapter `+ h B^T` with `h = scale * x A^T` (fp32) kept in `a` for the backward.
    func project(_ l: Int, _ target: LoRATarget, _ x: MatrixView, weight: MatrixView, bias: UnsafeMutablePointer<Float>?,
                 into y: MatrixView, accumulate: Bool = false, a: LayerActivations) {
        if let low = lowPrecision {
            BF16Matmul.gemm(a.bf16.first(x), low.weight(l, target), transposeB: true, into: y, beta: accumulate ? 1 : 0)
            if let bias { addBias(bias, to: y) }
        } else {
            Linear.forward(x, weight: weight, bias: bias, into: y, accumulate: accumulate)
        }
        guard let adapters, let p = adapters.pair(l, target) else { return }
        let h = a.loraHidden(target, rows: x.rows, rank: adapters.config.rank)
        Matmul.gemm(x, p.a, transposeB: true, into: h, alpha: adapters.config.scale)
        Matmul.gemm(h, p.b, transposeB: true, into: y, beta: 1)
    }

    /// Its backward, from `dy`:
    /// - the layer, `dx (+)= dy W`, `dW += dy^T x` (only when `dWeight` is given: a frozen
    ///   weight gets none), `db += sum dy`; in bf16 products when the model has bf16 weights;
    /// - the adapter, with `h = scale * x A^T` from the forward and `g = scale * dy B`:
    ///   `dB += dy^T h`, `dA += g^T x`, `dx += g A`; gradients only into the pair `trained` gives.
    func projectBackward(_ l: Int, _ target: LoRATarget, _ dy: MatrixView, x: MatrixView, weight: MatrixView, dx: MatrixView,
                         accumulateInput: Bool, dWeight: MatrixView?, dBias: UnsafeMutablePointer<Float>?,
                         trained: LoRAPair?, a: LayerActivations, scratch: TrainingWorkspace) {
        if let low = lowPrecision {
            linearBackwardBF16(dy, x: x, weight: low.weight(l, target), dx: dx, accumulateInput: accumulateInput, dWeight: dWeight,
                               dBias: dBias, scratch: a.bf16)
        } else {
            Linear.backward(dy, x: x, weight: weight, dx: dx, accumulateInput: accumulateInput, dWeight: dWeight, dBias: dBias)
        }
        guard let adapters, let p = adapters.pair(l, target) else { return }
        let r = adapters.config.rank, n = dy.rows
        let h = a.loraHidden(target, rows: n, rank: r)
        if let trained { Matmul.gemm(dy, transposeA: true, h, into: trained.b, beta: 1) }
        let g = scratch.loraGradient(rows: n, rank: r)
        Matmul.gemm(dy, p.b, into: g, alpha: adapters.config.scale)
        if let trained { Matmul.gemm(g, transposeA: true, x, into: trained.a, beta: 1) }
        Matmul.gemm(g, p.a, into: dx, beta: 1)
    }

    /// The output head, forward: `logits = normed W_head^T` (bf16 products when the model has them).
    func headForward(_ normed: MatrixView, into logits: MatrixView, scratch: BF16Scratch) {
        if let low = lowPrecision {
            BF16Matmul.gemm(scratch.first(normed), low.head, transposeB: true, into: logits)
        } else {
            Linear.forward(normed, weight: weights.head, bias: nil, into: logits)
        }
    }

    /// The output head, backward: `dNormed = dLogits W_head`, `dW_head += dLogits^T normed`.
    func headBackward(_ dLogits: MatrixView, normed: MatrixView, dNormed: MatrixView, dWeight: MatrixView?, scratch: BF16Scratch) {
        if let low = lowPrecision {
            linearBackwardBF16(dLogits, x: normed, weight: low.head, dx: dNormed, accumulateInput: false, dWeight: dWeight, dBias: nil,
                               scratch: scratch)
        } else {
            Linear.backward(dLogits, x: normed, weight: weights.head, dx: dNormed, accumulateInput: false, dWeight: dWeight, dBias: nil)
        }
    }

    /// `Linear.backward` with bf16 inputs to its two products and fp32 accumulation.
    private func linearBackwardBF16(_ dy: MatrixView, x: MatrixView, weight: BF16MatrixView, dx: MatrixView, accumulateInput: Bool,
                                    dWeight: MatrixView?, dBias: UnsafeMutablePointer<Float>?, scratch: BF16Scratch) {
        let dyLow = scratch.first(dy)
        BF16Matmul.gemm(dyLow, weight, into: dx, beta: accumulateInput ? 1 : 0)
        if let dWeight { BF16Matmul.gemm(dyLow, transposeA: true, scratch.second(x), into: dWeight, beta: 1) }
        if let dBias {
            for r in 0..<dy.rows {
                let g = dy.row(r)
                for j in 0..<dy.cols { dBias[j] += g[j] }
            }
        }
    }

    private func addBias(_ bias: UnsafeMutablePointer<Float>, to y: MatrixView) {
        for r in 0..<y.rows {
            let yr = y.row(r)
            for j in 0..<y.cols { yr[j] += bias[j] }
        }
    }
}
