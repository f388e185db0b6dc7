extension PythonLexer {
    /// The keywords CPython 3.11 lets follow a number without a space (`1if x else y`).
    static let keywordsAfterNumber = ["and", "else", "for", "if", "in", "is", "not", "or"]

    /// After a number, an identifier character is an error unless a keyword starts there.
    func verifyEndOfNumber(_ kind: String) throws(PythonSyntaxError) {
        guard i < src.count, identifierStart(at: i) != nil || isDigit(src[i]) else { return }
        for k in Self.keywordsAfterNumber {
            let kb = Array(k.utf8)
            if i + kb.count <= src.count && Array(src[i..<i + kb.count]) == kb { return }
        }
        throw error("invalid \(kind) literal")
    }

    /// Reads digits accepted by `isValid`, each run separated by single underscores.
    /// Returns false when an underscore is not followed by a digit.
    mutating func digits(_ isValid: (UInt8) -> Bool) -> Bool {
        while i < src.count {
            if isValid(src[i]) { i += 1 }
            else if src[i] == UInt8(ascii: "_") {
                guard i + 1 < src.count, isValid(src[i + 1]) else { return false }
                i += 1
            } else { break }
        }
        return true
    }

    mutating func number() throws(PythonSyntaxError) -> PythonToken {
        let start = i
        func text() -> String {
            let t = String(decoding: src[start..<i], as: UTF8.self)
            return src[start..<i].contains(UInt8(ascii: "_")) ? t.replacingOccurrences(of: "_", with: "") : t
        }
        if src[i] == UInt8(ascii: "0"), i + 1 < src.count,
           let radix: Int = [UInt8(ascii: "x"): 16, UInt8(ascii: "X"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "O"): 8,
                             UInt8(ascii: "b"): 2, UInt8(ascii: "B"): 2][src[i + 1]] {
            let kind = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary"
            i += 2
            let valid: (UInt8) -> Bool = { c in
                switch radix {
                case 16: (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
                case 8: c >= 0x30 && c <= 0x37
                default: c == 0x30 || c == 0x31
                }
            }
            if i < src.count && src[i] == UInt8(ascii: "_") { i += 1 }
            let digitsStart = i
            guard digits(valid), i > digitsStart else { throw error("invalid \(kind) literal") }
            if i < src.count && isDigit(src[i]) { throw error("invalid digit '\(UnicodeScalar(src[i]))' in \(kind) literal") }
            try verifyEndOfNumber(kind)
            let body = String(decoding: src[digitsStart..<i].filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
            let value: Value = Int(body, radix: radix).map(Value.integer) ?? .float(Double(UInt64(body, radix: radix) ?? UInt64.max))
            return PythonToken(kind: .number, start: start, end: i, value: value)
        }
        var isFloat = false
        let leadingZero = src[i] == UInt8(ascii: "0")
        if src[i] != UInt8(ascii: ".") {
            guard digits(isDigit) else { throw error("invalid decimal literal") }
        }
        if i < src.count && src[i] == UInt8(ascii: ".") {
            isFloat = true
            i += 1
            if i < src.count && isDigit(src[i]) {
                guard digits(isDigit) else { throw error("invalid decimal literal") }
            }
        }
        if i < src.count && (src[i] == UInt8(ascii: "e") || src[i] == UInt8(ascii: "E")) {
            var j = i + 1
            if j < src.count && (src[j] == UInt8(ascii: "+") || src[j] == UInt8(ascii: "-")) { j += 1 }
            if j < src.count && isDigit(src[j]) {
                i = j
                isFloat = true
                guard digits(isDigit) else { throw error("invalid decimal literal") }
            }
        }
        if i < src.count && (src[i] == UInt8(ascii: "j") || src[i] == UInt8(ascii: "J")) {
            let body = text()
            i += 1
            try verifyEndOfNumber("imaginary")
            return PythonToken(kind: .number, start: start, end: i, value: .complex(real: 0, imaginary: parseDouble(body)))
        }
        try verifyEndOfNumber("decimal")
        let body = text()
        if isFloat { return PythonToken(kind: .number, start: start, end: i, value: .float(parseDouble(body))) }
        if leadingZero && body.contains(where: { $0 != "0" }) {
            throw error("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", at: start)
        }
        // Python integers are unbounded; beyond 64 bits we keep the nearest double (a known gap).
        let value: Value = Int(body).map(Value.integer) ?? .float(parseDouble(body))
        return PythonToken(kind: .number, start: start, end: i, value: value)
    }

    func parseDouble(_ body: String) -> Double {
        if let d = Double(body) { return d }
        var t = body
        if t.hasPrefix(".") { t = "0" + t }
        if t.hasSuffix(".") { t += "0" }
        t = t.replacingOccurrences(of: ".e", with: ".0e").replacingOccurrences(of: ".E", with: ".0E")
        return Double(t) ?? .infinity
    }

    /// Reads a string literal whose prefix (lowercased) has been read; `start` is the prefix's start.
    mutating func string(prefix: String, start: Int) throws(PythonSyntaxError) -> PythonToken {
        let raw = prefix.contains("r"), isBytes = prefix.contains("b"), formatted = prefix.contains("f")
        let q = src[i]
        let triple = i + 2 < src.count && src[i + 1] == q && src[i + 2] == q
        i += triple ? 3 : 1
        let contentStart = i
        var contentEnd = -1
        while i < src.count {
            let c = src[i]
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c == q {
                if !triple { contentEnd = i; i += 1; break }
                if i + 2 < src.count && src[i + 1] == q && src[i + 2] == q { contentEnd = i; i += 3; break }
            }
            if !triple && (c == 0x0A || c == 0x0D) { throw error("unterminated string literal", at: start) }
            i += 1
        }
        guard contentEnd >= 0 else {
            throw error(triple ? "unterminated triple-quoted string literal" : "unterminated string literal", at: start)
        }
        let content = src[contentStart..<contentEnd]
        let value: Value
        if isBytes {
            if content.contains(where: { $0 >= 0x80 }) { throw error("bytes can only contain ASCII literal characters", at: start) }
            value = .bytes(raw ? Array(content) : try unescapeBytes(content))
        } else if raw || formatted {
            value = .string(normalizeNewlines(String(decoding: content, as: UTF8.self)))
        } else {
            value = .string(try unescape(content))
        }
        return PythonToken(kind: .string, start: start, end: i, value: value, isFormatted: formatted)
    }

    /// CPython reads `\r\n` and `\r` in source as `\n`, also inside string literals.
    func normalizeNewlines(_ s: String) -> String {
        s.utf8.contains(0x0D) ? s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : s
    }
}
