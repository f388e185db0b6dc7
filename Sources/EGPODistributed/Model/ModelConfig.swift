/// The architecture of a Llama-style policy (Llama, Qwen2 or Qwen3), with Hugging Face's config
/// key names so a model file's `config` attribute loads into `transformers.LlamaConfig(**json)`
/// (or Qwen2Config / Qwen3Config, by `model_type`) unchanged.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// The decoder family (`model_type`); files without the key are Llama.
    public var architecture: ModelArchitecture
    /// Number of token ids (embedding rows, LM-head outputs).
    public var vocabularySize: Int
    /// Width C of the residual stream.
    public var hiddenSize: Int
    /// Width I of the SwiGLU MLP.
    public var intermediateSize: Int
    /// Number of decoder layers L.
    public var layerCount: Int
    /// Query heads H.
    public var headCount: Int
    /// Head dimension D; HF default hiddenSize / H, Qwen3 sets it explicitly (then q_proj is
    /// (H*D, C) and o_proj (C, H*D) with H*D possibly unlike C).
    public var headDim: Int
    /// Key/value heads (grouped-query attention); divides headCount. HF default: headCount.
    public var kvHeadCount: Int
    /// RoPE base. HF default 10000.
    public var ropeTheta: Double
    /// RMSNorm epsilon. HF default 1e-6.
    public var rmsNormEps: Double
    /// LM head shares the embedding matrix. HF `LlamaConfig` default: false.
    public var tieWordEmbeddings: Bool
    /// Longest sequence (RoPE table size, KV-cache capacity). HF default 2048.
    public var maxPositionEmbeddings: Int
    /// Llama and Qwen3: biases on q, k, v and o projections (`attention_bias`, o included).
    /// Qwen2: always true, and it means biases on q, k and v only.
    public var attentionBias: Bool
    /// RoPE frequency scaling, nil for plain RoPE.
    public var ropeScaling: RopeScaling?

    /// Biases on the q, k and v projections.
    public var hasQKVBias: Bool { attentionBias }
    /// A bias on the o projection (never in Qwen2).
    public var hasOutputBias: Bool { attentionBias && architecture != .qwen2 }
    /// Per-head RMSNorm on q and k before RoPE (Qwen3).
    public var hasQKNorm: Bool { architecture == .qwen3 }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case kvHeadCount = "num_key_value_heads"
        case ropeTheta = "rope_theta"
        case rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings"
        case maxPositionEmbeddings = "max_position_embeddings"
        case attentionBias = "attention_bias"
        case headDim = "head_dim"
        case hiddenAct = "hidden_act"
        case modelType = "model_type"
        case mlpBias = "mlp_bias"
        case ropeScaling = "rope_scaling"
        case ropeParameters = "rope_parameters"
    }

    public init(vocabularySize: Int, hiddenSize: Int, intermediateSize: Int, layerCount: Int, headCount: Int,
                kvHeadCount: Int? = nil, ropeTheta: Double = 10_000, rmsNormEps: Double = 1e-6,
                tieWordEmbeddings: Bool = false, maxPositionEmbeddings: Int = 2048, attentionBias: Bool = false,
                architecture: ModelArchitecture = .llama, headDim: Int? = nil, ropeScaling: RopeScaling? = nil) {
        self.architecture = architecture
        self.headDim = headDim ?? hiddenSize / max(1, headCount)
        self.ropeScaling = ropeScaling
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount ?? headCount
        self.ropeTheta = ropeTheta
        self.rmsNormEps = rmsNormEps
        self.tieWordEmbeddings = tieWordEmbeddings
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.attentionBias = architecture == .qwen2 ? true : attentionBias
    }

    /// Decodes with HF's defaults for absent keys, then validates; rejects settings this model
    /// does not implement (`hidden_act` other than silu, `mlp_bias`, a `model_type` or
    /// `rope_scaling` type not listed, naming it).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "llama"
        guard let architecture = ModelArchitecture(rawValue: type) else {
            throw ModelConfigError.unsupported(key: "model_type", value: type, supported: ModelArchitecture.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.architecture = architecture
        vocabularySize = try c.decode(Int.self, forKey: .vocabularySize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        layerCount = try c.decode(Int.self, forKey: .layerCount)
        headCount = try c.decode(Int.self, forKey: .headCount)
        kvHeadCount = try c.decodeIfPresent(Int.self, forKey: .kvHeadCount) ?? headCount
        // transformers 5 writes `rope_parameters` {rope_theta, rope_type, ...}; older files
        // `rope_theta` and `rope_scaling`. Both are read; `rope_parameters` wins.
        let parameters = try c.decodeIfPresent(RopeScalingKeys.self, forKey: .ropeParameters)
        let legacy = try c.decodeIfPresent(RopeScalingKeys.self, forKey: .ropeScaling)
        ropeTheta = try parameters?.ropeTheta ?? c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
        ropeScaling = try (parameters ?? legacy)?.scaling(key: parameters != nil ? "rope_parameters" : "rope_scaling")
        rmsNormEps = try c.decodeIfPresent(Double.self, forKey: .rmsNormEps) ?? 1e-6
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 2048
        attentionBias = architecture == .qwen2 ? true : try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim) ?? hiddenSize / max(1, headCount)
        if let act = try c.decodeIfPresent(String.self, forKey: .hiddenAct), act != "silu" {
            throw ModelConfigError.unsupported(key: "hidden_act", value: act, supported: "silu")
        }
        if let mlpBias = try c.decodeIfPresent(Bool.self, forKey: .mlpBias), mlpBias {
            throw ModelConfigError.unsupported(key: "mlp_bias", value: "true", supported: "false")
        }
        if c.contains(.headDim) == false && hiddenSize % max(1, headCount) != 0 {
            throw ModelConfigError.notDivisible(key: "hidden_size", value: hiddenSize, by: "num_attention_heads", divisor: headCount)
        }
        try validate()
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vocabularySize, forKey: .vocabularySize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(layerCount, forKey: .layerCount)
        try c.encode(headCount, forKey: .headCount)
        try c.encode(kvHeadCount, forKey: .kvHeadCount)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encode(headDim, forKey: .headDim)
        try c.encode("silu", forKey: .hiddenAct)
        try c.encode(architecture.rawValue, forKey: .modelType)
        try c.encode(false, forKey: .mlpBias)
        if let ropeScaling { try c.encode(RopeScalingKeys(ropeScaling), forKey: .ropeScaling) }
    }

    /// Checks every size and their divisibility; throws the first problem found.
    public func validate() throws(ModelConfigError) {
        let positive: [(String, Int)] = [
            ("vocab_size", vocabularySize), ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize),
            ("num_hidden_layers", layerCount), ("num_attention_heads", headCount), ("num_key_value_heads", kvHeadCount),
            ("max_position_embeddings", maxPositionEmbeddings),
        ]
        for (key, value) in positive where value <= 0 {
            throw .notPositive(key: key, value: Double(value))
        }
        if !(ropeTheta > 0) { throw .notPositive(key: "rope_theta", value: ropeTheta) }
        if !(rmsNormEps > 0) { throw .notPositive(key: "rms_norm_eps", value: rmsNormEps) }
        if headDim <= 0 { throw .notPositive(key: "head_dim", value: Double(headDim)) }
        if architecture == .qwen2 && !attentionBias {
            throw .unsupported(key: "attention_bias", value: "false", supported: "true for qwen2 (q, k and v biases)")
        }
        if headCount % kvHeadCount != 0 {
            throw .notDivisible(key: "num_attention_heads", value: headCount, by: "num_key_value_heads", divisor: kvHeadCount)
        }
        if headDim % 2 != 0 {
            throw .notDivisible(key: "head_dim", value: headDim, by: "2 (RoPE pairs)", divisor: 2)
        }
        switch ropeScaling {
        case let .linear(factor)?:
            if !(factor > 0) { throw .notPositive(key: "rope_scaling.factor", value: factor) }
        case let .llama3(factor, low, high, original)?:
            if !(factor > 0) { throw .notPositive(key: "rope_scaling.factor", value: factor) }
            if !(low > 0) { throw .notPositive(key: "rope_scaling.low_freq_factor", value: low) }
            if !(high > low) { throw .unsupported(key: "rope_scaling.high_freq_factor", value: "\(high)", supported: "greater than low_freq_factor \(low)") }
            if original <= 0 { throw .notPositive(key: "rope_scaling.original_max_position_embeddings", value: Double(original)) }
        case nil:
            break
        }
        if vocabularySize > Int(Int32.max) { throw .unsupported(key: "vocab_size", value: "\(vocabularySize)", supported: "< 2^31") }
        // Upper bounds far above any model a CPU trains, so a typo (a billion layers) is refused
        // before products of sizes overflow or anything is allocated.
        let largest: [(String, Int, Int)] = [
            ("vocab_size", vocabularySize, 1 << 24), ("hidden_size", hiddenSize, 1 << 16),
            ("intermediate_size", intermediateSize, 1 << 18), ("num_hidden_layers", layerCount, 1 << 12),
            ("num_attention_heads", headCount, 1 << 10), ("num_key_value_heads", kvHeadCount, 1 << 10),
            ("max_position_embeddings", maxPositionEmbeddings, 1 << 20),
        ]
        for (key, value, limit) in largest where value > limit {
            throw .unsupported(key: key, value: "\(value)", supported: "at most \(limit)")
        }
        let perLayer = 4 * hiddenSize * hiddenSize + 3 * hiddenSize * intermediateSize
        let total = layerCount * perLayer + 2 * vocabularySize * hiddenSize
        if total > 1 << 36 {
            throw .unsupported(key: "parameter count", value: "about \(total)", supported: "at most 2^36 (\(1 << 36))")
        }
    }

    /// The benchmark configuration of issue 3: hidden 512, 4 layers, 8 heads, 8 kv heads,
    /// intermediate 1408, vocabulary 264 (256 bytes + 8 specials), untied head.
    public static let bench = ModelConfig(vocabularySize: 264, hiddenSize: 512, intermediateSize: 1408, layerCount: 4,
                                          headCount: 8, kvHeadCount: 8, ropeTheta: 10_000, rmsNormEps: 1e-5,
                                          tieWordEmbeddings: false, maxPositionEmbeddings: 1024)
}

/// A configuration the model cannot run, naming the key, its value and what was expected.
public enum ModelConfigError: Error, Equatable, CustomStringConvertible {
    case notPositive(key: String, value: Double)
    case notDivisible(key: String, value: Int, by: String, divisor: Int)
    case unsupported(key: String, value: String, supported: String)
    case parameterCount(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case let .notPositive(key, value):
            return "model config: \(key) is \(value), expected a positive value"
        case let .notDivisible(key, value, by, divisor):
            return "model config: \(key) = \(value) is not divisible by \(by) = \(divisor)"
        case let .unsupported(key, value, supported):
            return "model config: \(key) = \(value) is not supported (supported: \(supported))"
        case let .parameterCount(expected, actual):
            return "model parameters: the layout needs \(expected) floats but the buffer holds \(actual)"
        }
    }
}
