/// This project's think-then-answer form on BFCL's prompting mode (`model.promptStyle: bfcl-think`,
/// `launcher eval --format bfcl-think`), so that a model trained here is tested on BFCL as it
/// was trained, and the test differs from BFCL's own prompting mode in two stated places only:
///
/// 1. the prompt: BFCL's system prompt (`BFCLPrompting.systemPrompt`, its text and its JSON
///    function docs) with `instruction` after it, through the model's chat template;
/// 2. the answer: `<think>…</think>`, then BFCL's answer (a Python call list, or prose when no
///    function fits). The think block is cut off and the rest goes to BFCL's decoder and checker
///    unchanged, as BFCL's handlers for reasoning models cut the reasoning before decoding.
///
/// The reward is strict: exactly one think block, nothing but whitespace before it
/// (`Reward.splitAfterThink`), and BFCL's verdict on the rest.
public enum BFCLThinking {
    /// Added after BFCL's system prompt.
    public static let instruction = "Before you answer, think briefly inside <think> and </think>: which function fits the request, "
        + "and which values from the question go into which parameters. After </think>, write only the function calls "
        + "in the format above, or, if no function fits, say so."

    /// What a model writes for no call (irrelevance): BFCL counts any answer that decodes to no
    /// call as the right abstention; prose, as its prompt asks ("point it out").
    public static let abstention = "None of the given functions can be used for this request."

    /// The prompt's messages: `BFCLPrompting.messages` with the instruction.
    public static func messages(_ messages: [Message], docs: [Value]) -> [Message] {
        BFCLPrompting.messages(messages, docs: docs, format: .python, thinking: true)
    }

    /// The function docs of a task that has only schemas (generated and xLAM tasks): BFCL's JSON
    /// form of each, with the language notes of the task's category.
    public static func documents(_ task: FunctionTask) -> [Value] {
        BFCLPrompting.hinted(task.functions.map { BFCLFormat.json($0) }, language: task.category.language)
    }

    /// The completion for a think text and calls (none: the abstention), without end of turn.
    public static func completion(think: String, calls: [FunctionCall]) -> String {
        completion(think: think, answer: calls.isEmpty ? abstention : PythonRenderer.python(calls))
    }

    /// A compact-form reference (`<think>…</think><answer>…</answer>`) in this form: the answer
    /// block's text as it is (Python, Java or JavaScript calls), or the abstention when it decodes
    /// (in `format`) to no call; nil when the text is not in compact form.
    public static func completion(fromCompact text: String, format: OutputFormat = .python) -> String? {
        guard case .success(let answer) = Reward.split(text),
              let open = text.range(of: PromptFormat.thinkOpen), let close = text.range(of: PromptFormat.thinkClose)
        else { return nil }
        let think = String(text[open.upperBound..<close.lowerBound]), written = String(answer).trimmingWhitespace
        if let calls = try? format.decode(written), calls.isEmpty { return completion(think: think, calls: []) }
        return completion(think: think, answer: written)
    }

    /// The completion for a think text and an answer already written (a Java or JavaScript call list).
    public static func completion(think: String, answer: String) -> String {
        "<think>" + think + "</think>\n" + answer
    }

    /// BFCL's answer in a completion: the text after the think block, or the layout problem.
    public static func answer(_ completion: String) -> Result<Substring, RewardFailure.FormatProblem> {
        Reward.splitAfterThink(completion)
    }

    /// The reward: the layout, then BFCL's checker on the answer (decoded as BFCL decodes the
    /// task's language; irrelevance passes when no call decodes).
    public static func score(completion: String, task: FunctionTask, checker: ASTChecker = ASTChecker()) -> Reward {
        switch answer(completion) {
        case .failure(let problem):
            return Reward(failure: .format(problem), calls: nil)
        case .success(let text):
            let raw = String(text)
            let verdict = checker.check(rawOutput: raw, task: task, returnFormat: .python)
            let calls = try? BFCLDecoder.decode(raw, language: task.category.language, format: .python)
            return Reward(failure: verdict.errorType.map(RewardFailure.checker), calls: calls)
        }
    }
}
