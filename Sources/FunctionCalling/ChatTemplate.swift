/// How a prompt is laid out for a model family: the project's compact format for models trained
/// from scratch, or a pretrained instruct model's own chat template, so that the model reads
/// prompts in the form it was tuned on.
///
/// The Qwen and Llama renderers reproduce, byte for byte, transformers'
/// `tokenizer.apply_chat_template(messages, tools=tools, add_generation_prompt=True, tokenize=False)`
/// with the family's template (checked against goldens from scripts/chat_template_golden.py; the
/// templates are in Tests/FunctionCallingTests/Fixtures/chat-templates). Tools are the
/// `ToolSchema` dicts of the task's functions; no functions means `tools=None`.
public enum ChatTemplate: String, Sendable, CaseIterable, Hashable {
    /// `PromptFormat`: one signature line per function, `<think>…</think><answer>…</answer>`.
    case compact
    /// Qwen2.5-Instruct (and -Coder-Instruct): ChatML, tools in `<tools></tools>` in the system
    /// message, calls in `<tool_call>` blocks, the default Qwen system message when none is given.
    case qwen25 = "qwen2.5"
    /// Qwen3: Qwen2.5's layout without a default system message; earlier assistant turns lose
    /// their `<think>` blocks; `enable_thinking=False` pre-fills an empty think block.
    case qwen3
    /// Llama-3.1-Instruct: tools in the first user message (`tools_in_user_message` defaults to
    /// true), the date line "Today Date: 26 Jul 2024" unless given.
    case llama31 = "llama3.1"
    /// Llama-3.2-Instruct: as 3.1, but the date defaults to today (`strftime_now("%d %b %Y")`).
    case llama32 = "llama3.2"
    /// Plain ChatML with the template's own default system message (`Options.systemMessage`),
    /// as SmolLM2-Instruct's; answers as Qwen2.5's (`<tool_call>` blocks after the think block).
    case chatml

    /// The template variables that callers may set, as `apply_chat_template(**kwargs)` takes them.
    public struct Options: Sendable, Hashable {
        /// Qwen3's `enable_thinking`; the template treats "not given" as true.
        public var enableThinking: Bool
        /// Llama's `date_string` ("26 Jul 2024" style); nil: the template's own default.
        public var dateString: String?
        /// ChatML's default system message, written when the conversation has none (the text the
        /// model's own template holds, found by `ChatTemplate.recognize`); nil: none.
        public var systemMessage: String?

        public init(enableThinking: Bool = true, dateString: String? = nil, systemMessage: String? = nil) {
            self.enableThinking = enableThinking
            self.dateString = dateString
            self.systemMessage = systemMessage
        }
    }

    /// The prompt for offered functions and a conversation, ending where the model writes.
    public func prompt(functions: [FunctionSchema], messages: [Message], options: Options = Options()) -> String {
        switch self {
        case .compact: PromptFormat.prompt(functions: functions, messages: messages)
        case .qwen25: QwenTemplate.qwen25(tools: functions.map(ToolSchema.json), messages: messages)
        case .qwen3: QwenTemplate.qwen3(tools: functions.map(ToolSchema.json), messages: messages,
                                        enableThinking: options.enableThinking)
        case .llama31, .llama32:
            LlamaTemplate.prompt(tools: functions.map(ToolSchema.json), messages: messages,
                                 dateString: options.dateString ?? defaultDateString)
        case .chatml: ChatMLTemplate.prompt(tools: functions.map(ToolSchema.json), messages: messages, defaultSystem: options.systemMessage)
        }
    }

    /// The prompt for a task.
    public func prompt(_ task: FunctionTask, options: Options = Options()) -> String {
        prompt(functions: task.functions, messages: task.messages, options: options)
    }

