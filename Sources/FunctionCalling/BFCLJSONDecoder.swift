import Foundation

/// BFCL's JSON return-format decoder (BFCL_CHECKER.md §2.3), used by its non-scoring
/// format-sensitivity runs: the greedy `\[.*\]`, then the lazy `[{...}, ...]` search, then
/// `json.loads` (a parse failure is an empty list, not an error), then `"function"` and
/// `"parameters"` from each object.
public enum BFCLJSONDecoder {
    // Python's `\s` in a str pattern is `str.isspace()`; ICU's differs, so spell it out.
    static let space = #"[\t\n\x{0B}\x{0C}\r\x{1C}-\x{1F} \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]"#
    static let outer = try! NSRegularExpression(pattern: #"\[.*\]"#, options: [.dotMatchesLineSeparators])
    static let inner = try! NSRegularExpression(
        pattern: #"\["# + space + "*" + #"\{.*?\}"# + space + "*(?:," + space + "*" + #"\{.*?\}"# + space + "*)*" + #"\]"#,
        options: [.dotMatchesLineSeparators])

    /// The whole pipeline on a raw output: the §2.1 wrapper, then §2.3.
    public static func decodeBFCLOutput(_ raw: String) throws(DecodeError) -> [FunctionCall] {
        try decode(PythonCallDecoder.bfclWrap(raw))
    }

    /// §2.3 on already-wrapped text.
    public static func decode(_ text: String) throws(DecodeError) -> [FunctionCall] {
        var source = firstMatch(outer, in: text) ?? text
        source = firstMatch(inner, in: source) ?? source
        guard let json = try? JSON.parse(source) else { return [] }
        let elements: [Value]
        switch json {
        case .list(let l): elements = l
        case .dict, .string: return []  // Python iterates keys or characters: none is an object
        default: throw .notACallList("'\(json.pythonType)' object is not iterable")
        }
        var calls: [FunctionCall] = []
        // The shape check (§2.5) runs after decoding, so a later missing key still wins.
        var shapeProblem: String?
        for element in elements {
            guard case .dict = element else { continue }
            guard let name = element["function"] else { throw .notACallList("an object has no \"function\" key") }
            guard let arguments = element["parameters"] else { throw .notACallList("an object has no \"parameters\" key") }
            switch name {
            case .list, .dict: throw .notACallList("unhashable function name")
            default: break
            }
            guard case .dict(let entries) = arguments else {
                shapeProblem = shapeProblem ?? "the arguments of \(JSON.serialize(name)) are not an object"
                continue
            }
            calls.append(FunctionCall(name: name.stringValue ?? JSON.serialize(name), arguments: entries.map {
                FunctionCall.Argument(name: $0.key.stringValue ?? JSON.serialize($0.key), value: $0.value)
            }))
        }
        if let shapeProblem { throw .wrongOutputFormat(shapeProblem) }
        return calls
    }

    static func firstMatch(_ regex: NSRegularExpression, in text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        guard let m = regex.firstMatch(in: text, range: range), let r = Range(m.range, in: text) else { return nil }
        return String(text[r])
    }
}
