import ShardedTensor

extension Transformer {
    /// A targeted linear layer, forward: `y (+)= x W^T + b`, and when layer `l`'s `target` has an
    /// adapter, `+ h B^T` with `h = scale * x A^T` kept in `a` for the backward.
    func project(_ l: Int, _ target: LoRATarget, _ x: MatrixView, weight: MatrixView, bias: UnsafeMutablePointer<Float>?,
                 into y: MatrixView, accumulate: Bool = false, a: LayerActivations) {
        Linear.forward(x, weight: weight, bias: bias, into: y, accumulate: accumulate)
        guard let adapters, let p = adapters.pair(l, target) else { return }
        let h = a.loraHidden(target, rows: x.rows, rank: adapters.config.rank)
        Matmul.gemm(x, p.a, transposeB: true, into: h, alpha: adapters.config.scale)
        Matmul.gemm(h, p.b, transposeB: true, into: y, beta: 1)
    }

    /// Its backward, from `dy`:
    /// - the base layer as `Linear.backward` (its weight gradient only when `dWeight` is given);
    /// - the adapter, with `h = scale * x A^T` from the forward and `g = scale * dy B`:
    ///   `dB += dy^T h`, `dA += g^T x`, `dx += g A`; gradients only into the pair `trained` gives.
    func projectBackward(_ l: Int, _ target: LoRATarget, _ dy: MatrixView, x: MatrixView, weight: MatrixView, dx: MatrixView,
                         accumulateInput: Bool, dWeight: MatrixView?, dBias: UnsafeMutablePointer<Float>?,
                         trained: LoRAPair?, a: LayerActivations, scratch: TrainingWorkspace) {
        Linear.backward(dy, x: x, weight: weight, dx: dx, accumulateInput: accumulateInput, dWeight: dWeight, dBias: dBias)
        guard let adapters, let p = adapters.pair(l, target) else { return }
        let r = adapters.config.rank, n = dy.rows
        let h = a.loraHidden(target, rows: n, rank: r)
        if let trained { Matmul.gemm(dy, transposeA: true, h, into: trained.b, beta: 1) }
        let g = scratch.loraGradient(rows: n, rank: r)
        Matmul.gemm(dy, p.b, into: g, alpha: adapters.config.scale)
        if let trained { Matmul.gemm(g, transposeA: true, x, into: trained.a, beta: 1) }
        Matmul.gemm(g, p.a, into: dx, beta: 1)
    }
}

extension LayerActivations {
    /// `scale * x A^T` of `target`, (rows, rank): one block per target in `lora`, which grows to
    /// the largest row count seen (a forward and its backward use the same rows, so it never
    /// moves between them).
    func loraHidden(_ target: LoRATarget, rows: Int, rank: Int) -> MatrixView {
        let block = max(rows, loraRows) * rank, targets = LoRATarget.allCases.count
        if rows > loraRows || lora.count < block * targets {
            loraRows = max(rows, loraRows)
            lora = FloatBuffer(count: loraRows * rank * targets)
        }
        return MatrixView(lora.base + target.index * loraRows * rank, rows: rows, cols: rank)
    }
}

extension TrainingWorkspace {
    /// The backward's (rows, rank) temporary `scale * dy B`.
    func loraGradient(rows: Int, rank: Int) -> MatrixView {
        if dLoRA.count < rows * rank { dLoRA = FloatBuffer(count: rows * rank) }
        return dLoRA.rows(rows, rank)
    }
}
