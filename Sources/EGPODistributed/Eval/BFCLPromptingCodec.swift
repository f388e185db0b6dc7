import FunctionCalling

/// BFCL's prompting mode as an evaluation format (`launcher eval --format bfcl`), for models that
/// were not trained into this project's answer forms.
///
/// The prompt is BFCL's conversation (`BFCLPrompting.messages`: its system prompt with the
/// language-hinted function docs as JSON, first, or in front of the task's own system message)
/// through the model's chat template with no tools, as BFCL's local-model handlers render it.
/// A template's default system message (SmolLM2's "You are a helpful AI assistant named
/// SmolLM, ...") is never written: the conversation always starts with a system message, and
/// such templates write their default only when it does not.
///
/// The completion ends at the template's end-of-turn token; its text, without special tokens
/// (vLLM's `skip_special_tokens`, BFCL's default for local models), is BFCL's `result`, and
/// BFCL's checker gives the verdict: decoded as BFCL's prompting decoder does for the category's
/// language, irrelevance counted correct whenever no call decodes.
///
/// With `thinking` (`--format bfcl-think`, for models trained with `model.promptStyle: bfcl-think`)
/// the system prompt ends with `BFCLThinking.instruction`, the think markers stay in the text,
/// and the completion must open with one think block; the text after it is BFCL's result.
public struct BFCLPromptingCodec: EvalCodec {
    public let tokenizer: any Tokenizer
    public let template: ChatTemplate
    public let templateOptions: ChatTemplate.Options
    public let format: BFCLPrompting.ReturnFormat
    public let endOfSequence: Int32
    /// Each task's function docs as its data file holds them (key order kept), by id; tasks not
    /// in it (xLAM records) are written back from their schemas.
    public let documents: [String: [Value]]
    public let checker: ASTChecker
    /// The think-then-answer form (`BFCLThinking`).
    public let thinking: Bool
    private let specialIDs: Set<Int32>

    /// Fails when the tokenizer lacks the template's end-of-turn token, or for the compact
    /// template (whose prompt is the project's own).
    public init(tokenizer: any Tokenizer, template: ChatTemplate, templateOptions: ChatTemplate.Options = ChatTemplate.Options(),
                format: BFCLPrompting.ReturnFormat = .python, documents: [String: [Value]] = [:],
                checker: ASTChecker = ASTChecker(), thinking: Bool = false) throws(TaskCodecError) {
        guard template != .compact else { throw .compactTemplateInBFCLFormat }
        if thinking {
            for marker in [PromptFormat.thinkOpen, PromptFormat.thinkClose] where tokenizer.specialTokenID(marker) == nil {
                throw .missingSpecialToken(marker, template: template.rawValue)
            }
        }
        guard let eos = tokenizer.specialTokenID(template.endOfTurn) else {
            throw .missingSpecialToken(template.endOfTurn, template: template.rawValue)
        }
        self.tokenizer = tokenizer
        self.template = template
        self.templateOptions = templateOptions
        self.format = format
        self.documents = documents
        self.checker = checker
        self.thinking = thinking
        endOfSequence = eos
        let markers: Set<String> = thinking ? [PromptFormat.thinkOpen, PromptFormat.thinkClose] : []
        specialIDs = Set(tokenizer.specialTokens.filter { !markers.contains($0.content) }.map(\.id))
    }

    /// The task's function docs as BFCL shows them to the model.
    public func functionDocuments(_ task: FunctionTask) -> [Value] {
        BFCLPrompting.hinted(documents[task.id] ?? task.functions.map { BFCLFormat.json($0) }, language: task.category.language)
    }

    /// The prompt text: BFCL's conversation through the chat template, ending where the model writes.
    public func prompt(_ task: FunctionTask) -> String {
        let messages = BFCLPrompting.messages(task.messages, docs: functionDocuments(task), format: format, thinking: thinking)
        return template.prompt(functions: [], messages: messages, options: templateOptions)
    }

    public func promptTokens(_ task: FunctionTask) -> [Int32] {
        tokenizer.encode(prompt(task))
    }

    /// The completion's text without special tokens (and so without its end-of-turn token); with
    /// `thinking`, the think markers are kept.
    public func completionText(_ tokens: [Int32]) -> String {
        tokenizer.decode(tokens.filter { !specialIDs.contains($0) })
    }

    public func outcome(task: FunctionTask, tokens: [Int32], stopped: Bool) -> EvalOutcome {
        Self.scored(task: task, completion: completionText(tokens), completionTokens: tokens.count, stopped: stopped,
                    format: format, checker: checker, thinking: thinking)
    }

    /// The outcome of a completion's text: BFCL's result is the text itself, BFCL's checker the
    /// verdict; with `thinking`, the text after the think block, and a completion without exactly
    /// one think block at its start fails (`format:<problem>`, its whole text as the result).
    public static func scored(task: FunctionTask, completion: String, completionTokens: Int, stopped: Bool,
                              format: BFCLPrompting.ReturnFormat = .python, checker: ASTChecker = ASTChecker(),
                              thinking: Bool = false) -> EvalOutcome {
        if thinking {
            // A model trained in this form is scored as its training scored it.
            return EvalOutcome.scored(task: task, completion: completion, completionTokens: completionTokens, stopped: stopped,
                                      format: .python, style: .bfclThink, checker: checker)
        }
        let verdict = checker.check(rawOutput: completion, task: task, returnFormat: format.checkerFormat)
        return EvalOutcome(id: task.id, category: task.category, completion: completion, result: completion, passed: verdict.valid,
                           failure: verdict.errorTypeString, completionTokens: completionTokens, finish: stopped ? .stopped : .truncated)
    }
}
