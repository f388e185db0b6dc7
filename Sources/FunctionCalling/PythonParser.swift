import Foundation

/// A recursive-descent parser for one Python 3.11 expression (`ast.parse(text, mode="eval")`),
/// following CPython's grammar closely enough to accept and reject the same texts for the
/// outputs a model writes: calls with the argument-order rules, displays, comprehensions,
/// slices, operators with their precedence, and the keywords that cannot be names.
struct PythonParser {
    var tokens: [PythonToken]
    let source: [UInt8]
    var p = 0
    /// How deep the tree being built is. CPython gives up near 3,000 levels (a RecursionError
    /// while building the AST, which BFCL reports as a decoding failure); stopping there also keeps
    /// absurd outputs (`------…1`) from exhausting a thread's stack.
    var nesting = 0
    static let maxNesting = 2900

    mutating func deeper(_ levels: Int = 1) throws(PythonSyntaxError) {
        nesting += levels
        if nesting > Self.maxNesting { throw error("too deeply nested (CPython: RecursionError during AST construction)") }
    }

    static let reserved: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// Parses `text` as one expression.
    static func parse(_ text: String) throws(PythonSyntaxError) -> PythonNode {
        var lexer = PythonLexer(text)
        var parser = PythonParser(tokens: try lexer.tokenize(), source: lexer.src)
        let node = try parser.expressions()
        while parser.peek.kind == .newline { parser.p += 1 }
        guard parser.peek.kind == .end else { throw parser.error("invalid syntax") }
        return node
    }

    var peek: PythonToken { tokens[p] }

    /// CPython stores identifiers in NFKC form (`ｆ` is `f`); keywords are matched before that.
    static func identifier(_ raw: String) -> String {
        raw.utf8.allSatisfy { $0 < 0x80 } ? raw : raw.precomposedStringWithCompatibilityMapping
    }

    func error(_ message: String) -> PythonSyntaxError {
        PythonSyntaxError(offset: tokens[p].start, message: message)
    }

    func isOp(_ text: String, at k: Int? = nil) -> Bool {
        let t = tokens[k ?? p]
        return t.kind == .op && t.text == text
    }

    func isKeyword(_ word: String) -> Bool {
        peek.kind == .name && peek.text == word
    }

    mutating func expect(_ text: String) throws(PythonSyntaxError) {
        guard isOp(text) else { throw error("expected '\(text)'") }
        p += 1
    }

    func text(from start: Int) -> String {
        String(decoding: source[tokens[start].start..<tokens[p - 1].end], as: UTF8.self)
    }

    /// Whether the current token can end an expression list (no more items after a comma).
    var atClose: Bool {
        peek.kind == .end || peek.kind == .newline || isOp(")") || isOp("]") || isOp("}") || isOp("=") || isOp(":")
    }

    // MARK: Expression levels

    /// `expressions`: one expression, or a bare tuple `a, b`.
    mutating func expressions() throws(PythonSyntaxError) -> PythonNode {
        let first = try starOrExpression()
        guard isOp(",") else {
            if case .starred = first { throw error("cannot use starred expression here") }
            return first
        }
        var items = [first]
        while isOp(",") {
            p += 1
            if atClose { break }
            items.append(try starOrExpression())
        }
        return .tuple(items)
    }

    mutating func starOrExpression() throws(PythonSyntaxError) -> PythonNode {
        if isOp("*") {
            p += 1
            return .starred(try bitOr())
        }
        return try namedExpression()
    }

    mutating func namedExpression() throws(PythonSyntaxError) -> PythonNode {
        if peek.kind == .name, isOp(":=", at: p + 1), !Self.reserved.contains(peek.text) {
            let start = p
            p += 2
            _ = try expression()
            return .other(kind: "NamedExpr", text: "(" + text(from: start) + ")", precedence: PythonPrecedence.atom)
        }
        return try expression()
    }

    mutating func expression() throws(PythonSyntaxError) -> PythonNode {
        try deeper()
        defer { nesting -= 1 }
        let start = p
        if isKeyword("lambda") { return try lambda() }
        let body = try disjunction()
        guard isKeyword("if") else { return body }
        p += 1
        _ = try disjunction()
        guard isKeyword("else") else { throw error("expected 'else' after 'if' expression") }
        p += 1
        _ = try expression()
        return .other(kind: "IfExp", text: text(from: start), precedence: PythonPrecedence.test)
    }

