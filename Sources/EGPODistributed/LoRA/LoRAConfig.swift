/// Low-rank adapters (Hu et al. 2021, "LoRA"): each targeted linear layer `y = x W^T` becomes
/// `y = x W^T + (alpha / rank) (x A^T) B^T` with `A` (rank, in) and `B` (out, rank) trained and `W`
/// frozen. The config keys and their meaning are PEFT's (`r`, `lora_alpha`, `lora_dropout`,
/// `target_modules`), so an exported adapter loads in `peft` unchanged.
public struct LoRAConfig: Codable, Sendable, Equatable {
    /// r: the adapters' inner size (0: no adapters, every weight trained).
    public var rank = 16
    /// lora_alpha: the update is scaled by alpha / rank.
    public var alpha: Float = 32
    /// lora_dropout: must be 0 (dropout on the adapter input is not implemented; PEFT's default is 0
    /// too, and RL's importance ratios need the same function in sampling and training).
    public var dropout: Float = 0
    /// The linear layers that get adapters (PEFT's target_modules), in every decoder layer.
    public var targets: [LoRATarget] = LoRATarget.allCases

    public init(rank: Int = 16, alpha: Float = 32, dropout: Float = 0, targets: [LoRATarget] = LoRATarget.allCases) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = targets
    }

    /// alpha / rank, the factor on the adapters' output.
    public var scale: Float { alpha / Float(rank) }

    /// Adapters are on (rank >= 1); rank 0 is full fine-tuning, the run config's default.
    public var isEnabled: Bool { rank > 0 }
}

/// A linear layer of a decoder layer that can carry an adapter, by its Hugging Face module name.
public enum LoRATarget: String, ConfigChoice, Hashable {
    case q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj

    /// The module's path inside a decoder layer (`self_attn.q_proj`, `mlp.down_proj`).
    public var module: String {
        switch self {
        case .q_proj, .k_proj, .v_proj, .o_proj: "self_attn.\(rawValue)"
        case .gate_proj, .up_proj, .down_proj: "mlp.\(rawValue)"
        }
    }

    /// (out, in) of this layer's weight in a model of `config`.
    public func shape(_ config: ModelConfig) -> (out: Int, in: Int) {
        let c = config.hiddenSize, q = config.headCount * config.headDim, kv = config.kvHeadCount * config.headDim
        let i = config.intermediateSize
        switch self {
        case .q_proj: return (q, c)
        case .k_proj, .v_proj: return (kv, c)
        case .o_proj: return (c, q)
        case .gate_proj, .up_proj: return (i, c)
        case .down_proj: return (c, i)
        }
    }
}
