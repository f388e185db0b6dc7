import Foundation

/// Java and JavaScript arguments (BFCL_CHECKER.md §8.2, gorilla's `java_type_converter.py`,
/// `js_type_converter.py` and the language branch of `simple_function_checker`): the decoded
/// value must be a string (source text); it is converted by the declared type's rule (left as
/// text when the rule does not match) and then checked as a Python value would be, without
/// the int→float leniency.
extension ASTChecker {
    func checkArgument(name: String, value: Value, schema: ParameterSchema, alternatives: [Value], language: CallLanguage) -> CheckResult {
        let declared = schema.type
        guard let expectedType = Self.languageType(declared, language) else {
            return .fail(.typeSimple, "Unknown \(language) schema type \(declared.debugDescription) for parameter \(name.debugDescription).")
        }
        guard case .string(let text) = value else {
            return .fail(language == .java ? .typeJava : .typeJS,
                         "Incorrect type for parameter \(name.debugDescription). Expected type String, got \(value.pythonType). Parameter value: \(PythonRenderer.literal(value)).")
        }
        var nested: String?
        var nestedType: PythonType?
        if ["Array", "ArrayList", "array"].contains(declared) {
            nested = schema.items?.type
            nestedType = nested.flatMap { Self.languageType($0, language) }
        }
        let converted = language == .java ? JavaValues.convert(text, type: declared, nested: nested)
                                          : JavaScriptValues.convert(text, type: declared, nested: nested)
        return checkConverted(name: name, value: converted, declared: declared, expectedType: expectedType, nestedType: nestedType,
                              alternatives: alternatives)
    }

    /// `JAVA_TYPE_CONVERSION` and `JS_TYPE_CONVERSION` (constants/type_mappings.py). Java's `Set`
    /// is left out: no Python type here stands for a set, and BFCL cannot convert one either.
    static func languageType(_ type: String, _ language: CallLanguage) -> PythonType? {
        switch language {
        case .python: return pythonType(forSchemaType: type)
        case .java:
            switch type {
            case "byte", "short", "integer", "long": return .integer
            case "float", "double": return .float
            case "boolean": return .bool
            case "char", "String", "any": return .string
            case "Array", "ArrayList", "Queue", "Stack": return .list
            case "HashMap", "Hashtable": return .dict
            default: return nil
            }
        case .javascript:
            switch type {
            case "String", "any": return .string
            case "integer", "Bigint": return .integer
            case "float": return .float
            case "Boolean": return .bool
            case "dict": return .dict
            case "array": return .list
            default: return nil
            }
        }
    }
}

/// Python's `re` helpers on Swift regexes: `re.match` (anchored at the start), `re.search`,
/// `re.findall`; `.` does not match a newline unless `dotAll`.
enum PythonRegex {
    static func regex(_ pattern: String, dotAll: Bool = false) -> Regex<AnyRegexOutput> {
        let r = try! Regex(pattern)
        return dotAll ? r.dotMatchesNewlines() : r
    }

    /// Whether the whole text matches (`re.match(r"^...$", s)`).
    static func full(_ text: String, _ pattern: String) -> Bool {
        (try? regex(pattern).wholeMatch(in: text)) != nil
    }

    /// The capture groups of the first match (nil for a group that did not take part).
    static func search(_ text: String, _ pattern: String, dotAll: Bool = false, anchored: Bool = false) -> [String?]? {
        let r = regex(pattern, dotAll: dotAll)
        guard let m = anchored ? (try? r.prefixMatch(in: text)) ?? nil : (try? r.firstMatch(in: text)) ?? nil else { return nil }
        return (0..<m.output.count).map { i in m.output[i].substring.map(String.init) }
    }

    /// Every non-overlapping match's groups (group 0 first).
    static func findAll(_ text: String, _ pattern: String, dotAll: Bool = false) -> [[String?]] {
        text.matches(of: regex(pattern, dotAll: dotAll)).map { m in (0..<m.output.count).map { i in m.output[i].substring.map(String.init) } }
    }

    /// Python's `str.strip()` for ASCII whitespace.
    static func strip(_ s: String) -> String { s.trimmingWhitespace }

    /// Python's `int(s)` for the spellings the converters meet (sign and digits).
    static func int(_ s: String) -> Value? {
        let t = strip(s)
        if let i = Int(t) { return .integer(i) }
        return nil
    }

    /// Python's `float(s)`.
    static func float(_ s: String) -> Value? {
        let t = strip(s)
        guard !t.isEmpty, !t.lowercased().hasPrefix("0x"), let d = Double(t) else { return nil }
        return .float(d)
    }
}

