import Foundation
import FunctionCalling

/// Reading the pipeline from `tokenizer.json` (refusing by name whatever would give other ids
/// than Hugging Face `tokenizers`) and writing it back in the form the models' files use.
extension TokenizerPipeline {
    /// The pipeline of a parsed `tokenizer.json`: normalizer, pre-tokenizer and model options,
    /// after checking that the post-processor, decoder and truncation are ones this reader can
    /// honour. The post-processor is accepted but not applied: `encode` is `tokenizers`'
    /// `encode(text, add_special_tokens=False)`, since the trainer writes BOS through the chat
    /// template (as transformers' `apply_chat_template` does), never through a template processor.
    static func parse(_ root: [String: Any]) throws(TokenizerError) -> TokenizerPipeline {
        if let truncation = root["truncation"], !(truncation is NSNull) {
            throw .unsupported(field: "truncation", found: describe(truncation), expected: "null")
        }
        let normalizer = try parseNormalizer(root["normalizer"], field: "normalizer")
        let split = try parsePreTokenizer(root["pre_tokenizer"])
        try checkComponent(root["post_processor"], field: "post_processor", accepted: ["ByteLevel", "TemplateProcessing"], parts: "processors",
                           expected: "null, ByteLevel, TemplateProcessing or a Sequence of them")
        try checkComponent(root["decoder"], field: "decoder", accepted: ["ByteLevel"], parts: "decoders",
                           expected: "ByteLevel, a Sequence of ByteLevel, or null")
        var ignoreMerges = false
        if let model = root["model"] as? [String: Any] {
            ignoreMerges = try checkModel(model)
        }
        return TokenizerPipeline(normalizer: normalizer, split: split, ignoreMerges: ignoreMerges)
    }

    /// null, NFC, or a Sequence of those (NFC once or more is NFC).
    private static func parseNormalizer(_ value: Any?, field: String) throws(TokenizerError) -> Normalizer {
        guard let value, !(value is NSNull) else { return .none }
        let expected = "null, NFC or a Sequence of NFC"
        guard let object = value as? [String: Any], let type = object["type"] as? String else {
            throw .unsupported(field: field, found: describe(value), expected: expected)
        }
        switch type {
        case "NFC":
            return .nfc
        case "Sequence":
            guard let parts = object["normalizers"] as? [Any] else {
                throw .malformed(field: "\(field).normalizers", reason: "missing or not an array of normalizers")
            }
            var result = Normalizer.none
            for (k, part) in parts.enumerated() where try parseNormalizer(part, field: "\(field).normalizers[\(k)]") == .nfc {
                result = .nfc
            }
            return result
        default:
            throw .unsupported(field: "\(field).type", found: type, expected: expected)
        }
    }

    /// `ByteLevel` with GPT-2's regex, or `Sequence[Split(known regex, Isolated), ByteLevel(use_regex: false)]`.
    private static func parsePreTokenizer(_ value: Any?) throws(TokenizerError) -> Split {
        let expected = "ByteLevel, or a Sequence of Split (Qwen2's or Llama-3's regex) and ByteLevel"
        guard let pre = value as? [String: Any] else {
            throw .unsupported(field: "pre_tokenizer", found: describe(value ?? NSNull()), expected: expected)
        }
        let type = pre["type"] as? String ?? "?"
        switch type {
        case "ByteLevel":
            try checkByteLevel(pre, field: "pre_tokenizer", useRegex: true)
            return .gpt2
        case "Sequence":
            guard let parts = pre["pretokenizers"] as? [[String: Any]] else {
                throw .malformed(field: "pre_tokenizer.pretokenizers", reason: "missing or not an array of pre-tokenizers")
            }
            let types = parts.map { $0["type"] as? String ?? "?" }
            if types == ["Digits", "ByteLevel"] {
                guard (parts[0]["individual_digits"] as? Bool) == true else {
                    throw .unsupported(field: "pre_tokenizer.pretokenizers[0].individual_digits", found: "\(parts[0]["individual_digits"] ?? "absent")",
                                       expected: "true")
                }
                try checkByteLevel(parts[1], field: "pre_tokenizer.pretokenizers[1]", useRegex: true)
                return .gpt2Digits
            }
            guard types == ["Split", "ByteLevel"] else {
                throw .unsupported(field: "pre_tokenizer.pretokenizers", found: "[\(types.joined(separator: ", "))]",
                                   expected: "[Split, ByteLevel] or [Digits, ByteLevel]")
            }
            let split = try parseSplit(parts[0], field: "pre_tokenizer.pretokenizers[0]")
            try checkByteLevel(parts[1], field: "pre_tokenizer.pretokenizers[1]", useRegex: false)
            return split
        default:
            throw .unsupported(field: "pre_tokenizer.type", found: type, expected: expected)
        }
    }

