/// A parameter type as xLAM's data spells it (Python annotations: `str`, `List[int]`,
/// `Optional[str]`, `Dict[str, Any]`, `Tuple[float, float]`, often with a suffix such as
/// `str, optional` or `int, default=5`), read into BFCL's schema vocabulary.
///
/// The vocabulary is closed on purpose: a spelling outside it is refused by name, because a guess
/// (say, `string` for an unknown `Path`) would reach the checker as a type that no answer has.
public struct PythonTypeSpelling: Sendable, Equatable {
    /// The schema in BFCL's types (`string`, `integer`, `float`, `boolean`, `array` with
    /// `items`, `tuple`, `dict`, `any`); no description or default.
    public var schema: ParameterSchema
    /// True for `Optional[...]`, `Union[..., None]` and a `, optional` or `, default...` suffix:
    /// the parameter may be left out.
    public var optional: Bool

    /// Why a spelling was refused; `problem` names the part that is not understood.
    public struct Unknown: Error, Sendable, Equatable {
        public var spelling: String
        public var problem: String
    }

    /// The accepted names, for the error message.
    public static let knownNames = "str, int, float, bool, list/List[T], set/Set[T], tuple/Tuple[T, ...], dict/Dict[K, V], Any, "
        + "Optional[T], Union[...], Literal['a', ...], Callable, None (or the JSON Schema names string, integer, number, boolean, array, object), "
        + "optionally followed by \", optional\" or \", default=...\""

    /// Reads a spelling such as `List[int], optional`.
    public init(parsing spelling: String) throws(Unknown) {
        let parts = Self.splitTopLevel(spelling)
        guard let head = parts.first, !head.isEmpty else {
            throw Unknown(spelling: spelling, problem: "empty type")
        }
        var optional = false
        for suffix in parts.dropFirst() {
            let s = suffix.lowercased()
            if s == "optional" { optional = true; continue }
            // `int, default=5`, `str, default: 'x'`, `bool, defaults to False`: a documented
            // default, whose text (which may hold commas) ends the spelling.
            if s.hasPrefix("default") { optional = true; break }
            throw Unknown(spelling: spelling, problem: "suffix \"\(suffix)\" (expected \", optional\" or \", default=...\")")
        }
        var parser = Parser(text: Array(head), spelling: spelling)
        let node = try parser.type()
        parser.skipSpaces()
        guard parser.position == parser.text.count else {
            throw Unknown(spelling: spelling, problem: "unexpected \"\(String(parser.text[parser.position...]))\" after the type")
        }
        let (schema, optionalInside) = try Self.schema(node, spelling: spelling)
        self.schema = schema
        self.optional = optional || optionalInside
    }

    /// Splits at commas outside brackets and trims each part: `Dict[str, int], optional` →
    /// `Dict[str, int]`, `optional`.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for c in text {
            if c == "[" || c == "(" { depth += 1 }
            if c == "]" || c == ")" { depth -= 1 }
            if c == "," && depth == 0 {
                parts.append(trimmed(current))
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(trimmed(current))
        return parts
    }

