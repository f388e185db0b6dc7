import Glibc

/// Llama 3.1's and 3.2's chat templates, written out in Swift (tools_in_user_message and
/// builtin_tools at their defaults: custom tools in the first user message, no built-in tools).
///
/// Follows Tests/FunctionCallingTests/Fixtures/chat-templates/llama3.1.jinja and llama3.2.jinja.
enum LlamaTemplate {
    static let beginOfText = "<|begin_of_text|>", eot = "<|eot_id|>"
    static let llama31Date = "26 Jul 2024"

    static func header(_ role: String) -> String { "<|start_header_id|>" + role + "<|end_header_id|>\n\n" }

    static func prompt(tools: [Value], messages: [Message], dateString: String) -> String {
        var rest = messages[...]
        var system = ""
        if rest.first?.role == "system" { system = PythonStrings.strip(rest.removeFirst().content) }
        var out = beginOfText + header("system")
        if !tools.isEmpty { out += "Environment: ipython\n" }
        out += "Cutting Knowledge Date: December 2023\n" + "Today Date: " + dateString + "\n\n"
        out += system + eot
        if !tools.isEmpty {
            // The template takes the first message after the system one, whatever its role, and
            // raises when there is none; an empty one is rendered here instead.
            let first = rest.isEmpty ? "" : PythonStrings.strip(rest.removeFirst().content)
            out += header("user")
            out += "Given the following functions, please respond with a JSON for a function call "
            out += "with its proper arguments that best answers the given prompt.\n\n"
            out += "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}."
            out += "Do not use variables.\n\n"
            for t in tools { out += JSON.serialize(t, indent: 4) + "\n\n" }
            out += first + eot
        }
        for m in rest {
            if m.role == "tool" || m.role == "ipython" {
                // A string is `iterable` to Jinja, so the template writes the content through tojson.
                out += header("ipython") + JSON.quoted(m.content) + eot
            } else {
                out += header(m.role) + PythonStrings.strip(m.content) + eot
            }
        }
        return out + header("assistant")
    }

    /// `{"name": "<name>", "parameters": <json>}` as the template renders a tool call.
    static func call(_ call: FunctionCall) -> String {
        let arguments = Value.object(call.arguments.map { ($0.name, $0.value) })
        return "{\"name\": \"" + call.name + "\", \"parameters\": " + JSON.serialize(arguments) + "}"
    }

    static func completion(think: String, calls: [FunctionCall]) -> String {
        "<think>" + think + "</think>\n" + calls.map(call).joined(separator: "\n")
    }

    /// Today's local date as Python's `datetime.now().strftime("%d %b %Y")` in the C locale.
    static func today() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%d %b %Y", &parts)
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
