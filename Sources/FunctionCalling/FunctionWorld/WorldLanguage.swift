/// FunctionWorld's `simple_java` and `simple_javascript` tasks: a generated function typed in the
/// language's BFCL vocabulary, its call written in the language's syntax as BFCL's prompt asks
/// (every value in string representation: `count=5`, `ratio=0.5f`, `id=42L`, `name="Ada"`,
/// `tags=new ArrayList<>(Arrays.asList("a", "b"))` in Java; `tags=["a", "b"]` in JavaScript),
/// and the ground truth holding the values BFCL's type converters make of that text
/// (BFCL_CHECKER.md §8). Names stay the generated ones (valid identifiers in both languages).
///
/// Dict parameters are left out of these tasks: in BFCL's prompting mode a Java HashMap always
/// decodes empty, and JavaScript's dict pattern stops at the first `}`. Values a language's
/// converter would split or misread (quotes, commas, backslashes in strings; exponents in
/// JavaScript floats) are redrawn.
struct WorldLanguage {
    let language: CallLanguage
    /// Per parameter, the declared type (and element type for lists) in the language.
    private var types: [String: (type: String, element: String?)] = [:]
    let function: WorldFunction

    /// Whether `function` can be written in a language here (no dict parameter).
    static func supports(_ function: WorldFunction) -> Bool {
        function.parameters.allSatisfy { if case .dict = $0.type { return false } else { return true } }
    }

    /// Chooses the language's types for `function`: Java integers are `long` and floats `float`
    /// (suffixed literals) a third of the time, `integer` and `double` otherwise.
    init(_ function: WorldFunction, language: CallLanguage, rng: inout SplitMix64) {
        precondition(language != .python && Self.supports(function), "WorldLanguage: \(function.name) in \(language)")
        self.language = language
        self.function = function
        for p in function.parameters {
            types[p.name] = Self.type(of: p.type, language: language, rng: &rng)
        }
    }

    private static func type(of t: WorldType, language: CallLanguage, rng: inout SplitMix64) -> (type: String, element: String?) {
        let java = language == .java
        switch t {
        case .integer: return (java && rng.chance(1.0 / 3) ? "long" : "integer", nil)
        case .float: return (java ? (rng.chance(1.0 / 3) ? "float" : "double") : "float", nil)
        case .string, .enumeration: return ("String", nil)
        case .boolean: return (java ? "boolean" : "Boolean", nil)
        case .array(let element):
            let e = Self.type(of: element, language: language, rng: &rng).type
            return (java ? "ArrayList" : "array", e)
        case .dict: preconditionFailure("WorldLanguage: dict parameters are not written in \(language)")
        }
    }

    /// The function doc: the generated schema with the language's type names.
    var schema: FunctionSchema {
        var s = function.schema
        s.parameters = s.parameters.map { p in
            var p = p
            let t = types[p.name]!
            p.schema.type = t.type
            if let element = t.element { p.schema.items = ParameterSchema(type: element) }
            return p
        }
        return s
    }

    /// The call in the language's syntax, or nil when a value cannot be written faithfully.
    /// Java calls end with `;`: without it BFCL's tree-sitter parse of a one-argument call can
    /// fail (§8.1), with it every call parses.
    func source(_ call: FunctionCall) -> String? {
        var arguments: [String] = []
        for a in call.arguments {
            guard let t = types[a.name], let text = literal(a.value, type: t.type, element: t.element) else { return nil }
            arguments.append("\(a.name)=\(text)")
        }
        return call.name + "(" + arguments.joined(separator: ", ") + ")" + (language == .java ? ";" : "")
    }

    private func literal(_ value: Value, type: String, element: String?) -> String? {
        switch value {
        case .string(let s):
            guard !s.contains("\""), !s.contains("\\"), !s.contains(","), !s.contains(")"), !s.contains("]") else { return nil }
            return "\"" + s + "\""
        case .integer(let i):
            return type == "long" ? "\(i)L" : type == "float" && language == .java ? "\(i).0f" : "\(i)"
        case .float(let d):
            let text = PythonRenderer.literal(.float(d))
            if language == .javascript && (text.contains("e") || text.contains("E") || !text.contains(".")) { return nil }
            guard !text.contains("inf"), !text.contains("nan") else { return nil }
            return type == "float" && language == .java ? text + "f" : text
        case .bool(let b):
            return b ? "true" : "false"
        case .list(let items):
            let parts = items.map { literal($0, type: element ?? "String", element: nil) }
            guard !parts.contains(where: { $0 == nil }) else { return nil }
            let inside = parts.map { $0! }.joined(separator: ", ")
            if language == .javascript { return "[" + inside + "]" }
            return items.isEmpty ? "new ArrayList<>()" : "new ArrayList<>(Arrays.asList(" + inside + "))"
        default:
            return nil
        }
    }
}
