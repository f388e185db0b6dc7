/// Plain ChatML (`<|im_start|>role\n…<|im_end|>\n` per message, `<|im_start|>assistant\n` to
/// generate), with the default system message some models' templates put first when the
/// conversation has none (SmolLM2's: "You are a helpful AI assistant named SmolLM, trained by
/// Hugging Face"). Such templates have no tool support; when functions are offered they go into
/// the system message in Qwen2.5's `<tools>` block (the ChatML family's convention for tools),
/// which is this project's addition, not the model's template.
enum ChatMLTemplate {
    static func prompt(tools: [Value], messages: [Message], defaultSystem: String?) -> String {
        var rest = messages[...]
        var out = ""
        if !tools.isEmpty {
            let system = rest.first?.role == "system" ? rest.removeFirst().content : defaultSystem
            out += QwenTemplate.imStart + "system\n" + (system.map { $0 + "\n\n" } ?? "") + QwenTemplate.toolBlock(tools)
        } else if rest.first?.role != "system", let defaultSystem {
            out += QwenTemplate.imStart + "system\n" + defaultSystem + QwenTemplate.imEnd + "\n"
        }
        for m in rest { out += QwenTemplate.imStart + m.role + "\n" + m.content + QwenTemplate.imEnd + "\n" }
        return out + QwenTemplate.imStart + "assistant\n"
    }

    /// The Jinja text of a ChatML template with default system message `system` (nil: none), as
    /// SmolLM2's tokenizer_config.json spells it; `recognize` compares templates against it.
    static func jinja(defaultSystem system: String?) -> String {
        let open = "{% for message in messages %}"
        let first = system.map { "{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n\($0)<|im_end|>\n' }}{% endif %}" } ?? ""
        return open + first + "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
    }

    /// The default system message of `template` when it is ChatML as `jinja` writes it (up to
    /// surrounding whitespace); `.some(nil)` for ChatML without one, nil for anything else.
    static func recognize(_ template: String) -> String?? {
        let text = template.trimmingWhitespace
        if text == jinja(defaultSystem: nil) { return .some(nil) }
        let prefix = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n"
        let suffix = "<|im_end|>\n' }}{% endif %}"
        guard text.hasPrefix(prefix), let end = text.range(of: suffix) else { return nil }
        let system = String(text[text.index(text.startIndex, offsetBy: prefix.count) ..< end.lowerBound])
        guard !system.contains("'"), !system.contains("{"), text == jinja(defaultSystem: system) else { return nil }
        return .some(system)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first ... last])
    }
}
