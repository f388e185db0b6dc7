import FunctionCalling

/// How a task becomes the policy's input tokens and a sampled completion becomes text the
/// reward reads: the one place the trainer, SFT, data filtering and evaluation agree on it.
///
/// The prompt is `PromptFormat.prompt(task)` (ending with `<|assistant|>`); the policy writes
/// `<think>…</think><answer>…</answer>` and ends with `<|eos|>`, which stops sampling and is not
/// part of the text the reward checks.
public struct TaskCodec: Sendable {
    public let tokenizer: any Tokenizer
    /// The answer form the reward decodes.
    public let format: OutputFormat
    /// `<|eos|>`: ends a completion.
    public let endOfSequence: Int32
    /// `<think>` and `</think>`: the think block whose entropy EGPO uses.
    public let thinkOpen: Int32, thinkClose: Int32

    /// Fails when the tokenizer lacks `<|eos|>`, `<think>` or `</think>` as single tokens.
    public init(tokenizer: any Tokenizer, format: OutputFormat = .python) throws(TaskCodecError) {
        func id(_ name: String) throws(TaskCodecError) -> Int32 {
            guard let id = tokenizer.specialTokenID(name) else { throw .missingSpecialToken(name) }
            return id
        }
        self.tokenizer = tokenizer
        self.format = format
        endOfSequence = try id(PromptFormat.endOfSequence)
        thinkOpen = try id(PromptFormat.thinkOpen)
        thinkClose = try id(PromptFormat.thinkClose)
    }

    /// Token ids of the task's prompt.
    public func promptTokens(_ task: FunctionTask) -> [Int32] {
        tokenizer.encode(PromptFormat.prompt(task))
    }

    /// Token ids SFT trains on after the prompt: the reference completion and `<|eos|>`.
    public func targetTokens(reference completion: String) -> [Int32] {
        tokenizer.encode(PromptFormat.supervisedTarget(completion))
    }

    /// The text of a sampled completion, without its final `<|eos|>` if it has one.
    public func completionText(_ tokens: [Int32]) -> String {
        let body = tokens.last == endOfSequence ? Array(tokens.dropLast()) : tokens
        return tokenizer.decode(body)
    }

    /// The reward of a sampled completion for `task`.
    public func reward(_ tokens: [Int32], task: FunctionTask) -> Reward {
        Reward.score(completion: completionText(tokens), task: task, format: format)
    }
}

/// Why a tokenizer cannot serve the prompt format.
public enum TaskCodecError: Error, Equatable, CustomStringConvertible {
    case missingSpecialToken(String)

    public var description: String {
        switch self {
        case .missingSpecialToken(let name):
            "the tokenizer has no special token \(name); the prompt format needs it as one token (train the tokenizer with the default special tokens)"
        }
    }
}