    /// What the model writes after the prompt for a think block and calls, without the end-of-turn
    /// marker. Qwen: the template's own rendering of an assistant turn with that reasoning and
    /// those `tool_calls` (Qwen3 with thinking on). Llama: the template renders a tool-call turn as
    /// `{"name": …, "parameters": …}` alone and drops its text, so the think block, which EGPO
    /// needs, is this project's addition: `<think>…</think>`, a newline, one JSON object per call
    /// (the template itself takes a single call).
    public func completion(think: String, calls: [FunctionCall]) -> String {
        switch self {
        case .compact: PromptFormat.completion(think: think, answer: PythonRenderer.python(calls))
        case .qwen25, .chatml: QwenTemplate.qwen25Completion(think: think, calls: calls)
        case .qwen3: QwenTemplate.qwen3Completion(think: think, calls: calls)
        case .llama31, .llama32: LlamaTemplate.completion(think: think, calls: calls)
        }
    }

    /// A compact-form completion (`<think>…</think><answer>…</answer>`, the answer in `format`)
    /// rewritten in this template's answer form, so that SFT references written for the compact
    /// format teach a pretrained family its own form; nil when the text is not in compact form.
    public func completion(fromCompact text: String, format: OutputFormat = .python) -> String? {
        guard case .success(let answer) = Reward.split(text),
              let open = text.range(of: PromptFormat.thinkOpen), let close = text.range(of: PromptFormat.thinkClose),
              let calls = try? format.decode(String(answer))
        else { return nil }
        return completion(think: String(text[open.upperBound..<close.lowerBound]), calls: calls)
    }

    /// The token that ends the model's turn: what generation stops at and SFT appends.
    public var endOfTurn: String {
        switch self {
        case .compact: PromptFormat.endOfSequence
        case .qwen25, .qwen3, .chatml: "<|im_end|>"
        case .llama31, .llama32: "<|eot_id|>"
        }
    }

    /// What SFT trains on after the prompt.
    public func supervisedTarget(_ completion: String) -> String { completion + endOfTurn }

    /// Llama's `date_string` when none is given: 3.1's fixed "26 Jul 2024"; 3.2's template asks
    /// transformers' `strftime_now("%d %b %Y")`, the local date at rendering time.
    public var defaultDateString: String {
        self == .llama32 ? LlamaTemplate.today() : LlamaTemplate.llama31Date
    }

    /// Scores a completion written in this template's answer form: for compact, Reward's
    /// `<think>…</think><answer>…</answer>` in `compactFormat`; for Qwen, `<think>…</think>`
    /// then `<tool_call>` blocks; for Llama, `<think>…</think>` then `{"name", "parameters"}`
    /// objects. Nothing after the think block means no call (the right answer to irrelevance).
    public func score(completion: String, task: FunctionTask, compactFormat: OutputFormat = .python,
                      checker: ASTChecker = ASTChecker()) -> Reward {
        switch self {
        case .compact:
            Reward.score(completion: completion, task: task, format: compactFormat, checker: checker)
        case .qwen25, .qwen3, .chatml:
            Reward.score(Reward.splitAfterThink(completion), task: task, checker: checker, decode: ToolCallDecoder.decode)
        case .llama31, .llama32:
            Reward.score(Reward.splitAfterThink(completion), task: task, checker: checker, decode: LlamaCallDecoder.decode)
        }
    }
}

extension ChatTemplate {
    /// The family a model's Jinja chat template (`chat_template` of tokenizer_config.json, or a
    /// GGUF's `tokenizer.chat_template`) belongs to, with the options it implies. ChatML is
    /// recognised exactly (the text must be plain ChatML, with or without a default system
    /// message, as SmolLM2's template writes it); Qwen2.5, Qwen3 and Llama 3.1/3.2 by phrases
    /// only their templates contain. Nil for anything else.
    public static func recognize(jinja template: String) -> (ChatTemplate, Options)? {
        if let system = ChatMLTemplate.recognize(template) { return (.chatml, Options(systemMessage: system)) }
        let has = { (phrase: String) in template.contains(phrase) }
        if has("You are Qwen, created by Alibaba Cloud.") && has("<tool_call>") { return (.qwen25, Options()) }
        if has("<|im_start|>") && has("enable_thinking") && has("<tool_call>") { return (.qwen3, Options()) }
        if has("<|start_header_id|>") && has("Cutting Knowledge Date") {
            return has("strftime_now") ? (.llama32, Options()) : (.llama31, Options())
        }
        return nil
    }
}
