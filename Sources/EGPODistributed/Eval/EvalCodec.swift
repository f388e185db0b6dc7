import FunctionCalling

/// What an evaluation needs from a prompt format: the prompt's tokens, the token that ends a
/// completion, and the outcome of a sampled completion. `TaskCodec` is the project's own
/// formats (the reward decides); `BFCLPromptingCodec` is BFCL's prompting mode (BFCL's checker decides).
public protocol EvalCodec: Sendable {
    /// The token that stops sampling (not part of the completion's text).
    var endOfSequence: Int32 { get }
    /// Token ids of the task's prompt.
    func promptTokens(_ task: FunctionTask) -> [Int32]
    /// The outcome of a completion (`tokens` with its final `endOfSequence` when it stopped).
    func outcome(task: FunctionTask, tokens: [Int32], stopped: Bool) -> EvalOutcome
}

extension TaskCodec: EvalCodec {
    public func outcome(task: FunctionTask, tokens: [Int32], stopped: Bool) -> EvalOutcome {
        EvalOutcome.scored(task: task, completion: completionText(tokens), completionTokens: tokens.count, stopped: stopped,
                           format: format, template: template, style: style)
    }
}