/// `java_type_converter`.
enum JavaValues {
    static func convert(_ value: String, type: String, nested: String?) -> Value {
        switch type {
        case "byte", "short", "integer":
            return PythonRegex.full(value, #"-?\d+"#) ? PythonRegex.int(value) ?? .string(value) : .string(value)
        case "float":
            guard PythonRegex.full(value, #"-?\d+(\.\d+)?([eE][+-]?\d+)?[fF]"#) else { return .string(value) }
            return PythonRegex.float(String(value.dropLast())) ?? .string(value)
        case "double":
            guard PythonRegex.full(value, #"-?\d+(\.\d+)?([eE][+-]?\d+)?"#) else { return .string(value) }
            return PythonRegex.float(value) ?? .string(value)
        case "long":
            guard PythonRegex.full(value, #"-?\d+[lL]"#) else { return .string(value) }
            return PythonRegex.int(String(value.dropLast())) ?? .string(value)
        case "boolean":
            return value == "true" ? .bool(true) : value == "false" ? .bool(false) : .string(value)
        case "Array": return array(value, nested: nested)
        case "ArrayList": return arrayList(value, nested: nested)
        case "HashMap": return hashMap(value)
        // char (whose pattern can never match), String, any; and Set, Hashtable, Queue, Stack,
        // which BFCL cannot convert and the data does not use.
        default: return .string(value)
        }
    }

    /// `parse_array`: `new T[]{a, b}`, elements split on every comma.
    static func array(_ text: String, nested: String?) -> Value {
        guard let m = PythonRegex.search(text, #"new\s+\w+\[\]\s*\{(.*?)\}"#), let inside = m[1] else { return .string(text) }
        let parts = inside.split(separator: ",", omittingEmptySubsequences: false).map { PythonRegex.strip(String($0)) }.filter { !$0.isEmpty }
        return .list(parts.map { part in nested.map { convert(part, type: $0, nested: nil) } ?? value(part) })
    }

    /// `parse_arraylist`: `new ArrayList<>(Arrays.asList(a, b))`, the `{{ add(a); }}` form, or empty.
    static func arrayList(_ text: String, nested: String?) -> Value {
        func element(_ raw: String) -> Value {
            let e = PythonRegex.strip(raw)
            if nested == "char" || nested == "String" { return .string(String(e.dropFirst().dropLast())) }
            return nested.map { convert(e, type: $0, nested: nil) } ?? value(e)
        }
        if let m = PythonRegex.search(text, #"new\s+ArrayList<\w*>\(Arrays\.asList\((.+?)\)\)"#), let inside = m[1] {
            return .list(inside.split(separator: ",", omittingEmptySubsequences: false).map { element(String($0)) })
        }
        if let m = PythonRegex.search(text, #"new\s+ArrayList<\w*>\(\)\s*\{\{\s*(.+?)\s*\}\}"#, dotAll: true), let adds = m[1] {
            return .list(PythonRegex.findAll(adds, #"add\((.+?)\)"#).map { element($0[1] ?? "") })
        }
        if PythonRegex.search(text, #"new\s+ArrayList<\w*>\(\)"#) != nil { return .list([]) }
        return .string(text)
    }

    /// `parse_hashmap`: the `put("k", v)` pairs of a double-brace body, or an empty map.
    static func hashMap(_ text: String) -> Value {
        if let m = PythonRegex.search(text, #"new\s+HashMap<.*?>\s*\(\)\s*\{\s*\{?\s*(.*?)\s*\}?\s*\}"#, dotAll: true) {
            var entries: [Value.Entry] = []
            if let puts = m[1], !PythonRegex.strip(puts).isEmpty {
                for pair in PythonRegex.findAll(puts, #"put\(\"(.*?)\",\s*(.*?)\)"#) {
                    let key = Value.string(pair[1] ?? ""), v = value(PythonRegex.strip(pair[2] ?? ""))
                    if let i = entries.firstIndex(where: { $0.key == key }) { entries[i].value = v } else { entries.append(Value.Entry(key, v)) }
                }
            }
            return .dict(entries)
        }
        if PythonRegex.search(text, #"new\s+HashMap<.*?>\s*\(\)"#) != nil { return .dict([]) }
        return .string(text)
    }

    /// `parse_java_value`: a value without a declared type.
    static func value(_ s: String) -> Value {
        if s == "true" { return .bool(true) }
        if s == "false" { return .bool(false) }
        if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") { return .string(String(s.dropFirst().dropLast())) }
        if PythonRegex.full(s, #"-?\d+[lL]"#), let i = PythonRegex.int(String(s.dropLast())) { return i }
        if PythonRegex.full(s, #"-?\d+(\.\d+)?([eE][+-]?\d+)?[fF]"#), let f = PythonRegex.float(String(s.dropLast())) { return f }
        return PythonRegex.int(s) ?? PythonRegex.float(s) ?? .string(s)
    }
}

/// `js_type_converter`.
enum JavaScriptValues {
    static func convert(_ value: String, type: String, nested: String?) -> Value {
        switch type {
        case "String":
            let quoted = value.count >= 2 && ((value.hasPrefix("\"") && value.hasSuffix("\"")) || (value.hasPrefix("'") && value.hasSuffix("'")))
            return .string(quoted ? String(value.dropFirst().dropLast()) : value)
        case "integer":
            return PythonRegex.full(value, #"-?\d+"#) ? PythonRegex.int(value) ?? .string(value) : .string(value)
        case "float":
            return PythonRegex.full(value, #"-?\d+(\.\d+)?"#) ? PythonRegex.float(value) ?? .string(value) : .string(value)
        case "Bigint":
            return PythonRegex.full(value, #"-?\d+n"#) ? PythonRegex.int(String(value.dropLast())) ?? .string(value) : .string(value)
        case "Boolean":
            return value == "true" ? .bool(true) : value == "false" ? .bool(false) : .string(value)
        case "dict": return dict(PythonRegex.strip(value)) ?? .string(PythonRegex.strip(value))
        case "array": return array(PythonRegex.strip(value), nested: nested) ?? .string(PythonRegex.strip(value))
        default: return .string(value)
        }
    }

    /// `parse_js_collection(code, "array")`: a 2-D array (inner arrays untyped), else a 1-D
    /// `[...]` or `new Array(...)` split on every comma; nil (the text itself) otherwise or
    /// when an element's declared type cannot be converted.
    static func array(_ code: String, nested: String?) -> Value? {
        if let m = PythonRegex.search(code, #"\[\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\]|\bnew\s+Array\(\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\)"#, anchored: true),
           let whole = m[0] {
            var rows: [Value] = []
            for (i, inner) in PythonRegex.findAll(whole, #"\[(.*?)\]"#).enumerated() {
                var s = PythonRegex.strip(inner[1] ?? "")
                if i == 0 && s.hasPrefix("[") { s.removeFirst() }
                rows.append(.list(s.split(separator: ",", omittingEmptySubsequences: false).map { value(PythonRegex.strip(String($0))) }))
            }
            return .list(rows)
        }
        let inside: String
        if let m = PythonRegex.search(code, #"\[(.*?)\]"#, anchored: true) { inside = PythonRegex.strip(m[1] ?? "") }
        else if let m = PythonRegex.search(code, #"\bnew\s+Array\((.*?)\)"#, anchored: true) { inside = PythonRegex.strip(m[1] ?? "") }
        else { return nil }
        let elements = inside.isEmpty ? [] : inside.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let nested else { return .list(elements.map { value(PythonRegex.strip($0)) }) }
        guard languageTypeKnown(nested) else { return nil }
        return .list(elements.map { convert(PythonRegex.strip($0), type: nested, nested: "String") })
    }

    static func languageTypeKnown(_ type: String) -> Bool { ASTChecker.languageType(type, .javascript) != nil }

    /// `parse_js_collection(code, "dict")`: `{}` or the pairs of the first `{...}`.
    static func dict(_ code: String) -> Value? {
        if code == "{}" { return .dict([]) }
        guard let m = PythonRegex.search(code, #"\{(.*?)\}"#, anchored: true) else { return nil }
        var entries: [Value.Entry] = []
        for pair in PythonRegex.findAll(m[1] ?? "", #"([^:]+):\s*(.*?)(?:,\s*(?=[^,]+:)|$)"#) {
            let key = Value.string(strip(PythonRegex.strip(pair[1] ?? ""), quotes: "'\""))
            let raw = PythonRegex.strip(pair[2] ?? "")
            let v: Value
            if raw.hasPrefix("[") && raw.hasSuffix("]") { v = array(raw, nested: nil) ?? .string(raw) }
            else if raw.hasPrefix("{") && raw.hasSuffix("}") { v = dict(raw) ?? .string(raw) }
            else { v = value(strip(raw, quotes: "'\"")) }
            if let i = entries.firstIndex(where: { $0.key == key }) { entries[i].value = v } else { entries.append(Value.Entry(key, v)) }
        }
        return .dict(entries)
    }

    /// Python's `s.strip(chars)`.
    static func strip(_ s: String, quotes: String) -> String {
        var t = Substring(s)
        while let f = t.first, quotes.contains(f) { t.removeFirst() }
        while let l = t.last, quotes.contains(l) { t.removeLast() }
        return String(t)
    }

    /// `parse_js_value`.
    static func value(_ raw: String) -> Value {
        let s = PythonRegex.strip(raw)
        if s == "true" { return .bool(true) }
        if s == "false" { return .bool(false) }
        if s.count >= 2, (s.hasPrefix("\"") && s.hasSuffix("\"")) || (s.hasPrefix("'") && s.hasSuffix("'")) {
            return .string(String(s.dropFirst().dropLast()))
        }
        return PythonRegex.int(s) ?? PythonRegex.float(s) ?? .string(s)
    }
}
