import Foundation
import ShardedTensor

/// A Llama-style causal language model (HF `LlamaForCausalLM`, `Qwen2ForCausalLM`,
/// `Qwen3ForCausalLM`) over one flat parameter buffer.
///
/// The parameters are shared, not copied: an optimizer that updates `parameters` in place is
/// seen by the next forward. Forward/backward state lives in a `TrainingWorkspace`, decoding
/// state in a `Sampler`, so one model serves both.
public final class Transformer: @unchecked Sendable {
    public let config: ModelConfig
    /// HF names, shapes and offsets of every tensor in `parameters`.
    public let layout: ParameterLayout
    /// The flat parameter buffer (`layout.totalCount` floats).
    public let parameters: FloatBuffer
    let weights: ModelTensors
    /// Low-rank adapters added to the targeted linear layers (nil: the plain model). The same
    /// parameters without them are `base`.
    public let adapters: LoRAAdapters?
    /// The linear weights rounded to bf16 (`precision: bf16`), nil in fp32.
    let lowPrecision: LowPrecisionWeights?
    let rotary: RotaryTable
    let attentionShape: AttentionShape

    /// Wraps `parameters` (shared) after checking the config and the buffer size; `adapters`
    /// (shared too) must be built for `config`.
    public convenience init(config: ModelConfig, parameters: FloatBuffer, adapters: LoRAAdapters? = nil, precision: Precision = .fp32) throws(ModelConfigError) {
        try self.init(config: config, parameters: parameters, adapters: adapters, lowPrecision: nil, precision: precision)
    }

    private init(config: ModelConfig, parameters: FloatBuffer, adapters: LoRAAdapters?, lowPrecision: LowPrecisionWeights?,
                 precision: Precision) throws(ModelConfigError) {
        try config.validate()
        precondition(adapters == nil || adapters!.modelConfig == config, "Transformer: adapters built for another model config")
        let layout = config.parameterLayout
        guard parameters.count == layout.totalCount else {
            throw .parameterCount(expected: layout.totalCount, actual: parameters.count)
        }
        self.config = config
        self.layout = layout
        self.parameters = parameters
        self.adapters = adapters
        weights = ModelTensors(parameters, config: config, layout: layout)
        self.lowPrecision = precision == .fp32 ? nil : lowPrecision ?? LowPrecisionWeights(weights, config: config)
        rotary = RotaryTable(inverseFrequencies: RopeScaling.scaled(RopeScaling.defaultInverseFrequencies(headDim: config.headDim, theta: config.ropeTheta),
                                                                    by: config.ropeScaling),
                             maxPositions: config.maxPositionEmbeddings)
        attentionShape = AttentionShape(heads: config.headCount, kvHeads: config.kvHeadCount, headDim: config.headDim)
    }

    /// A freshly initialised model (see `initialParameters`).
    public convenience init(config: ModelConfig, seed: UInt64, precision: Precision = .fp32) throws(ModelConfigError) {
        try config.validate()
        try self.init(config: config, parameters: Transformer.initialParameters(config: config, seed: seed), precision: precision)
    }

    /// Initial parameters from `seed`: every matrix normal(0, 0.02) (GPT-2/HF `initializer_range`),
    /// the output projection of each residual branch (`o_proj`, `down_proj`) scaled by
    /// 1/sqrt(2 * layers) so the residual stream's variance does not grow with depth (GPT-2,
    /// Radford et al. 2019), norm weights 1, biases 0.
    ///
    /// Determinism: element i of tensor `name` is drawn from Philox4x32-10 with key `seed`,
    /// stream FNV-1a-64(`name`), counter i / 2 (Box-Muller pairs). Values depend on nothing else,
    /// so they are identical across machines, thread counts and layout changes.
    public static func initialParameters(config: ModelConfig, seed: UInt64) -> FloatBuffer {
        let layout = config.parameterLayout
        let buffer = FloatBuffer(count: layout.totalCount)
        let residualScale = 1 / (2 * Double(config.layerCount)).squareRoot()
        for e in layout.entries {
            let p = buffer.base + e.offset
            switch ParameterRole(name: e.name) {
            case .normWeight:
                p.update(repeating: 1, count: e.count)
            case .bias:
                p.update(repeating: 0, count: e.count)
            case .matrix:
                let isResidualOutput = e.name.hasSuffix("o_proj.weight") || e.name.hasSuffix("down_proj.weight")
                Philox.fillNormal(p, count: e.count, std: 0.02 * (isResidualOutput ? residualScale : 1),
                                  seed: seed, stream: fnv1a64(e.name))
            }
        }
        return buffer
    }

    /// The same parameters with `adapters` added (shared, not copied).
    public func with(adapters: LoRAAdapters?) -> Transformer {
        // The config validated when self was made.
        try! Transformer(config: config, parameters: parameters, adapters: adapters, lowPrecision: lowPrecision, precision: precision)
    }

    /// What the big products take as inputs.
    public var precision: Precision { lowPrecision == nil ? .fp32 : .bf16 }

    /// The same parameters and adapters computing in `precision` (bf16 rounds the linear weights
    /// into a copy of their own, 2 bytes per weight).
    public func with(precision: Precision) -> Transformer {
        guard precision != self.precision else { return self }
        return try! Transformer(config: config, parameters: parameters, adapters: adapters, lowPrecision: nil, precision: precision)
    }

    /// Rounds the fp32 weights into the bf16 copies again, after the parameters changed (an
    /// optimizer update); nothing to do in fp32.
    public func refreshLowPrecisionWeights() { lowPrecision?.refresh() }

    /// The same parameters without adapters (self when there are none): the frozen base that a
    /// LoRA run's reference policy is, at no memory cost.
    public var base: Transformer { adapters == nil ? self : with(adapters: nil) }

    /// A zeroed gradient buffer with the parameters' layout.
    public func makeGradientBuffer() -> FloatBuffer { FloatBuffer(count: layout.totalCount) }
}

/// FNV-1a 64-bit hash of a string's UTF-8 bytes (a stable stream id per tensor name).
func fnv1a64(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}
