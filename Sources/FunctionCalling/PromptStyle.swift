/// What a task's prompt says and how its answer is read, beside the `ChatTemplate` that lays the
/// conversation out for a model family.
public enum PromptStyle: String, Sendable, CaseIterable, Hashable {
    /// The template's own: the compact format's signature lines, or the family's tool block; the
    /// answer in the template's form (`ChatTemplate.completion`, `ChatTemplate.score`).
    case template
    /// BFCL's prompting mode with a think block first (`BFCLThinking`): BFCL's system prompt with
    /// the functions as JSON docs and the think instruction, no tool block; the answer
    /// `<think>…</think>` then a Python call list, scored by BFCL's checker. Needs a model
    /// family's template (not compact).
    case bfclThink = "bfcl-think"

    /// The task categories whose answers this style can read: bfcl-think's answer is BFCL's raw
    /// text in the task's language, so every category; the template forms are Python calls, so
    /// the Python-syntax categories only.
    public var categories: [TaskCategory] {
        self == .bfclThink ? TaskCategory.allCases : TaskCategory.pythonSyntax
    }
}
