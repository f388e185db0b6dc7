import ShardedTensor

extension Transformer {
    /// A decoder layer's linear layer `target`, forward: `y (+)= x W^T + b` (`product`), and when
    /// layer `l`'s `target` has a LoRA adapter `+ h B^T` with `h = scale * x A^T` (fp32) kept in
    /// `a` for the backward.
    func project(_ l: Int, _ target: LoRATarget, _ x: MatrixView, weight: MatrixView, bias: UnsafeMutablePointer<Float>?,
                 into y: MatrixView, accumulate: Bool = false, a: LayerActivations) {
        product(x, weight: weight, low: lowPrecision?.weight(l, target), bias: bias, into: y, accumulate: accumulate, scratch: a.bf16)
        guard let adapters, let p = adapters.pair(l, target) else { return }
        let h = a.loraHidden(target, rows: x.rows, rank: adapters.config.rank)
        Matmul.gemm(x, p.a, transposeB: true, into: h, alpha: adapters.config.scale)
        Matmul.gemm(h, p.b, transposeB: true, into: y, beta: 1)
    }

    /// Its backward, from `dy`:
    /// - the layer (`productBackward`), its weight gradient only when `dWeight` is given (a frozen
    ///   weight gets none);
    /// - the adapter, with `h = scale * x A^T` from the forward and `g = scale * dy B`:
    ///   `dB += dy^T h`, `dA += g^T x`, `dx += g A`; gradients only into the pair `trained` gives.
    func projectBackward(_ l: Int, _ target: LoRATarget, _ dy: MatrixView, x: MatrixView, weight: MatrixView, dx: MatrixView,
                         accumulateInput: Bool, dWeight: MatrixView?, dBias: UnsafeMutablePointer<Float>?,
                         trained: LoRAPair?, a: LayerActivations, scratch: TrainingWorkspace) {
        productBackward(dy, x: x, weight: weight, low: lowPrecision?.weight(l, target), dx: dx, accumulateInput: accumulateInput,
                        dWeight: dWeight, dBias: dBias, scratch: a.bf16)
        guard let adapters, let p = adapters.pair(l, target) else { return }
        let r = adapters.config.rank, n = dy.rows
        let h = a.loraHidden(target, rows: n, rank: r)
        if let trained { Matmul.gemm(dy, transposeA: true, h, into: trained.b, beta: 1) }
        let g = scratch.loraGradient(rows: n, rank: r)
        Matmul.gemm(dy, p.b, into: g, alpha: adapters.config.scale)
        if let trained { Matmul.gemm(g, transposeA: true, x, into: trained.a, beta: 1) }
        Matmul.gemm(g, p.a, into: dx, beta: 1)
    }

    /// The output head, forward: `logits = normed W_head^T`.
    func headForward(_ normed: MatrixView, into logits: MatrixView, scratch: BF16Scratch) {
        product(normed, weight: weights.head, low: lowPrecision?.head, bias: nil, into: logits, accumulate: false, scratch: scratch)
    }

    /// The output head, backward: `dNormed = dLogits W_head`, `dW_head += dLogits^T normed`.
    func headBackward(_ dLogits: MatrixView, normed: MatrixView, dNormed: MatrixView, dWeight: MatrixView?, scratch: BF16Scratch) {
        productBackward(dLogits, x: normed, weight: weights.head, low: lowPrecision?.head, dx: dNormed, accumulateInput: false,
                        dWeight: dWeight, dBias: nil, scratch: scratch)
    }

    /// `y (+)= x W^T + b`: with `low`, the bf16 copy of W, the product takes bf16 inputs (x
    /// rounded into `scratch`) and accumulates in fp32; without it, `Linear.forward` in fp32.
    func product(_ x: MatrixView, weight: MatrixView, low: BF16MatrixView?, bias: UnsafeMutablePointer<Float>?, into y: MatrixView,
                 accumulate: Bool, scratch: BF16Scratch) {
        guard let low else { return Linear.forward(x, weight: weight, bias: bias, into: y, accumulate: accumulate) }
        BF16Matmul.gemm(scratch.first(x), low, transposeB: true, into: y, beta: accumulate ? 1 : 0)
        if let bias { Linear.addBias(bias, to: y) }
    }

    /// The backward of `product`, as `Linear.backward`: `dx (+)= dy W`, `dW += dy^T x` (with a
    /// `dWeight`), `db += sum dy`; with `low`, both products take bf16 inputs.
    func productBackward(_ dy: MatrixView, x: MatrixView, weight: MatrixView, low: BF16MatrixView?, dx: MatrixView, accumulateInput: Bool,
                         dWeight: MatrixView?, dBias: UnsafeMutablePointer<Float>?, scratch: BF16Scratch) {
        guard let low else {
            return Linear.backward(dy, x: x, weight: weight, dx: dx, accumulateInput: accumulateInput, dWeight: dWeight, dBias: dBias)
        }
        let dyLow = scratch.first(dy)
        BF16Matmul.gemm(dyLow, low, into: dx, beta: accumulateInput ? 1 : 0)
        if let dWeight { BF16Matmul.gemm(dyLow, transposeA: true, scratch.second(x), into: dWeight, beta: 1) }
        if let dBias { Linear.accumulateBiasGradient(dy, into: dBias) }
    }
}
