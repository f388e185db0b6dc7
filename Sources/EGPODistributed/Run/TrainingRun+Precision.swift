import ShardedTensor

extension TrainingRun {
    /// The policy computing in `model.precision`. bf16 on a CPU without bf16 instructions (no
    /// AVX512-BF16 or AMX, where oneDNN would emulate it slower than fp32) is said once and run fp32.
    static func applyingPrecision(_ policy: LoadedModel, config: TrainerConfig, run: RunContext) -> LoadedModel {
        if let notice = config.model.precision.fallbackNotice { run.say("model.precision bf16: " + notice) }
        let precision = config.model.precision.onThisCPU
        guard precision != policy.model.precision else { return policy }
        if precision == .bf16 {
            run.say("model: bf16 products with fp32 accumulation (oneDNN \(BF16Matmul.implementation(m: 64, n: policy.model.config.intermediateSize, k: policy.model.config.hiddenSize))); fp32 master weights, gradients and optimizer state")
        }
        return policy.with(precision: precision)
    }
}
