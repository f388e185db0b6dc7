/// A concrete syntax tree of Java or JavaScript source, in the shape tree-sitter gives BFCL's
/// Java and JavaScript decoders (BFCL_CHECKER.md §8.1): nodes named as tree-sitter names them
/// (`method_invocation`, `call_expression`, `assignment_expression`, `string_literal`, ...),
/// every token a leaf child, so the decoders can rebuild the texts BFCL rebuilds.
///
/// The parser covers the expressions a call answer holds: literals, names, member access, calls,
/// `new` with arguments, an anonymous class body or an array initializer, array and object
/// literals, unary, binary, ternary and assignment operators, statements ended by `;`. Anything
/// else is a syntax error, where tree-sitter would put an `ERROR` node, which BFCL refuses too.
/// One difference is known: tree-sitter recovers from a missing final `;` by inserting it in some
/// Java texts and not in others (`foo(a=1, b=2)` passes, `foo(a=1)` fails); here it is optional.
struct CallSyntaxNode {
    var kind: String
    /// UTF-8 byte range in the source.
    var range: Range<Int>
    var children: [CallSyntaxNode] = []
    /// Named children (tree-sitter fields: `name`, `object`, `arguments`, `type`, `value`, `left`, `right`, `function`).
    var fields: [String: Int] = [:]

    func field(_ name: String) -> CallSyntaxNode? { fields[name].map { children[$0] } }
}

struct CallSyntaxError: Error, CustomStringConvertible {
    var offset: Int
    var problem: String
    var description: String { "syntax error at byte \(offset): \(problem)" }
}

struct CallSyntaxParser {
    enum Language { case java, javascript }

    struct Token {
        enum Kind { case identifier, number, string, character, punctuation, end }
        var kind: Kind
        var range: Range<Int>
    }

    let bytes: [UInt8]
    let language: Language
    private(set) var tokens: [Token] = []
    private var position = 0

    init(_ source: String, language: Language) throws(CallSyntaxError) {
        bytes = Array(source.utf8)
        self.language = language
        tokens = try Self.lex(bytes, language: language)
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    func text(_ node: CallSyntaxNode) -> String { text(node.range) }

    // MARK: Lexer

    static let punctuators: [String] = [
        ">>>=", "<<=", ">>=", ">>>", "===", "!==", "...", "**=",
        "==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "->", "=>", "::", "<<", "**", "??", "?.",
        "(", ")", "[", "]", "{", "}", ",", ";", ".", "=", "+", "-", "*", "/", "%", "<", ">", "!", "~", "?", ":", "&", "|", "^", "@",
    ]

    static func lex(_ b: [UInt8], language: Language) throws(CallSyntaxError) -> [Token] {
        var out: [Token] = []
        var i = 0
        func isIdentStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || c == 36 || c >= 0x80 }
        func isIdent(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 48 && c <= 57) }
        while i < b.count {
            let c = b[i]
            if c == 32 || c == 9 || c == 10 || c == 13 || c == 12 { i += 1; continue }
            if c == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "/") {
                while i < b.count && b[i] != 10 { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "*") {
                guard let end = find(b, "*/", from: i + 2) else { throw CallSyntaxError(offset: i, problem: "unterminated comment") }
                i = end + 2
                continue
            }
            let start = i
            if isIdentStart(c) {
                while i < b.count && isIdent(b[i]) { i += 1 }
                out.append(Token(kind: .identifier, range: start..<i))
            } else if c >= 48 && c <= 57 || (c == UInt8(ascii: ".") && i + 1 < b.count && b[i + 1] >= 48 && b[i + 1] <= 57) {
                while i < b.count, isIdent(b[i]) || b[i] == UInt8(ascii: ".") ||
                    ((b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) && (b[i - 1] | 0x20) == UInt8(ascii: "e") && !(b[start] == 48 && i > start + 1 && (b[start + 1] | 0x20) == UInt8(ascii: "x"))) {
                    i += 1
                }
                out.append(Token(kind: .number, range: start..<i))
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || (c == UInt8(ascii: "`") && language == .javascript) {
                i += 1
                while i < b.count && b[i] != c {
                    if b[i] == UInt8(ascii: "\\") { i += 1 }
                    if b[i < b.count ? i : b.count - 1] == 10 && c != UInt8(ascii: "`") { throw CallSyntaxError(offset: i, problem: "newline in a string") }
                    i += 1
                }
                guard i < b.count else { throw CallSyntaxError(offset: start, problem: "unterminated string") }
                i += 1
                let isChar = c == UInt8(ascii: "'") && language == .java
                out.append(Token(kind: isChar ? .character : .string, range: start..<i))
            } else {
                guard let p = punctuators.first(where: { matches(b, $0, at: i) }) else {
                    throw CallSyntaxError(offset: i, problem: "unexpected character")
                }
                i += p.utf8.count
                out.append(Token(kind: .punctuation, range: start..<i))
            }
        }
        out.append(Token(kind: .end, range: b.count..<b.count))
        return out
    }

