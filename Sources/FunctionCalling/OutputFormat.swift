/// How a policy writes its calls inside `<answer>…</answer>`.
public enum OutputFormat: String, Sendable, CaseIterable, Hashable {
    /// BFCL's Python-call syntax: `[f(a=1), g(b='x')]`, `[]` for no call.
    case python
    /// One `<tool_call>{"name": ..., "arguments": {...}}</tool_call>` per call; nothing for no call.
    case toolCall = "tool-call"

    /// Decodes answer text in this format into calls.
    public func decode(_ text: String) throws(DecodeError) -> [FunctionCall] {
        switch self {
        case .python: try PythonCallDecoder.decodeBFCLOutput(text)
        case .toolCall: try ToolCallDecoder.decode(text)
        }
    }

    /// Renders calls in this format.
    public func render(_ calls: [FunctionCall]) -> String {
        switch self {
        case .python: PythonRenderer.python(calls)
        case .toolCall: PythonRenderer.toolCalls(calls)
        }
    }
}
