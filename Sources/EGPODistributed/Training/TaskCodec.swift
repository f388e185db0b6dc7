import FunctionCalling

/// How a task becomes the policy's input tokens and a sampled completion becomes text the
/// reward reads: the one place the trainer, SFT, data filtering and evaluation agree on it.
///
/// With the compact template the prompt is `PromptFormat.prompt(task)` (ending with
/// `<|assistant|>`); the policy writes `<think>…</think><answer>…</answer>` and ends with
/// `<|eos|>`, which stops sampling and is not part of the text the reward checks. A model
/// family's template (`ChatTemplate`) changes the prompt, the answer form and the end-of-turn token.
public struct TaskCodec: Sendable {
    public let tokenizer: any Tokenizer
    /// The answer form the reward decodes inside `<answer>` (compact template only).
    public let format: OutputFormat
    /// The prompt layout and answer form.
    public let template: ChatTemplate
    public let templateOptions: ChatTemplate.Options
    /// What the prompt says and how the answer is read (`template`, or BFCL's prompt with a
    /// think block, `bfcl-think`).
    public let style: PromptStyle
    /// The template's end of turn (`<|eos|>` for compact): ends a completion.
    public let endOfSequence: Int32
    /// `<think>` and `</think>`: the think block whose entropy EGPO uses.
    public let thinkOpen: Int32, thinkClose: Int32

    /// Fails when the tokenizer lacks the end-of-turn token, `<think>` or `</think>` as single tokens.
    public init(tokenizer: any Tokenizer, format: OutputFormat = .python, template: ChatTemplate = .compact,
                templateOptions: ChatTemplate.Options = ChatTemplate.Options(), style: PromptStyle = .template) throws(TaskCodecError) {
        func id(_ name: String) throws(TaskCodecError) -> Int32 {
            guard let id = tokenizer.specialTokenID(name) else { throw .missingSpecialToken(name, template: template.rawValue) }
            return id
        }
        self.tokenizer = tokenizer
        self.format = format
        self.template = template
        self.templateOptions = templateOptions
        if style == .bfclThink && template == .compact { throw .compactTemplateInBFCLFormat }
        self.style = style
        endOfSequence = try id(template.endOfTurn)
        thinkOpen = try id(PromptFormat.thinkOpen)
        thinkClose = try id(PromptFormat.thinkClose)
    }

    /// The codec a run's config asks for (`model.chatTemplate`, `model.chatTemplateDate`).
    public init(tokenizer: any Tokenizer, model: TrainerConfig.Model) throws(TaskCodecError) {
        try self.init(tokenizer: tokenizer, template: model.chatTemplate,
                      templateOptions: ChatTemplate.Options(dateString: model.chatTemplateDate.isEmpty ? nil : model.chatTemplateDate),
                      style: model.promptStyle)
    }

    /// Token ids of the task's prompt.
    public func promptTokens(_ task: FunctionTask) -> [Int32] {
        tokenizer.encode(prompt(task))
    }

    /// The task's prompt text, ending where the model writes.
    public func prompt(_ task: FunctionTask) -> String {
        switch style {
        case .template:
            template.prompt(task, options: templateOptions)
        case .bfclThink:
            template.prompt(functions: [], messages: BFCLThinking.messages(task.messages, docs: BFCLThinking.documents(task)),
                            options: templateOptions)
        }
    }

    /// Token ids SFT trains on after the prompt: the reference completion and the end of turn.
    /// References are written in the compact form; for another template they are rewritten in
    /// its answer form, and one that is not in compact form is taken as already written in it.
    public func targetTokens(reference completion: String) -> [Int32] {
        tokenizer.encode(template.supervisedTarget(targetText(reference: completion)))
    }

    /// The reference completion in this codec's answer form (without the end of turn).
    public func targetText(reference completion: String) -> String {
        switch style {
        case .template:
            return template == .compact ? completion : template.completion(fromCompact: completion, format: format) ?? completion
        case .bfclThink:
            return BFCLThinking.completion(fromCompact: completion, format: format) ?? completion
        }
    }

    /// The text of a sampled completion, without its final `<|eos|>` if it has one.
    public func completionText(_ tokens: [Int32]) -> String {
        let body = tokens.last == endOfSequence ? Array(tokens.dropLast()) : tokens
        return tokenizer.decode(body)
    }

    /// The reward of a sampled completion for `task`.
    public func reward(_ tokens: [Int32], task: FunctionTask) -> Reward {
        score(completion: completionText(tokens), task: task)
    }

    /// The reward of a completion's text for `task`.
    public func score(completion: String, task: FunctionTask) -> Reward {
        switch style {
        case .template: template.score(completion: completion, task: task, compactFormat: format)
        case .bfclThink: BFCLThinking.score(completion: completion, task: task)
        }
    }
}

/// Why a tokenizer cannot serve the prompt format.
public enum TaskCodecError: Error, Equatable, CustomStringConvertible {
    case missingSpecialToken(String, template: String)
    /// BFCL's prompting format asks for a model's own chat template, not the project's compact one.
    case compactTemplateInBFCLFormat

    public var description: String {
        switch self {
        case .compactTemplateInBFCLFormat:
            "the bfcl format renders BFCL's prompt in a model's own chat template; the compact template is this project's own format (give --chat-template)"
        case .missingSpecialToken(let name, "compact"):
            "the tokenizer has no special token \(name); the prompt format needs it as one token (train the tokenizer with the default special tokens)"
        case .missingSpecialToken(let name, let template):
            "the tokenizer has no special token \(name); model.chatTemplate \(template) needs it as one token (add it to the tokenizer's added tokens)"
        }
    }
}