    mutating func lambda() throws(PythonSyntaxError) -> PythonNode {
        let start = p
        p += 1
        // Parameters: names with optional defaults, `*`, `*args`, `**kwargs`, `/`.
        while !isOp(":") {
            if isOp("*") || isOp("**") { p += 1; if peek.kind == .name { p += 1 } }
            else if isOp("/") { p += 1 }
            else if peek.kind == .name, !Self.reserved.contains(peek.text) {
                p += 1
                if isOp("=") { p += 1; _ = try expression() }
            } else { throw error("invalid syntax") }
            if isOp(",") { p += 1 } else if !isOp(":") { throw error("invalid syntax") }
        }
        p += 1
        _ = try expression()
        return .other(kind: "Lambda", text: text(from: start), precedence: PythonPrecedence.test)
    }

    mutating func disjunction() throws(PythonSyntaxError) -> PythonNode {
        let start = p
        let first = try conjunction()
        guard isKeyword("or") else { return first }
        while isKeyword("or") { p += 1; _ = try conjunction() }
        return .other(kind: "BoolOp", text: text(from: start), precedence: PythonPrecedence.or)
    }

    mutating func conjunction() throws(PythonSyntaxError) -> PythonNode {
        let start = p
        let first = try inversion()
        guard isKeyword("and") else { return first }
        while isKeyword("and") { p += 1; _ = try inversion() }
        return .other(kind: "BoolOp", text: text(from: start), precedence: PythonPrecedence.and)
    }

    mutating func inversion() throws(PythonSyntaxError) -> PythonNode {
        if isKeyword("not") {
            p += 1
            try deeper()
            defer { nesting -= 1 }
            return .unary("not", try inversion())
        }
        return try comparison()
    }

    static let comparisonOperators: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    mutating func comparison() throws(PythonSyntaxError) -> PythonNode {
        let start = p
        let first = try bitOr()
        var compared = false
        while true {
            if peek.kind == .op && Self.comparisonOperators.contains(peek.text) { p += 1 }
            else if isKeyword("in") { p += 1 }
            else if isKeyword("not") && tokens[p + 1].kind == .name && tokens[p + 1].text == "in" { p += 2 }
            else if isKeyword("is") { p += 1; if isKeyword("not") { p += 1 } }
            else { break }
            _ = try bitOr()
            compared = true
        }
        return compared ? .other(kind: "Compare", text: text(from: start), precedence: PythonPrecedence.compare) : first
    }

    /// Left-associative binary levels from `|` down to `*`.
    static let binaryLevels: [Set<String>] = [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"]]

    mutating func bitOr() throws(PythonSyntaxError) -> PythonNode { try binary(level: 0) }

    mutating func binary(level: Int) throws(PythonSyntaxError) -> PythonNode {
        if level == Self.binaryLevels.count { return try factor() }
        var left = try binary(level: level + 1)
        var chain = 0
        defer { nesting -= chain }
        while peek.kind == .op && Self.binaryLevels[level].contains(peek.text) {
            let op = peek.text
            p += 1
            try deeper()
            chain += 1
            left = .binary(left, op, try binary(level: level + 1))
        }
        return left
    }

    mutating func factor() throws(PythonSyntaxError) -> PythonNode {
        if peek.kind == .op && (peek.text == "-" || peek.text == "+" || peek.text == "~") {
            let op = peek.text
            p += 1
            try deeper()
            defer { nesting -= 1 }
            return .unary(op, try factor())
        }
        return try power()
    }

    mutating func power() throws(PythonSyntaxError) -> PythonNode {
        let base: PythonNode
        if isKeyword("await") {
            let start = p
            p += 1
            _ = try primary()
            base = .other(kind: "Await", text: text(from: start), precedence: PythonPrecedence.await)
        } else {
            base = try primary()
        }
        guard isOp("**") else { return base }
        p += 1
        try deeper()
        defer { nesting -= 1 }
        return .binary(base, "**", try factor())
    }
}
