/// The task world: BFCL data, output decoders, the AST checker, rewards and synthetic tasks.
///
/// Main entry points:
/// - `BFCLDataset` loads BFCL's JSON-lines files (the shipped copy: `BFCLDataset.bundled`) into
///   `FunctionTask`s: messages, offered `FunctionSchema`s and the ground truth as `ExpectedCall`s;
///   `BFCLFormat` and `BFCLDataset.write` go the other way.
/// - `PythonCallDecoder` decodes BFCL's Python-call syntax exactly as BFCL does (with its quirks),
///   `ToolCallDecoder` the project's `<tool_call>{json}</tool_call>` form, `BFCLJSONDecoder` BFCL's
///   JSON return format; `PythonRenderer` writes calls in both of the policy's forms.
/// - `ASTChecker` is BFCL's AST checker for every single-turn category, verdict for verdict
///   (`CheckResult`, `CheckErrorType`), Java and JavaScript answers read by `JavaCallDecoder` and
///   `JavaScriptCallDecoder`; `BFCLResultsCheck` is the core of `launcher bfcl check`.
/// - `BFCLPrompting` is BFCL's system prompt for prompting models; `BFCLDecoder` its decoder.
/// - `Reward.score` turns a completion into 0/1 with a `RewardFailure` reason for metrics.
/// - `PromptFormat` is the compact prompt for models trained from scratch; `ChatTemplate` adds the
///   Qwen2.5, Qwen3 and Llama 3.x chat templates (byte-identical to transformers), their answer
///   forms and their scoring, with `ToolSchema` for the tool dicts.
/// - `Value` is a decoded Python/JSON literal; `JSON` reads and writes it without losing int vs float.
public enum FunctionCalling {}
