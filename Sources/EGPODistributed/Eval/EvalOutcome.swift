import FunctionCalling

/// What one task's evaluation gave: the completion, what goes into BFCL's result file, and the
/// verdict of the reward (format exact and BFCL's AST check passed).
public struct EvalOutcome: Sendable, Equatable, Codable {
    /// How the completion ended.
    public enum Finish: String, Sendable, Codable, CaseIterable {
        /// It drew `<|eos|>`.
        case stopped
        /// It reached the length limit (max new tokens, or max_position_embeddings) first.
        case truncated
        /// Not sampled: the prompt leaves no room under max_position_embeddings.
        case promptTooLong = "prompt_too_long"
    }

    /// BFCL's task id.
    public var id: String
    public var category: TaskCategory
    /// The completion's text without its final `<|eos|>` (`TaskCodec.completionText`).
    public var completion: String
    /// BFCL's `result`: the answer block's text when the layout is right, else the raw completion.
    public var result: String
    /// Whether the completion earns the reward.
    public var passed: Bool
    /// `RewardFailure.label` (`format:missing_think`, `decode`, a checker error type),
    /// `prompt_too_long`, or "" when passed.
    public var failure: String
    /// Tokens sampled, `<|eos|>` included.
    public var completionTokens: Int
    public var finish: Finish

    enum CodingKeys: String, CodingKey {
        case id, category, completion, result, passed, failure, finish
        case completionTokens = "completion_tokens"
    }

    public init(id: String, category: TaskCategory, completion: String, result: String, passed: Bool, failure: String,
                completionTokens: Int, finish: Finish) {
        self.id = id
        self.category = category
        self.completion = completion
        self.result = result
        self.passed = passed
        self.failure = failure
        self.completionTokens = completionTokens
        self.finish = finish
    }

    /// Scores a completion's text for `task`: a pure function of its inputs, so reference or
    /// scripted completions take the same path as sampled ones.
    /// - Parameters:
    ///   - completion: the text, without `<|eos|>`.
    ///   - completionTokens: how many tokens it took.
    ///   - stopped: whether it ended on `<|eos|>` (false: truncated).
    ///   - format: the answer form the reward decodes (inside `<answer>`, compact template).
    ///   - template: the chat template whose answer form the completion is in; the BFCL result is
    ///     the answer block (compact) or the text after the think block (the others).
    ///   - style: `bfcl-think` scores as `BFCLThinking` does (the result is the text after the think block).
    ///   - checker: BFCL's AST checker.
    public static func scored(task: FunctionTask, completion: String, completionTokens: Int, stopped: Bool,
                              format: OutputFormat, template: ChatTemplate = .compact, style: PromptStyle = .template,
                              checker: ASTChecker = ASTChecker()) -> EvalOutcome {
        let reward = style == .bfclThink ? BFCLThinking.score(completion: completion, task: task, checker: checker)
            : template.score(completion: completion, task: task, compactFormat: format, checker: checker)
        let split = template == .compact && style == .template ? Reward.split(completion) : Reward.splitAfterThink(completion)
        let answer = (try? split.get()).map(String.init)
        return EvalOutcome(id: task.id, category: task.category, completion: completion, result: answer ?? completion,
                           passed: reward.passed, failure: reward.failure?.label ?? "", completionTokens: completionTokens,
                           finish: stopped ? .stopped : .truncated)
    }

    /// The outcome of a task that was not sampled because its prompt does not fit: failed.
    public static func promptTooLong(task: FunctionTask) -> EvalOutcome {
        EvalOutcome(id: task.id, category: task.category, completion: "", result: "", passed: false,
                    failure: Finish.promptTooLong.rawValue, completionTokens: 0, finish: .promptTooLong)
    }
}