    private static func parseSplit(_ split: [String: Any], field: String) throws(TokenizerError) -> Split {
        guard let pattern = split["pattern"] as? [String: Any] else {
            throw .malformed(field: "\(field).pattern", reason: "missing or not {\"Regex\": ...}")
        }
        guard let regex = pattern["Regex"] as? String else {
            throw .unsupported(field: "\(field).pattern", found: describe(pattern), expected: "{\"Regex\": Qwen2's or Llama-3's pattern}")
        }
        guard let known = Split.matching(pattern: regex) else {
            throw .unsupported(field: "\(field).pattern.Regex", found: regex.debugDescription, expected: "Qwen2's or Llama-3's pattern")
        }
        let behavior = split["behavior"] as? String ?? "?"
        guard behavior == "Isolated" else {
            throw .unsupported(field: "\(field).behavior", found: behavior, expected: "Isolated")
        }
        if (split["invert"] as? Bool) == true {
            throw .unsupported(field: "\(field).invert", found: "true", expected: "false")
        }
        return known
    }

    private static func checkByteLevel(_ byteLevel: [String: Any], field: String, useRegex: Bool) throws(TokenizerError) {
        if (byteLevel["add_prefix_space"] as? Bool) == true {
            throw .unsupported(field: "\(field).add_prefix_space", found: "true", expected: "false")
        }
        // `use_regex` defaults to true in tokenizers.
        let found = byteLevel["use_regex"] as? Bool ?? true
        if found != useRegex {
            throw .unsupported(field: "\(field).use_regex", found: "\(found)",
                               expected: useRegex ? "true (false only after a Split)" : "false (after a Split)")
        }
    }

    /// A component that only passes when it is null, one of `accepted` types, or a `Sequence`
    /// whose `parts` list holds only such components (recursively), each refused naming its field.
    /// Post-processors: ByteLevel and TemplateProcessing only add tokens when asked to
    /// (`add_special_tokens`) or fix offsets. Decoders: `decode` maps ids to their bytes, which is
    /// what `ByteLevel` does (newer files wrap it in a Sequence); any other decoder would give
    /// `tokenizers` users other text.
    private static func checkComponent(_ value: Any?, field: String, accepted: Set<String>, parts key: String,
                                       expected: String) throws(TokenizerError) {
        guard let value, !(value is NSNull) else { return }
        let type = (value as? [String: Any])?["type"] as? String
        if let type, accepted.contains(type) { return }
        guard type == "Sequence" else {
            throw .unsupported(field: "\(field).type", found: type ?? describe(value), expected: expected)
        }
        let parts = (value as? [String: Any])?[key] as? [Any] ?? []
        for (k, part) in parts.enumerated() {
            try checkComponent(part, field: "\(field).\(key)[\(k)]", accepted: accepted, parts: key, expected: expected)
        }
    }

    private static func checkModel(_ model: [String: Any]) throws(TokenizerError) -> Bool {
        let modelType = model["type"] as? String ?? "BPE"
        guard modelType == "BPE" else {
            throw .unsupported(field: "model.type", found: modelType, expected: "BPE")
        }
        // Qwen2's files write "" for these, Llama-3's null: both mean none.
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[field], !(value is NSNull), (value as? String) != "" {
                throw .unsupported(field: "model.\(field)", found: describe(value), expected: "null or \"\"")
            }
        }
        if let dropout = model["dropout"], !(dropout is NSNull), (dropout as? Double) != 0 {
            throw .unsupported(field: "model.dropout", found: describe(dropout), expected: "null")
        }
        if (model["byte_fallback"] as? Bool) == true {
            throw .unsupported(field: "model.byte_fallback", found: "true", expected: "false (byte-level BPE has every byte)")
        }
        return (model["ignore_merges"] as? Bool) ?? false
    }

    static func describe(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let object = value as? [String: Any], let type = object["type"] as? String { return "type \(type)" }
        if let text = value as? String { return text.debugDescription }
        if JSONSerialization.isValidJSONObject(value), let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }

    /// The `normalizer`, `pre_tokenizer` and `decoder` entries as the models' files write them.
    var jsonFields: (normalizer: String, preTokenizer: String, decoder: String) {
        let normalizerText = normalizer == .nfc ? #"{"type": "NFC"}"# : "null"
        switch split {
        case .gpt2:
            let byteLevel = #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}"#
            return (normalizerText, byteLevel, byteLevel)
        case .gpt2Digits:
            // As SmolLM2's tokenizer.json writes it.
            let byteLevel = #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}"#
            let pre = #"{"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true}, "# + byteLevel + "]}"
            return (normalizerText, pre, byteLevel)
        case .qwen2, .llama3:
            // Qwen2's files say trim_offsets false, Llama-3's true (offsets only, not ids).
            let trim = split == .llama3
            let pre = #"{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "#
                + JSON.quoted(split.pattern!) + #"}, "behavior": "Isolated", "invert": false}, "#
                + #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": \#(trim), "use_regex": false}]}"#
            let decoder = split == .llama3
                ? #"{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}"#
                : #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}"#
            return (normalizerText, pre, decoder)
        }
    }
}
