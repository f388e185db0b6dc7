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
    /// Tokens whose embedding rows are trained too (PEFT's `trainable_token_indices`, given here
    /// by their text, each a single token of the model's tokenizer): markers added to a tokenizer
    /// (`launcher import --add-token '<think>'`) start as the mean of the other rows, and with
    /// a tied head a frozen mean row can never be the likeliest token (its logit is the mean of
    /// the others), so adapters alone could never learn to write them. Their rows, in the
    /// embedding and in a tied head, are replaced by trained copies; the base keeps its own.
    public var trainableTokens: [String] = []
    /// The trained token rows' learning rate as a factor of the optimizer's (1: the same). With
    /// Adam a row moves about the rate per element per step; a marker row starting at the mean
    /// must travel about the spread of the embedding (0.14 per element in SmolLM2) before it can
    /// win the head, which at LoRA's 2e-4 takes hundreds of steps. A factor of 25 lets an SFT
    /// warm-up of about a hundred steps learn to write the markers.
    public var trainableTokenRateScale: Float = 1

    public init(rank: Int = 16, alpha: Float = 32, dropout: Float = 0, targets: [LoRATarget] = LoRATarget.allCases,
                trainableTokens: [String] = [], trainableTokenRateScale: Float = 1) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.targets = targets
        self.trainableTokens = trainableTokens
        self.trainableTokenRateScale = trainableTokenRateScale
    }

    enum CodingKeys: String, CodingKey { case rank, alpha, dropout, targets, trainableTokens, trainableTokenRateScale }

    /// Files written before `trainableTokens` existed have no such key: none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rank = try c.decode(Int.self, forKey: .rank)
        alpha = try c.decode(Float.self, forKey: .alpha)
        dropout = try c.decode(Float.self, forKey: .dropout)
        targets = try c.decode([LoRATarget].self, forKey: .targets)
        trainableTokens = try c.decodeIfPresent([String].self, forKey: .trainableTokens) ?? []
        trainableTokenRateScale = try c.decodeIfPresent(Float.self, forKey: .trainableTokenRateScale) ?? 1
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

extension LoRAConfig {
    /// The ids of `trainableTokens` in `tokenizer`, in order: each text must be one token (an
    /// added or special token, or a text the tokenizer encodes as one id).
    public func trainableTokenIDs(in tokenizer: any Tokenizer) throws(TrainableTokenError) -> [Int32] {
        try trainableTokens.map { (text: String) throws(TrainableTokenError) -> Int32 in
            if let id = tokenizer.specialTokenID(text) { return id }
            let ids = tokenizer.encode(text)
            guard ids.count == 1 else { throw .notOneToken(text, ids: ids) }
            return ids[0]
        }
    }
}

/// Why `model.lora.trainableTokens` cannot be trained with a tokenizer.
public enum TrainableTokenError: Error, Equatable, CustomStringConvertible {
    /// The text is several tokens (or none).
    case notOneToken(String, ids: [Int32])

    public var description: String {
        switch self {
        case .notOneToken(let text, let ids):
            "model.lora.trainableTokens: \(text.debugDescription) is \(ids.count) tokens (\(ids.map(String.init).joined(separator: ", "))) "
                + "in this model's tokenizer, not one; only a single token's row can be trained (add it with launcher import --add-token)"
        }
    }
}
