import Foundation

/// Which Hugging Face decoder family a `ModelConfig` describes (`model_type` in config.json).
/// The families share the Llama block and differ in three places (transformers 5.x sources):
/// - llama: `attention_bias` puts biases on q, k, v and o (`LlamaAttention`).
/// - qwen2: q, k and v always have biases, o never (`Qwen2Attention`); no `attention_bias` key.
/// - qwen3: `attention_bias` as in Llama, plus per-head RMSNorm on q and k (`q_norm`, `k_norm`,
///   weights of size head_dim) applied before RoPE (`Qwen3Attention`).
public enum ModelArchitecture: String, Codable, Sendable, CaseIterable {
    case llama, qwen2, qwen3

    /// The `architectures` entry of config.json for the causal-LM head.
    public var causalLMClassName: String {
        switch self {
        case .llama: return "LlamaForCausalLM"
        case .qwen2: return "Qwen2ForCausalLM"
        case .qwen3: return "Qwen3ForCausalLM"
        }
    }

    /// The architecture whose causal-LM class is `name`, or nil.
    public init?(causalLMClassName name: String) {
        guard let a = ModelArchitecture.allCases.first(where: { $0.causalLMClassName == name }) else { return nil }
        self = a
    }
}

/// RoPE frequency scaling (`rope_scaling` / `rope_parameters` in config.json), the kinds the
/// supported models ship. The inverse frequencies follow transformers' `ROPE_INIT_FUNCTIONS`
/// (`modeling_rope_utils.py`): `linear` divides every frequency by `factor`; `llama3` divides
/// low frequencies by `factor`, keeps high ones and interpolates between (Llama 3.1).
public enum RopeScaling: Equatable, Sendable {
    case linear(factor: Double)
    case llama3(factor: Double, lowFreqFactor: Double, highFreqFactor: Double, originalMaxPositionEmbeddings: Int)

    /// The `rope_type` name.
    public var typeName: String {
        switch self {
        case .linear: return "linear"
        case .llama3: return "llama3"
        }
    }

    /// The HF dictionary form (`rope_type` plus the kind's keys).
    public var dictionary: [String: Any] {
        switch self {
        case let .linear(factor):
            return ["rope_type": "linear", "factor": factor]
        case let .llama3(factor, low, high, original):
            return ["rope_type": "llama3", "factor": factor, "low_freq_factor": low, "high_freq_factor": high,
                    "original_max_position_embeddings": original]
        }
    }

    /// Inverse frequencies for head dimension `headDim` and base `theta`, in Float as torch's
    /// float32 tensors compute them (`inv_freq = 1 / theta^(2i/D)`, then the kind's rescaling).
    public func inverseFrequencies(headDim: Int, theta: Double) -> [Float] {
        RopeScaling.scaled(RopeScaling.defaultInverseFrequencies(headDim: headDim, theta: theta), by: self)
    }

    /// `1 / theta^(arange(0, D, 2) / D)` in float32, transformers' default RoPE.
    public static func defaultInverseFrequencies(headDim: Int, theta: Double) -> [Float] {
        (0..<headDim / 2).map { i in 1 / powf(Float(theta), Float(2 * i) / Float(headDim)) }
    }

    /// Applies `scaling` (nil: none) to default frequencies.
    public static func scaled(_ invFreq: [Float], by scaling: RopeScaling?) -> [Float] {
        switch scaling {
        case nil:
            return invFreq
        case let .linear(factor):
            return invFreq.map { $0 / Float(factor) }
        case let .llama3(factor, lowFreqFactor, highFreqFactor, original):
            // `_compute_llama3_parameters`: Python scalars meet float32 tensors, so every tensor
            // step rounds to Float (the scalar is cast to the tensor's dtype first).
            let lowFreqWavelen = Float(Double(original) / lowFreqFactor)
            let highFreqWavelen = Float(Double(original) / highFreqFactor)
            let f = Float(factor)
            return invFreq.map { inv in
                let wavelen = Float(2 * Double.pi) / inv
                let llama = wavelen > lowFreqWavelen ? inv / f : inv
                let smooth = (Float(original) / wavelen - Float(lowFreqFactor)) / Float(highFreqFactor - lowFreqFactor)
                let smoothed = (1 - smooth) * llama / f + smooth * llama
                let isMedium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen)
                return isMedium ? smoothed : llama
            }
        }
    }
}

/// The JSON form of `rope_scaling` (or transformers 5's `rope_parameters`): `rope_type` (or
/// the older `type`) and the kind's keys.
struct RopeScalingKeys: Codable {
    var ropeType: String?
    var type: String?
    var ropeTheta: Double?
    var factor: Double?
    var lowFreqFactor: Double?
    var highFreqFactor: Double?
    var originalMaxPositionEmbeddings: Int?

    enum CodingKeys: String, CodingKey {
        case ropeType = "rope_type", type, ropeTheta = "rope_theta", factor
        case lowFreqFactor = "low_freq_factor", highFreqFactor = "high_freq_factor"
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
    }

    init(_ scaling: RopeScaling) {
        ropeType = scaling.typeName
        switch scaling {
        case let .linear(f):
            factor = f
        case let .llama3(f, low, high, original):
            factor = f; lowFreqFactor = low; highFreqFactor = high; originalMaxPositionEmbeddings = original
        }
    }

    /// The scaling these keys describe, nil for `default`; any other type is refused by name.
    func scaling(key: String) throws(ModelConfigError) -> RopeScaling? {
        let name = ropeType ?? type ?? "default"
        func need<T>(_ v: T?, _ field: String) throws(ModelConfigError) -> T {
            guard let v else { throw .unsupported(key: "\(key).\(field)", value: "absent", supported: "a value for rope_type \(name)") }
            return v
        }
        switch name {
        case "default":
            return nil
        case "linear":
            return .linear(factor: try need(factor, "factor"))
        case "llama3":
            return .llama3(factor: try need(factor, "factor"), lowFreqFactor: try need(lowFreqFactor, "low_freq_factor"),
                           highFreqFactor: try need(highFreqFactor, "high_freq_factor"),
                           originalMaxPositionEmbeddings: try need(originalMaxPositionEmbeddings, "original_max_position_embeddings"))
        default:
            throw .unsupported(key: "\(key).rope_type", value: name, supported: "default, linear, llama3")
        }
    }
}
