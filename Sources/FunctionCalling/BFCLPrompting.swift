/// How BFCL prompts a model that has no native function calling ("prompting" mode) and reads its
/// answer, for `launcher eval --format bfcl`: so that a score called BFCL's is BFCL's.
///
/// From gorilla's `bfcl_eval` at commit 6ea57973 (ShishirPatil/gorilla, Apache-2.0): the texts are
/// those of `constants/default_prompts.py` (style "classic"), composed as `formulate_system_prompt`
/// in `model_handler/utils.py` composes them for `DEFAULT_SYSTEM_PROMPT_FORMAT`
/// (`ret_fmt=python&tool_call_tag=False&func_doc_fmt=json&prompt_fmt=plaintext&style=classic`):
///
///     {persona}{task}\n\n{tool_call_format}\n\n{multiturn_behavior}\n\n{available_tools}
///
/// with the function docs as `json.dumps(functions, indent=4)` (Python's default `ensure_ascii`,
/// so non-ASCII text is `\uXXXX`-escaped), after `add_language_specific_hint_to_function_doc`
/// has rewritten them for the category's language (`hinted`). `system_prompt_pre_processing_chat_model`
/// then puts the prompt first: as a new system message, or in front of the task's own system
/// message, joined by a blank line (`messages`). The JSON return format
/// (`ret_fmt=json`, one of BFCL's format-sensitivity variants) is here too.
public enum BFCLPrompting {
    /// The answer form the system prompt asks for, and the decoder that reads it.
    public enum ReturnFormat: String, Sendable, CaseIterable, Hashable {
        /// `[func_name1(params_name1=params_value1, ...), func_name2(params)]`: BFCL's default.
        case python
        /// ```` ```json\n[{"function": ..., "parameters": {...}}]\n``` ````: `ret_fmt=json`.
        case json

        /// `OUTPUT_FORMAT_MAPPING[ret_fmt]`.
        public var outputFormat: String {
            switch self {
            case .python:
                "[func_name1(params_name1=params_value1, params_name2=params_value2...), func_name2(params)]"
            case .json:
                "```json\n[{\"function\":\"func_name1\",\"parameters\":{\"param1\":\"value1\",\"param2\":\"value2\"...}},{\"function\":\"func_name2\",\"parameters\":{\"param\":\"value\"}}]\n```"
            }
        }

        /// The `ReturnFormat` BFCL's checker decodes with (the language's own for Java and
        /// JavaScript with `ret_fmt=python`).
        public var checkerFormat: BFCLReturnFormat {
            switch self {
            case .python: .python
            case .json: .json
            }
        }
    }

    // The "classic" style of PROMPT_STYLE_TEMPLATES.
    static let persona = "You are an expert in composing functions."
    static let task = "You are given a question and a set of possible functions. Based on the question, you will need to make one or more function/tool calls to achieve the purpose. If none of the functions can be used, point it out. If the given question lacks the parameters required by the function, also point it out."
    static let toolCallNoTag = "You should only return the function calls in your response.\n\nIf you decide to invoke any of the function(s), you MUST put it in the format of {output_format}. {param_types} You SHOULD NOT include any other text in the response."
    static let multiturnBehavior = "At each turn, you should try your best to complete the tasks requested by the user within the current turn. Continue to output functions to call until you have fulfilled the user's request to the best of your ability. Once you have no more functions to call, the system will consider the current turn complete and proceed to the next turn or task."
    /// `available_tools`, with `{format}` the function doc format's name as BFCL spells it: `json`.
    static let availableTools = "Here is a list of functions in json format that you can invoke.\n{functions}\n"

    /// BFCL's system prompt for these function docs (already `hinted`), asking for `format`.
    /// `PARAM_TYPE_MAPPING` is empty for both formats, which leaves two spaces before "You SHOULD NOT".
    /// With `thinking`, `BFCLThinking.instruction` follows, after a blank line: the one change
    /// this project's think-then-answer form makes to BFCL's prompt.
    public static func systemPrompt(functions docs: [Value], format: ReturnFormat = .python, thinking: Bool = false) -> String {
        let toolCallFormat = toolCallNoTag.replacingOccurrences(of: "{output_format}", with: format.outputFormat)
            .replacingOccurrences(of: "{param_types}", with: "")
        let tools = availableTools.replacingOccurrences(of: "{functions}", with: functionList(docs))
        let prompt = persona + task + "\n\n" + toolCallFormat + "\n\n" + multiturnBehavior + "\n\n" + tools
        return thinking ? prompt + "\n" + BFCLThinking.instruction : prompt
    }

