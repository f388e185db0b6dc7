/// Qwen2.5's and Qwen3's chat templates (ChatML), written out in Swift.
///
/// Each line follows a statement of the Jinja template in
/// Tests/FunctionCallingTests/Fixtures/chat-templates/qwen2.5.jinja and qwen3.jinja; the Python
/// string methods the templates call go through `PythonStrings` so that they count code points.
enum QwenTemplate {
    static let imStart = "<|im_start|>", imEnd = "<|im_end|>"
    static let defaultSystem = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
    static let toolsIntro = "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
        + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
    static let toolsOutro = "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
        + "within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
        + "</tool_call><|im_end|>\n"

    /// `{%- for tool in tools %}{{- "\n" }}{{- tool | tojson }}{%- endfor %}` between intro and outro.
    static func toolBlock(_ tools: [Value]) -> String {
        toolsIntro + tools.map { "\n" + JSON.serialize($0) }.joined() + toolsOutro
    }

    static func qwen25(tools: [Value], messages: [Message]) -> String {
        let system = messages.first?.role == "system" ? messages[0].content : nil
        var out: String
        if !tools.isEmpty {
            out = imStart + "system\n" + (system ?? defaultSystem) + "\n\n" + toolBlock(tools)
        } else {
            out = imStart + "system\n" + (system ?? defaultSystem) + imEnd + "\n"
        }
        for (i, m) in messages.enumerated() {
            // Our messages carry no tool_calls, so every assistant turn takes the plain branch.
            if m.role == "user" || (m.role == "system" && i > 0) || m.role == "assistant" {
                out += imStart + m.role + "\n" + m.content + imEnd + "\n"
            } else if m.role == "tool" {
                out += toolResponse(messages, i)
            }
        }
        return out + imStart + "assistant\n"
    }

    static func qwen3(tools: [Value], messages: [Message], enableThinking: Bool) -> String {
        var out = ""
        let firstIsSystem = messages.first?.role == "system"
        if !tools.isEmpty {
            out = imStart + "system\n" + (firstIsSystem ? messages[0].content + "\n\n" : "") + toolBlock(tools)
        } else if firstIsSystem {
            out = imStart + "system\n" + messages[0].content + imEnd + "\n"
        }
        // The last user message that is not a wrapped tool response: reasoning is shown only after it.
        var lastQuery = messages.count - 1
        for i in messages.indices.reversed() where messages[i].role == "user" {
            let c = messages[i].content
            if !(PythonStrings.hasPrefix(c, "<tool_response>") && PythonStrings.hasSuffix(c, "</tool_response>")) {
                lastQuery = i
                break
            }
        }
        for (i, m) in messages.enumerated() {
            if m.role == "user" || (m.role == "system" && i > 0) {
                out += imStart + m.role + "\n" + m.content + imEnd + "\n"
            } else if m.role == "assistant" {
                var content = m.content
                var reasoning = ""
                if PythonStrings.contains(content, "</think>") {
                    let parts = PythonStrings.split(m.content, "</think>")
                    content = PythonStrings.strip(parts.last!, "\n", trailing: false)
                    let before = PythonStrings.strip(parts[0], "\n", leading: false)
                    reasoning = PythonStrings.strip(PythonStrings.split(before, "<think>").last!, "\n", trailing: false)
                }
                if i > lastQuery && (i == messages.count - 1 || !reasoning.isEmpty) {
                    out += imStart + m.role + "\n<think>\n" + PythonStrings.strip(reasoning, "\n") + "\n</think>\n\n"
                        + PythonStrings.strip(content, "\n", trailing: false)
                } else {
                    out += imStart + m.role + "\n" + content
                }
                out += imEnd + "\n"
            } else if m.role == "tool" {
                out += toolResponse(messages, i)
            }
        }
        out += imStart + "assistant\n"
        if !enableThinking { out += "<think>\n\n</think>\n\n" }
        return out
    }

    /// A tool message: consecutive ones share one user turn, each in `<tool_response>` tags.
    static func toolResponse(_ messages: [Message], _ i: Int) -> String {
        var out = ""
        if i == 0 || messages[i - 1].role != "tool" { out += imStart + "user" }
        out += "\n<tool_response>\n" + messages[i].content + "\n</tool_response>"
        if i == messages.count - 1 || messages[i + 1].role != "tool" { out += imEnd + "\n" }
        return out
    }

    /// `<tool_call>\n{"name": "<name>", "arguments": <json>}\n</tool_call>`; the template pastes
    /// the name in as it is, unescaped.
    static func toolCall(_ call: FunctionCall) -> String {
        let arguments = Value.object(call.arguments.map { ($0.name, $0.value) })
        return "<tool_call>\n{\"name\": \"" + call.name + "\", \"arguments\": " + JSON.serialize(arguments) + "}\n</tool_call>"
    }

    /// Qwen2.5 renders an assistant turn with content and tool_calls as the content, then
    /// `\n<tool_call>…` per call (the prompt already ends in `assistant\n`).
    static func qwen25Completion(think: String, calls: [FunctionCall]) -> String {
        "<think>" + think + "</think>" + calls.map { "\n" + toolCall($0) }.joined()
    }

    /// Qwen3 renders the final assistant turn's reasoning as `<think>\n…\n</think>\n\n`, then the
    /// calls separated by newlines.
    static func qwen3Completion(think: String, calls: [FunctionCall]) -> String {
        "<think>\n" + PythonStrings.strip(think, "\n") + "\n</think>\n\n" + calls.map(toolCall).joined(separator: "\n")
    }
}
