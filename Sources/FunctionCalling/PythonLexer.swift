/// A token of a Python expression.
struct PythonToken {
    enum Kind: Equatable {
        case name, number, string, op, newline, end
    }
    var kind: Kind
    /// Byte range in the source.
    var start: Int
    var end: Int
    /// Names and operators: their text.
    var text: String = ""
    /// Numbers and strings: the literal's value (strings: `.string` or `.bytes`).
    var value: Value = .null
    /// Strings: whether it is an f-string (which BFCL cannot decode as a value).
    var isFormatted = false
}

/// Why a text is not a Python expression (the analogue of Python's `SyntaxError`).
public struct PythonSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "Python syntax error at byte \(offset): \(message)" }
}

/// Splits Python source into tokens the way CPython 3.11's tokenizer does for one expression:
/// implicit line joining inside brackets, comments, backslash continuations, every string prefix
/// and quote style with their escapes, and numbers in every spelling (underscores, `0x`, `0o`,
/// `0b`, exponents, imaginary `j`).
struct PythonLexer {
    let src: [UInt8]
    var i = 0
    var depth = 0

    init(_ text: String) {
        src = Array(text.utf8)
    }

    func error(_ message: String, at offset: Int? = nil) -> PythonSyntaxError {
        PythonSyntaxError(offset: offset ?? i, message: message)
    }

    static let operators3: Set<String> = ["**=", "//=", ">>=", "<<=", "..."]
    static let operators2: Set<String> = ["**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=",
                                           "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="]
    static let operatorBytes: Set<UInt8> = Set("()[]{},:.;@=+-*/%&|^~<>".utf8)

    mutating func tokenize() throws(PythonSyntaxError) -> [PythonToken] {
        var tokens: [PythonToken] = []
        var atLineStart = true
        while true {
            // Whitespace, comments, continuations.
            while i < src.count {
                let c = src[i]
                if c == 0x20 || c == 0x09 || c == 0x0C {
                    if atLineStart && depth == 0 && tokens.isEmpty {
                        // Leading indentation of the first line: CPython says "unexpected indent".
                        var j = i
                        while j < src.count && (src[j] == 0x20 || src[j] == 0x09 || src[j] == 0x0C) { j += 1 }
                        if j < src.count && src[j] != 0x0A && src[j] != 0x0D && src[j] != UInt8(ascii: "#") {
                            throw error("unexpected indent")
                        }
                    }
                    i += 1
                } else if c == UInt8(ascii: "#") {
                    while i < src.count && src[i] != 0x0A && src[i] != 0x0D { i += 1 }
                } else if c == UInt8(ascii: "\\") {
                    if i + 1 < src.count && src[i + 1] == 0x0A { i += 2 }
                    else if i + 2 < src.count && src[i + 1] == 0x0D && src[i + 2] == 0x0A { i += 3 }
                    else if i + 1 < src.count && src[i + 1] == 0x0D { i += 2 }
                    else if i + 1 >= src.count { throw error("unexpected EOF while parsing") }
                    else { throw error("unexpected character after line continuation character") }
                } else if c == 0x0A || c == 0x0D {
                    if depth == 0 && !atLineStart {
                        tokens.append(PythonToken(kind: .newline, start: i, end: i + 1))
                        atLineStart = true
                    }
                    i += 1
                } else {
                    break
                }
            }
            guard i < src.count else {
                if depth > 0 { throw error("'(' was never closed") }
                tokens.append(PythonToken(kind: .end, start: i, end: i))
                return tokens
            }
            if atLineStart && depth == 0 && !tokens.isEmpty {
                // A second logical line: eval mode accepts only one expression.
                throw error("invalid syntax")
            }
            atLineStart = false
            let c = src[i]
            if c == 0 { throw error("source code cannot contain null bytes") }
            if isDigit(c) || (c == UInt8(ascii: ".") && i + 1 < src.count && isDigit(src[i + 1])) {
                tokens.append(try number())
            } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                tokens.append(try string(prefix: "", start: i))
            } else if let scalar = identifierStart(at: i) {
                let start = i
                i += scalar
                while i < src.count, let n = identifierContinue(at: i) { i += n }
                let text = String(decoding: src[start..<i], as: UTF8.self)
                if i < src.count && (src[i] == UInt8(ascii: "'") || src[i] == UInt8(ascii: "\"")),
                   Self.stringPrefixes.contains(text.lowercased()) {
                    tokens.append(try string(prefix: text.lowercased(), start: start))
                } else {
                    tokens.append(PythonToken(kind: .name, start: start, end: i, text: text))
                }
            } else if Self.operatorBytes.contains(c) || c == UInt8(ascii: "!") {
                let start = i
                var text = String(UnicodeScalar(c))
                if i + 2 < src.count, case let t3 = String(decoding: src[i..<i + 3], as: UTF8.self), Self.operators3.contains(t3) {
                    text = t3
                } else if i + 1 < src.count, case let t2 = String(decoding: src[i..<i + 2], as: UTF8.self), Self.operators2.contains(t2) {
                    text = t2
                } else if c == UInt8(ascii: "!") {
                    throw error("invalid syntax")
                }
                i += text.utf8.count
                switch text {
                case "(", "[", "{":
                    // CPython's tokenizer stops at 200 open brackets (MAXLEVEL).
                    if depth >= 200 { throw error("too many nested parentheses", at: start) }
                    depth += 1
                case ")", "]", "}":
                    if depth == 0 { throw error("unmatched '\(text)'", at: start) }
                    depth -= 1
                default: break
                }
                tokens.append(PythonToken(kind: .op, start: start, end: i, text: text))
            } else {
                throw error("invalid character")
            }
        }
    }

    static let stringPrefixes: Set<String> = ["r", "u", "b", "br", "rb", "f", "fr", "rf"]

    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Length in bytes of an identifier-start character at `k`, or nil.
    func identifierStart(at k: Int) -> Int? {
        let c = src[k]
        if c < 0x80 {
            return (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F ? 1 : nil
        }
        guard let (scalar, n) = scalar(at: k) else { return nil }
        return scalar.properties.isXIDStart ? n : nil
    }

    func identifierContinue(at k: Int) -> Int? {
        let c = src[k]
        if c < 0x80 {
            return (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || isDigit(c) ? 1 : nil
        }
        guard let (scalar, n) = scalar(at: k) else { return nil }
        return scalar.properties.isXIDContinue ? n : nil
    }

    /// The Unicode scalar encoded at byte `k` and its UTF-8 length.
    func scalar(at k: Int) -> (Unicode.Scalar, Int)? {
        let c = src[k]
        let n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
        guard k + n <= src.count else { return nil }
        return String(decoding: src[k..<k + n], as: UTF8.self).unicodeScalars.first.map { ($0, n) }
    }
}