    /// `json.dumps(docs, indent=4)`: four-space indentation, `","` and `": "`, non-ASCII escaped.
    public static func functionList(_ docs: [Value]) -> String {
        JSON.asciiEscaped(JSON.serialize(.list(docs), indent: 4))
    }

    /// The conversation BFCL sends: its system prompt first, merged in front of the task's own
    /// system message when the conversation starts with one.
    public static func messages(_ messages: [Message], docs: [Value], format: ReturnFormat = .python, thinking: Bool = false) -> [Message] {
        let system = systemPrompt(functions: docs, format: format, thinking: thinking)
        var out = messages
        if let first = out.first, first.role == "system" {
            out[0].content = system + "\n\n" + first.content
        } else {
            out.insert(Message(role: "system", content: system), at: 0)
        }
        return out
    }

    /// The function docs as the model sees them (`_func_doc_language_specific_pre_processing`):
    /// every description ends with the language's note; for Java and JavaScript every top-level
    /// parameter becomes `"type": "string"`, its real type told in its description, array `items`
    /// and JavaScript dict `properties` folded into the description and removed. Key order is
    /// kept, as Python's dicts keep it.
    public static func hinted(_ docs: [Value], language: CallLanguage) -> [Value] {
        docs.map { hinted($0, language: language) }
    }

    static func hinted(_ doc: Value, language: CallLanguage) -> Value {
        var doc = doc
        let note = switch language {
        case .java: " Note that the provided function is in Java 8 SDK syntax."
        case .javascript: " Note that the provided function is in JavaScript syntax."
        case .python: " Note that the provided function is in Python 3 syntax."
        }
        doc.appendToString(key: "description", note)
        guard language != .python, case .dict(let entries)? = doc["parameters"]?["properties"] else { return doc }
        let languageName = language == .java ? "Java" : "JavaScript"
        let properties = entries.map { entry -> Value.Entry in
            var p = entry.value
            let type = p["type"]?.stringValue ?? ""
            if type == "any" {
                p.appendToString(key: "description", " This parameter can be of any type of \(languageName) object in string representation.")
            } else {
                p.appendToString(key: "description", " This is \(languageName) \(type) type parameter in string representation.")
            }
            let isArray = language == .java ? (type == "ArrayList" || type == "Array") : type == "array"
            if isArray {
                let itemType = p["items"]?["type"]?.stringValue ?? ""
                p.appendToString(key: "description", " The list elements are of type \(itemType); they are not in string representation.")
                p.removeKey("items")
            }
            if language == .javascript, type == "dict", let properties = p["properties"] {
                p.appendToString(key: "description", " The dictionary entries have the following schema; they are not in string representation. "
                                 + JSON.asciiEscaped(JSON.serialize(properties)))
                p.removeKey("properties")
            }
            p.setKey("type", .string("string"))
            return Value.Entry(entry.key, p)
        }
        doc.setKey("parameters", doc["parameters"]!.setting("properties", .dict(properties)))
        return doc
    }

    /// BFCL's prompting decoder for a category's language (`BFCLDecoder.decode`).
    public static func decode(_ raw: String, language: CallLanguage, format: ReturnFormat = .python) throws(DecodeError) -> [FunctionCall] {
        try BFCLDecoder.decode(raw, language: language, format: format.checkerFormat)
    }
}

extension Value {
    /// `self[key] += suffix` on a dict's string entry (nothing when absent or not a string).
    mutating func appendToString(key: String, _ suffix: String) {
        guard case .string(let s)? = self[key] else { return }
        setKey(key, .string(s + suffix))
    }

    /// Sets a dict's entry in place (where the key stands) or appends it, as Python's `d[k] = v`.
    mutating func setKey(_ key: String, _ value: Value) {
        self = setting(key, value)
    }

    func setting(_ key: String, _ value: Value) -> Value {
        guard case .dict(var entries) = self else { return self }
        if let i = entries.firstIndex(where: { $0.key == .string(key) }) {
            entries[i].value = value
        } else {
            entries.append(Entry(.string(key), value))
        }
        return .dict(entries)
    }

    /// Removes a dict's entry (`del d[k]`).
    mutating func removeKey(_ key: String) {
        guard case .dict(var entries) = self else { return }
        entries.removeAll { $0.key == .string(key) }
        self = .dict(entries)
    }
}
