import ShardedTensor

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
