/// How an evaluation decodes: greedy by default, so a score is a property of the policy alone.
public struct EvalOptions: Sendable, Equatable {
    /// nil: greedy decoding (argmax, the default). A value: sampling at this temperature (> 0),
    /// keyed by `seed` and each task's global index, so scores still do not depend on the rank count.
    public var temperature: Float?
    /// Key of the sampler's counter-based generator; unused when greedy.
    public var seed: UInt64
    /// Completion length limit per task; a completion that reaches it without `<|eos|>` is truncated.
    public var maxNewTokens: Int
    /// Prompts per sampler call (bounds the KV cache; results do not depend on it).
    public var batchSize: Int
    /// Run the prompt tokens all tasks share once per sampler call instead of once per task
    /// (`Sampler.sample`'s `sharedPrefix`); false runs every prompt whole, as training samples.
    public var sharesPromptPrefix: Bool

    public init(temperature: Float? = nil, seed: UInt64 = 0, maxNewTokens: Int = 256, batchSize: Int = 16, sharesPromptPrefix: Bool = true) {
        precondition(temperature.map { $0 > 0 && $0.isFinite } ?? true, "EvalOptions: temperature \(temperature!) must be positive")
        precondition(maxNewTokens >= 1, "EvalOptions: maxNewTokens \(maxNewTokens) must be at least 1")
        precondition(batchSize >= 1, "EvalOptions: batchSize \(batchSize) must be at least 1")
        self.temperature = temperature
        self.seed = seed
        self.maxNewTokens = maxNewTokens
        self.batchSize = batchSize
        self.sharesPromptPrefix = sharesPromptPrefix
    }

    /// The sampler's options, stopping at `endOfSequence`.
    public func samplingOptions(endOfSequence: Int32) -> SamplingOptions {
        guard let temperature else { return .greedy(maxNewTokens: maxNewTokens, stopTokens: [endOfSequence]) }
        return SamplingOptions(temperature: temperature, maxNewTokens: maxNewTokens, stopTokens: [endOfSequence], seed: seed)
    }
}
