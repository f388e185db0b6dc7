/// The byte-level JSON reader behind `JSON.parse`.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    /// Open arrays and objects; bounded like Python's recursion limit so that a model's
    /// `[[[[…` cannot exhaust the stack.
    var depth = 0
    static let maxDepth = 1000

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() throws(JSON.ParseError) -> Value {
        skipSpace()
        let v = try value()
        skipSpace()
        if i < bytes.count { throw fail("extra data after the value") }
        return v
    }

    func fail(_ problem: String) -> JSON.ParseError {
        JSON.ParseError(offset: i, problem: problem)
    }

    mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
        }
    }

    mutating func expectLiteral(_ word: StaticString, _ v: Value) throws(JSON.ParseError) -> Value {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("truncated literal") }
        let p = word.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { throw fail("unexpected character") }
        i += n
        return v
    }

    mutating func value() throws(JSON.ParseError) -> Value {
        guard i < bytes.count else { throw fail("unexpected end of input") }
        let c = bytes[i]
        if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
            depth += 1
            if depth > Self.maxDepth { throw fail("nested deeper than \(Self.maxDepth) levels") }
        }
        defer { if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth -= 1 } }
        switch c {
        case UInt8(ascii: "{"):
            i += 1
            var entries: [Value.Entry] = []
            var index: [String: Int] = [:]
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(entries) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                let v = try value()
                if let at = index[key] {
                    entries[at].value = v
                } else {
                    index[key] = entries.count
                    entries.append(Value.Entry(.string(key), v))
                }
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(entries) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            skipSpace()
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
            while true {
                skipSpace()
                items.append(try value())
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try expectLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try expectLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try expectLiteral("null", .null)
        case UInt8(ascii: "N"): return try expectLiteral("NaN", .float(.nan))
        case UInt8(ascii: "I"): return try expectLiteral("Infinity", .float(.infinity))
        default:
            return try number()
        }
    }

    mutating func number() throws(JSON.ParseError) -> Value {
        let start = i
        if bytes[i] == UInt8(ascii: "-") {
            i += 1
            if i < bytes.count && bytes[i] == UInt8(ascii: "I") {
                _ = try expectLiteral("Infinity", .null)
                return .float(-.infinity)
            }
        }
        let digitsStart = i
        while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
        guard i > digitsStart else { throw fail("unexpected character") }
        if bytes[digitsStart] == 0x30 && i - digitsStart > 1 { throw fail("leading zero in a number") }
        var isFloat = false
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            isFloat = true
            i += 1
            let f = i
            while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
            guard i > f else { throw fail("expected digits after '.'") }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            isFloat = true
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            let e = i
            while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
            guard i > e else { throw fail("expected digits in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if !isFloat, let n = Int(text) { return .integer(n) }
        guard let d = Double(text) else { throw fail("number out of range: \(text)") }
        return .float(d)
    }

    /// Throws at the first byte of `raw` (a string's bytes, starting at offset `start`) that is
    /// not UTF-8: JSON text is UTF-8 (RFC 8259), and Python's json.loads refuses other bytes too.
    func requireUTF8(_ raw: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSON.ParseError) {
        guard let bad = UTF8Validation.firstInvalidByte(in: raw) else { return }
        throw JSON.ParseError(offset: start + bad, problem: "invalid UTF-8 (byte 0x\(String(raw[bad], radix: 16, uppercase: true))) in a string; expected UTF-8 text")
    }

    mutating func string() throws(JSON.ParseError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes, one decode of the whole run.
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
                try requireUTF8(raw, at: start)
                i += 1
                return String(decoding: raw, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in a string") }
            i += 1
        }
        var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<i]))
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                // Escapes decode to valid UTF-8; the raw bytes between them are checked here.
                try requireUTF8(UnsafeBufferPointer(rebasing: bytes[start..<i]), at: start)
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw fail("control character in a string") }
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if code >= 0xD800 && code < 0xDC00, i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if low >= 0xDC00 && low < 0xE000 {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                    }
                }
                // A lone surrogate cannot live in a Swift string; Python keeps it, we substitute.
                out.append(contentsOf: Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8))
            default:
                i -= 1
                throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws(JSON.ParseError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }
}
