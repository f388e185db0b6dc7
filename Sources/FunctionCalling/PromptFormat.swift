/// The text the policy reads and writes, one format for BFCL and FunctionWorld tasks.
///
/// A prompt is a system message listing the offered functions, the task's conversation, then the
/// assistant marker:
///
/// ```
/// <|system|>Functions:
/// get_weather(city: str, unit?: 'celsius'|'fahrenheit' = 'celsius')
///  Current weather in a city.
///  city: City name.
///  unit: Temperature unit.
/// Reply <think>reasoning</think><answer>[func(arg=value, ...)]</answer>, [] if no function fits.<|eos|>
/// <|user|>What's the weather in Oslo?<|eos|>
/// <|assistant|>
/// ```
///
/// and the policy completes it with `<think>…</think><answer>[get_weather(city='Oslo')]</answer>`
/// followed by `<|eos|>`. Each function is one signature line in the Python-call syntax the answer
/// uses (so the names the policy copies into its answer stand right there, in the same spelling),
/// then its description and one line per described parameter. In a signature, `?` marks an
/// optional parameter, `= value` its documented default (a Python literal), a quoted
/// `'a'|'b'` list an enum, `list[T]` an array, `dict{k: T}` a dict with declared keys. The role
/// and block markers are single special tokens of the tokenizer. See docs/PROMPT_FORMAT.md.
public enum PromptFormat {
    public static let system = "<|system|>"
    public static let user = "<|user|>"
    public static let assistant = "<|assistant|>"
    public static let endOfSequence = "<|eos|>"
    public static let thinkOpen = "<think>"
    public static let thinkClose = "</think>"
    public static let answerOpen = "<answer>"
    public static let answerClose = "</answer>"
    /// The JSON tool-call form's markers (the decoders accept it as an alternative answer form).
    public static let toolCallOpen = "<tool_call>"
    public static let toolCallClose = "</tool_call>"

    /// Every marker, for the tokenizer's special-token list.
    public static let specialTokens = [system, user, assistant, endOfSequence, thinkOpen, thinkClose,
                                       answerOpen, answerClose, toolCallOpen, toolCallClose]

    /// The last line of the system message: the expected response form.
    public static let instruction =
        "Reply <think>reasoning</think><answer>[func(arg=value, ...)]</answer>, [] if no function fits."

    /// The prompt for a task, ending with the assistant marker.
    public static func prompt(_ task: FunctionTask) -> String {
        prompt(functions: task.functions, messages: task.messages)
    }

    /// The prompt for offered functions and a conversation, ending with the assistant marker.
    /// Messages keep their roles; a role other than system, user or assistant is shown as user.
    public static func prompt(functions: [FunctionSchema], messages: [Message]) -> String {
        var out = system + listing(functions) + instruction + endOfSequence + "\n"
        for m in messages {
            out += marker(role: m.role) + m.content + endOfSequence + "\n"
        }
        return out + assistant
    }

    /// A completion: the think block, then the answer block.
    public static func completion(think: String, answer: String) -> String {
        thinkOpen + think + thinkClose + answerOpen + answer + answerClose
    }

    /// What SFT trains on after the prompt: the completion and the end marker.
    public static func supervisedTarget(_ completion: String) -> String {
        completion + endOfSequence
    }

    static func marker(role: String) -> String {
        switch role {
        case "system": system
        case "assistant": assistant
        default: user
        }
    }

    /// The function listing: `Functions:` and one block per function, each line ending in `\n`.
    public static func listing(_ functions: [FunctionSchema]) -> String {
        guard !functions.isEmpty else { return "Functions: none\n" }
        var out = "Functions:\n"
        for f in functions {
            out += signature(f) + "\n"
            if !f.description.isEmpty { out += " " + oneLine(f.description) + "\n" }
            for p in f.parameters { describe(p, prefix: "", into: &out) }
        }
        return out
    }

    /// `name(a: int, b?: str = 'x')`: the function as the answer will call it.
    public static func signature(_ f: FunctionSchema) -> String {
        let required = Set(f.required)
        return f.name + "(" + f.parameters.map { parameter($0, required: required.contains($0.name)) }.joined(separator: ", ") + ")"
    }

    static func parameter(_ p: Property, required: Bool) -> String {
        var s = p.name + (required ? ": " : "?: ") + typeText(p.schema)
        if let d = p.schema.defaultValue { s += " = " + PythonRenderer.literal(d) }
        return s
    }

    /// A parameter type in the listing's notation: `str`, `int`, `float`, `bool`, `list[T]`,
    /// `tuple[T]`, `dict`, `dict{k: T, j?: U}`, `any`, or the enum's values `'a'|'b'`.
    public static func typeText(_ s: ParameterSchema) -> String {
        if let options = s.enumValues, !options.isEmpty, s.type != "array" {
            return options.map(PythonRenderer.literal).joined(separator: "|")
        }
        switch s.type {
        case "string": return "str"
        case "integer": return "int"
        case "boolean": return "bool"
        case "array", "tuple":
            let name = s.type == "array" ? "list" : "tuple"
            guard let items = s.items else { return name }
            var inner = typeText(items)
            if s.type == "array", let options = s.enumValues, !options.isEmpty {
                inner = options.map(PythonRenderer.literal).joined(separator: "|")
            }
            return name + "[" + inner + "]"
        case "dict":
            guard let props = s.properties, !props.isEmpty else { return "dict" }
            let required = Set(s.required ?? [])
            return "dict{" + props.map { parameter($0, required: required.contains($0.name)) }.joined(separator: ", ") + "}"
        default: return s.type
        }
    }

    /// ` name: description` for the parameter and, with dotted names, for described dict keys.
    static func describe(_ p: Property, prefix: String, into out: inout String) {
        let name = prefix + p.name
        if let d = p.schema.description, !d.isEmpty { out += " " + name + ": " + oneLine(d) + "\n" }
        for sub in p.schema.properties ?? [] { describe(sub, prefix: name + ".", into: &out) }
        if let items = p.schema.items, items.type == "dict" {
            for sub in items.properties ?? [] { describe(sub, prefix: name + "[].", into: &out) }
        }
    }

    /// Descriptions are shown on one line: newlines and runs of spaces become one space.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}
