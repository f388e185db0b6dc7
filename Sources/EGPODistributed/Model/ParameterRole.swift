/// What a tensor of a Llama-family model is, read from its Hugging Face name: the one place the
/// naming rule lives. Norm weights (`input_layernorm.weight`, `q_norm.weight`, `model.norm.weight`,
/// ...) end in `norm.weight`, biases in `.bias`; everything else is a matrix (the embedding, the
/// projections, the head).
///
/// The roles decide initialisation (`Transformer.initialParameters`: matrices random, norm
/// weights 1, biases 0) and weight decay (`OptimizerStep`: matrices only, as in GPT-2/nanoGPT,
/// since decaying a norm weight towards 0 or a bias has no regularising meaning).
public enum ParameterRole: Sendable, Equatable {
    case matrix, normWeight, bias

    /// The role of the tensor named `name`.
    public init(name: String) {
        if name.hasSuffix("norm.weight") {
            self = .normWeight
        } else if name.hasSuffix(".bias") {
            self = .bias
        } else {
            self = .matrix
        }
    }

    /// Whether AdamW's decoupled weight decay applies: matrices only.
    public var decays: Bool { self == .matrix }
}