    static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }

    /// A parsed annotation: a name and its bracketed arguments (`[[float], float]` nests as a
    /// node named "" holding the inner list).
    struct Node: Equatable {
        var name: String
        var arguments: [Node]?
        /// For the arguments of `Literal[...]`: the quoted string or number.
        var literal: Value? = nil
    }

    struct Parser {
        let text: [Character]
        let spelling: String
        var position = 0

        init(text: [Character], spelling: String) {
            self.text = text
            self.spelling = spelling
        }

        mutating func skipSpaces() {
            while position < text.count && text[position] == " " { position += 1 }
        }

        /// `name`, `name[args]`, `...` or a bare bracketed list (Callable's argument list).
        mutating func type() throws(Unknown) -> Node {
            skipSpaces()
            if position < text.count && text[position] == "[" {
                return Node(name: "", arguments: try arguments())
            }
            if position < text.count, text[position] == "'" || text[position] == "\"" {
                let quote = text[position]
                var end = position + 1
                while end < text.count && text[end] != quote { end += 1 }
                guard end < text.count else { throw Unknown(spelling: spelling, problem: "unclosed quote") }
                let word = String(text[(position + 1)..<end])
                position = end + 1
                return Node(name: "'\(word)'", arguments: nil, literal: .string(word))
            }
            var name = ""
            while position < text.count, text[position].isLetter || text[position].isNumber || text[position] == "_"
                    || text[position] == "." {
                name.append(text[position])
                position += 1
            }
            guard !name.isEmpty else {
                let rest = position < text.count ? "\"\(text[position])\"" : "the end"
                throw Unknown(spelling: spelling, problem: "expected a type name at \(rest)")
            }
            skipSpaces()
            if position < text.count && text[position] == "[" {
                return Node(name: name, arguments: try arguments())
            }
            if let first = name.first, first.isNumber {
                guard let number = Int(name).map(Value.integer) ?? Double(name).map(Value.float) else {
                    throw Unknown(spelling: spelling, problem: "\"\(name)\" is neither a type name nor a number")
                }
                return Node(name: name, arguments: nil, literal: number)
            }
            return Node(name: name, arguments: nil)
        }

        /// `[T, U, ...]` with the opening bracket at `position`.
        mutating func arguments() throws(Unknown) -> [Node] {
            position += 1
            var out: [Node] = []
            skipSpaces()
            if position < text.count && text[position] == "]" {
                position += 1
                return out
            }
            while true {
                out.append(try type())
                skipSpaces()
                guard position < text.count else { throw Unknown(spelling: spelling, problem: "unclosed \"[\"") }
                if text[position] == "," { position += 1; continue }
                if text[position] == "]" { position += 1; return out }
                throw Unknown(spelling: spelling, problem: "unexpected \"\(text[position])\" in brackets")
            }
        }
    }

    /// The schema of a node and whether it admits None.
    static func schema(_ node: Node, spelling: String) throws(Unknown) -> (ParameterSchema, Bool) {
        let args = node.arguments
        func one() throws(Unknown) -> (ParameterSchema, Bool) {
            guard let args, args.count == 1 else {
                throw Unknown(spelling: spelling, problem: "\(node.name)[...] takes one type argument")
            }
            return try schema(args[0], spelling: spelling)
        }
        func scalar(_ type: String) throws(Unknown) -> (ParameterSchema, Bool) {
            guard args == nil else { throw Unknown(spelling: spelling, problem: "\(node.name) takes no type arguments") }
            return (ParameterSchema(type: type), false)
        }
        switch node.name.lowercased() {
        case "str", "string": return try scalar("string")
        case "int", "integer": return try scalar("integer")
        case "float", "number": return try scalar("float")
        case "bool", "boolean": return try scalar("boolean")
        case "any": return try scalar("any")
        // JSON Schema's name for a JSON object, which is what a call can pass.
        case "object": return try scalar("dict")
        case "none", "nonetype": return (ParameterSchema(type: "any"), true)
        case "list", "array", "sequence", "iterable", "set", "frozenset":
            guard args != nil else { return (ParameterSchema(type: "array"), false) }
            return (ParameterSchema(type: "array", items: try one().0), false)
        case "tuple":
            guard let args, !args.isEmpty else { return (ParameterSchema(type: "tuple"), false) }
            // `Tuple[float, ...]` or `Tuple[int, int]`: one element type; mixed: no element type.
            let elements = args.filter { $0.name != "..." }
            var schemas: [ParameterSchema] = []
            for e in elements { schemas.append(try schema(e, spelling: spelling).0) }
            let first = schemas.first
            return (ParameterSchema(type: "tuple", items: schemas.allSatisfy { $0 == first } ? first : nil), false)
        case "dict", "mapping":
            if let args {
                guard args.count == 2 else { throw Unknown(spelling: spelling, problem: "\(node.name)[...] takes a key and a value type") }
                _ = try schema(args[0], spelling: spelling)
                _ = try schema(args[1], spelling: spelling)
            }
            return (ParameterSchema(type: "dict"), false)
        case "optional":
            return (try one().0, true)
        case "union":
            guard let args, !args.isEmpty else { throw Unknown(spelling: spelling, problem: "Union[...] needs type arguments") }
            var members: [(ParameterSchema, Bool)] = []
            for a in args { members.append(try schema(a, spelling: spelling)) }
            let admitsNone = args.contains { ["none", "nonetype"].contains($0.name.lowercased()) }
            let values = zip(args, members).filter { !["none", "nonetype"].contains($0.0.name.lowercased()) }.map(\.1.0)
            // Several value types: BFCL has no union type, and `any` accepts each of them.
            guard values.count == 1 else { return (ParameterSchema(type: "any"), admitsNone) }
            return (values[0], admitsNone)
        case "literal":
            // `Literal['asc', 'desc']`: the values become the schema's enum.
            guard let args, !args.isEmpty, args.allSatisfy({ $0.literal != nil }) else {
                throw Unknown(spelling: spelling, problem: "Literal[...] takes quoted strings or numbers")
            }
            let values = args.compactMap(\.literal)
            let types = Set(values.map(\.pythonType))
            let type = types == [.string] ? "string" : types == [.integer] ? "integer" : types.isSubset(of: [.integer, .float]) ? "float" : "any"
            return (ParameterSchema(type: type, enumValues: values), false)
        case "callable", "function":
            // A function cannot travel in a call's JSON or Python literal; the answer names it as text.
            return (ParameterSchema(type: "any"), false)
        case "...":
            return (ParameterSchema(type: "any"), false)
        default:
            throw Unknown(spelling: spelling, problem: "unknown type name \"\(node.name)\" (known: \(knownNames))")
        }
    }
}