    static func matches(_ b: [UInt8], _ s: String, at i: Int) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= b.count && Array(b[i..<(i + u.count)]) == u
    }

    static func find(_ b: [UInt8], _ s: String, from: Int) -> Int? {
        var i = from
        while i < b.count { if matches(b, s, at: i) { return i }; i += 1 }
        return nil
    }

    // MARK: Token helpers

    var current: Token { tokens[position] }
    func tokenText(_ t: Token) -> String { text(t.range) }
    func isPunct(_ s: String, offset: Int = 0) -> Bool {
        let t = tokens[min(position + offset, tokens.count - 1)]
        return t.kind == .punctuation && tokenText(t) == s
    }
    func isWord(_ s: String) -> Bool { current.kind == .identifier && tokenText(current) == s }

    mutating func leaf(_ kind: String? = nil) -> CallSyntaxNode {
        let t = current
        position += 1
        return CallSyntaxNode(kind: kind ?? tokenText(t), range: t.range)
    }

    mutating func expect(_ s: String) throws(CallSyntaxError) -> CallSyntaxNode {
        guard isPunct(s) else { throw fail("expected \(s)") }
        return leaf()
    }

    func fail(_ problem: String) -> CallSyntaxError { CallSyntaxError(offset: current.range.lowerBound, problem: problem) }

    static func node(_ kind: String, _ children: [CallSyntaxNode], fields: [String: Int] = [:]) -> CallSyntaxNode {
        CallSyntaxNode(kind: kind, range: children.first!.range.lowerBound..<children.last!.range.upperBound, children: children, fields: fields)
    }

    // MARK: Program

    /// `program`: expression statements, each ended by `;` (optional at the end or, in
    /// JavaScript, before a new line), whose only child of note is the expression.
    mutating func program() throws(CallSyntaxError) -> CallSyntaxNode {
        var statements: [CallSyntaxNode] = []
        while current.kind != .end {
            if isPunct(";") { position += 1; continue }
            var parts = [try expression(allowSequence: language == .javascript)]
            if isPunct(";") { parts.append(leaf()) } else if current.kind != .end { throw fail("expected ; or the end") }
            statements.append(Self.node("expression_statement", parts))
        }
        return CallSyntaxNode(kind: "program", range: 0..<bytes.count, children: statements)
    }

    // MARK: Expressions

    mutating func expression(allowSequence: Bool = false) throws(CallSyntaxError) -> CallSyntaxNode {
        var first = try assignment()
        guard allowSequence, isPunct(",") else { return first }
        var children = [first]
        while isPunct(",") { children.append(leaf()); children.append(try assignment()) }
        first = Self.node("sequence_expression", children)
        return first
    }

    static let assignmentOperators: Set<String> = ["=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>=", "**="]

    mutating func assignment() throws(CallSyntaxError) -> CallSyntaxNode {
        if language == .javascript, let arrow = try arrowFunction() { return arrow }
        if language == .java, let lambda = try javaLambda() { return lambda }
        let left = try conditional()
        if current.kind == .punctuation, Self.assignmentOperators.contains(tokenText(current)) {
            let op = leaf()
            let right = try assignment()
            let kind = tokenText(Token(kind: .punctuation, range: op.range)) == "=" ? "assignment_expression" : "augmented_assignment_expression"
            return Self.node(kind, [left, op, right], fields: ["left": 0, "right": 2])
        }
        return left
    }

    /// JavaScript `x => body` and `(a, b) => body` (bodies: an expression or a balanced block).
    mutating func arrowFunction() throws(CallSyntaxError) -> CallSyntaxNode? {
        let start = position
        if current.kind == .identifier, isPunct("=>", offset: 1) {
            let param = leaf("identifier")
            return try arrowRest([param])
        }
        guard isPunct("(") else { return nil }
        var depth = 0, i = position
        while i < tokens.count - 1 {
            let t = tokenText(tokens[i])
            if tokens[i].kind == .punctuation && (t == "(" || t == "[" || t == "{") { depth += 1 }
            if tokens[i].kind == .punctuation && (t == ")" || t == "]" || t == "}") { depth -= 1; if depth == 0 { break } }
            i += 1
        }
        guard i + 1 < tokens.count, tokens[i + 1].kind == .punctuation, tokenText(tokens[i + 1]) == "=>" else { return nil }
        let params = CallSyntaxNode(kind: "formal_parameters", range: tokens[start].range.lowerBound..<tokens[i].range.upperBound)
        position = i + 1
        return try arrowRest([params])
    }

    mutating func arrowRest(_ head: [CallSyntaxNode]) throws(CallSyntaxError) -> CallSyntaxNode {
        let arrow = try expect("=>")
        let body = isPunct("{") ? try balancedBlock("statement_block") : try assignment()
        return Self.node("arrow_function", head + [arrow, body])
    }

    /// Java `x -> body` and `(a, b) -> body`.
    mutating func javaLambda() throws(CallSyntaxError) -> CallSyntaxNode? {
        if current.kind == .identifier, isPunct("->", offset: 1) {
            let param = leaf("identifier")
            let arrow = leaf()
            let body = isPunct("{") ? try balancedBlock("block") : try assignment()
            return Self.node("lambda_expression", [param, arrow, body])
        }
        return nil
    }

    /// A `{ ... }` whose inside is only checked for balanced brackets.
    mutating func balancedBlock(_ kind: String) throws(CallSyntaxError) -> CallSyntaxNode {
        let open = try expect("{")
        var depth = 1
        var last = open
        while depth > 0 {
            guard current.kind != .end else { throw fail("unbalanced {") }
            let t = tokenText(current)
            if current.kind == .punctuation { if t == "{" { depth += 1 } else if t == "}" { depth -= 1 } }
            last = leaf()
        }
        return CallSyntaxNode(kind: kind, range: open.range.lowerBound..<last.range.upperBound, children: [open, last])
    }

    mutating func conditional() throws(CallSyntaxError) -> CallSyntaxNode {
        let test = try binary(0)
        guard isPunct("?") else { return test }
        let q = leaf()
        let yes = try assignment()
        let colon = try expect(":")
        let no = try assignment()
        return Self.node("ternary_expression", [test, q, yes, colon, no])
    }

    static let precedence: [[String]] = [
        ["??"], ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!=", "===", "!=="], ["<", ">", "<=", ">=", "instanceof", "in"],
        ["<<", ">>", ">>>"], ["+", "-"], ["*", "/", "%"], ["**"],
    ]

    mutating func binary(_ level: Int) throws(CallSyntaxError) -> CallSyntaxNode {
        guard level < Self.precedence.count else { return try unary() }
        var left = try binary(level + 1)
        while Self.precedence[level].contains(tokenText(current)), current.kind != .string {
            let op = leaf()
            let right = try binary(level + 1)
            left = Self.node("binary_expression", [left, op, right])
        }
        return left
    }

    mutating func unary() throws(CallSyntaxError) -> CallSyntaxNode {
        if current.kind == .punctuation, ["-", "+", "!", "~", "++", "--"].contains(tokenText(current)) {
            let op = leaf()
            let operand = try unary()
            return Self.node("unary_expression", [op, operand])
        }
        if language == .javascript, current.kind == .identifier, ["typeof", "void", "delete", "await"].contains(tokenText(current)) {
            let op = leaf()
            return Self.node("unary_expression", [op, try unary()])
        }
        return try postfix(try primary())
    }

    mutating func postfix(_ base: CallSyntaxNode) throws(CallSyntaxError) -> CallSyntaxNode {
        var node = base
        while true {
            if isPunct(".") || isPunct("?.") {
                let dot = leaf()
                guard current.kind == .identifier else { throw fail("expected a name after .") }
                if language == .java && isWord("class") {
                    node = Self.node("class_literal", [node, dot, leaf()])
                    continue
                }
                let name = leaf(language == .java ? "identifier" : "property_identifier")
                if language == .java && isPunct("(") {
                    let args = try arguments()
                    node = Self.node("method_invocation", [node, dot, name, args], fields: ["object": 0, "name": 2, "arguments": 3])
                } else {
                    node = Self.node(language == .java ? "field_access" : "member_expression", [node, dot, name])
                }
            } else if isPunct("(") {
                let args = try arguments()
                if language == .java {
                    guard node.kind == "identifier" else { throw fail("a call of something that is not a name") }
                    node = Self.node("method_invocation", [node, args], fields: ["name": 0, "arguments": 1])
                } else {
                    node = Self.node("call_expression", [node, args], fields: ["function": 0, "arguments": 1])
                }
            } else if isPunct("[") {
                let open = leaf()
                let index = try expression()
                node = Self.node(language == .java ? "array_access" : "subscript_expression", [node, open, index, try expect("]")])
            } else if language == .java, isPunct("::") {
                let colons = leaf()
                guard current.kind == .identifier else { throw fail("expected a name after ::") }
                node = Self.node("method_reference", [node, colons, leaf("identifier")])
            } else if isPunct("++") || isPunct("--") {
                node = Self.node("update_expression", [node, leaf()])
            } else {
                return node
            }
        }
    }

    /// `( a, b=c )`: `argument_list` (Java) or `arguments` (JavaScript).
    mutating func arguments() throws(CallSyntaxError) -> CallSyntaxNode {
        var children = [try expect("(")]
        while !isPunct(")") {
            children.append(try assignment())
            if isPunct(",") { children.append(leaf()) } else if !isPunct(")") { throw fail("expected , or )") }
        }
        children.append(leaf())
        return Self.node(language == .java ? "argument_list" : "arguments", children)
    }

    static let javaPrimitive: [String: String] = [
        "int": "integral_type", "long": "integral_type", "short": "integral_type", "byte": "integral_type", "char": "integral_type",
        "float": "floating_point_type", "double": "floating_point_type", "boolean": "boolean_type",
    ]

    mutating func primary() throws(CallSyntaxError) -> CallSyntaxNode {
        let t = current
        switch t.kind {
        case .end:
            throw fail("unexpected end")
        case .number:
            return leaf(language == .java ? "decimal_literal" : "number")
        case .string:
            return leaf(language == .java ? "string_literal" : (bytes[t.range.lowerBound] == UInt8(ascii: "`") ? "template_string" : "string"))
        case .character:
            return leaf("character_literal")
        case .identifier:
            let word = tokenText(t)
            switch word {
            case "true", "false": return leaf(language == .java ? word : word)
            case "null": return leaf(language == .java ? "null_literal" : "null")
            case "this": return leaf("this")
            case "new": return try creation()
            case "function" where language == .javascript:
                let keyword = leaf()
                var parts = [keyword]
                if current.kind == .identifier { parts.append(leaf("identifier")) }
                parts.append(try arguments())
                parts.append(try balancedBlock("statement_block"))
                return Self.node("function_expression", parts)
            default:
                if language == .java, let kind = Self.javaPrimitive[word], isPunct(".", offset: 1) {
                    return leaf(kind)
                }
                return leaf("identifier")
            }
        case .punctuation:
            switch tokenText(t) {
            case "(":
                let open = leaf()
                let inner = try expression(allowSequence: language == .javascript)
                return Self.node("parenthesized_expression", [open, inner, try expect(")")])
            case "[" where language == .javascript:
                var children = [leaf()]
                while !isPunct("]") {
                    if isPunct("...") { let s = leaf(); children.append(Self.node("spread_element", [s, try assignment()])) }
                    else { children.append(try assignment()) }
                    if isPunct(",") { children.append(leaf()) } else if !isPunct("]") { throw fail("expected , or ]") }
                }
                children.append(leaf())
                return Self.node("array", children)
            case "{" where language == .javascript:
                return try object()
            case "{" where language == .java:
                return try arrayInitializer()
            default:
                throw fail("unexpected \(tokenText(t))")
            }
        }
    }

    /// JavaScript `{k: v, 'k': v, k, ...rest}`.
    mutating func object() throws(CallSyntaxError) -> CallSyntaxNode {
        var children = [try expect("{")]
        while !isPunct("}") {
            if isPunct("...") {
                let s = leaf()
                children.append(Self.node("spread_element", [s, try assignment()]))
            } else {
                let key: CallSyntaxNode
                switch current.kind {
                case .identifier: key = leaf("property_identifier")
                case .string: key = leaf("string")
                case .number: key = leaf("number")
                default:
                    guard isPunct("[") else { throw fail("expected a property name") }
                    let open = leaf()
                    let inner = try assignment()
                    key = Self.node("computed_property_name", [open, inner, try expect("]")])
                }
                if isPunct(":") {
                    let colon = leaf()
                    children.append(Self.node("pair", [key, colon, try assignment()]))
                } else if key.kind == "property_identifier" {
                    children.append(CallSyntaxNode(kind: "shorthand_property_identifier", range: key.range))
                } else {
                    throw fail("expected :")
                }
            }
            if isPunct(",") { children.append(leaf()) } else if !isPunct("}") { throw fail("expected , or }") }
        }
        children.append(leaf())
        return Self.node("object", children)
    }

    /// Java `{a, b, {c}}`.
    mutating func arrayInitializer() throws(CallSyntaxError) -> CallSyntaxNode {
        var children = [try expect("{")]
        while !isPunct("}") {
            children.append(isPunct("{") ? try arrayInitializer() : try assignment())
            if isPunct(",") { children.append(leaf()) } else if !isPunct("}") { throw fail("expected , or }") }
        }
        children.append(leaf())
        return Self.node("array_initializer", children)
    }

    /// A type: `Name`, `a.b.Name`, `Name<T, U<V>>`, a primitive.
    mutating func javaType() throws(CallSyntaxError) -> CallSyntaxNode {
        guard current.kind == .identifier else { throw fail("expected a type") }
        let word = tokenText(current)
        if let kind = Self.javaPrimitive[word] {
            let keyword = leaf()
            return CallSyntaxNode(kind: kind, range: keyword.range, children: [keyword])
        }
        var type = leaf("type_identifier")
        while isPunct("."), tokens[position + 1].kind == .identifier {
            let dot = leaf()
            type = Self.node("scoped_type_identifier", [type, dot, leaf("type_identifier")])
        }
        if isPunct("<") {
            var args = [leaf()]
            while !isPunct(">") {
                if isPunct(">>") { // `Map<String, List<T>>`: split the closing `>>`
                    break
                }
                if isPunct("?") { args.append(leaf("wildcard")) } else { args.append(try javaType()) }
                if isPunct(",") { args.append(leaf()) } else if !isPunct(">") && !isPunct(">>") { throw fail("expected , or >") }
            }
            if isPunct(">>") {
                // Split `>>` into two `>`: the inner generic ends here, the outer at the next.
                let r = current.range
                tokens[position] = Token(kind: .punctuation, range: (r.lowerBound + 1)..<r.upperBound)
                args.append(CallSyntaxNode(kind: ">", range: r.lowerBound..<(r.lowerBound + 1)))
            } else {
                args.append(leaf())
            }
            type = Self.node("generic_type", [type, Self.node("type_arguments", args)])
        }
        return type
    }

    /// `new T(args) [{body}]`, `new T[]{...}`, `new T[n]` (Java); `new X(args)` (JavaScript).
    mutating func creation() throws(CallSyntaxError) -> CallSyntaxNode {
        let keyword = leaf()
        if language == .javascript {
            var callee = try primary()
            while isPunct(".") {
                let dot = leaf()
                guard current.kind == .identifier else { throw fail("expected a name after .") }
                callee = Self.node("member_expression", [callee, dot, leaf("property_identifier")])
            }
            var parts = [keyword, callee]
            if isPunct("(") { parts.append(try arguments()) }
            return Self.node("new_expression", parts, fields: ["constructor": 1])
        }
        let type = try javaType()
        if isPunct("[") {
            var children = [keyword, type]
            var dimensions: [CallSyntaxNode] = []
            var sized = false
            while isPunct("[") {
                let open = leaf()
                if isPunct("]") {
                    dimensions += [open, leaf()]
                } else {
                    sized = true
                    let size = try expression()
                    dimensions += [open, size, try expect("]")]
                }
            }
            children.append(Self.node(sized ? "dimensions_expr" : "dimensions", dimensions))
            var fields = ["type": 1]
            if !sized || isPunct("{") {
                children.append(try arrayInitializer())
                fields["value"] = children.count - 1
            }
            return Self.node("array_creation_expression", children, fields: fields)
        }
        let args = try arguments()
        var children = [keyword, type, args]
        if isPunct("{") { children.append(try balancedBlock("class_body")) }
        return Self.node("object_creation_expression", children, fields: ["type": 1, "arguments": 2])
    }
}
