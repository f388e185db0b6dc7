/// A small JSON reader and writer over `Value` that keeps integers and floats apart, as Python's
/// `json` module does (`1` is an int, `1.0` and `1e3` are floats): Foundation's
/// JSONSerialization loses that distinction, and BFCL's type check depends on it.
public enum JSON {
    /// Why a text is not JSON, with the byte offset where reading stopped.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var problem: String
        public var description: String { "invalid JSON at byte \(offset): \(problem)" }
    }

    /// Parses one JSON document (whitespace around it allowed). Objects become `.dict` values with
    /// string keys in document order; a repeated key keeps its first position and last value, like
    /// Python's `json.loads`. `NaN`, `Infinity` and `-Infinity` are accepted, as Python does.
    public static func parse(_ text: String) throws(ParseError) -> Value {
        var utf8 = Array(text.utf8)
        return try utf8.withUnsafeMutableBufferPointer { buffer throws(ParseError) in
            var reader = JSONReader(bytes: UnsafeBufferPointer(buffer))
            return try reader.document()
        }
    }

    /// Parses JSON from raw UTF-8 bytes.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Value {
        var reader = JSONReader(bytes: bytes)
        return try reader.document()
    }

    /// Writes a value as compact JSON in Python's `json.dumps` spelling (`", "` and `": "`
    /// separators, floats always with a fraction or exponent, non-ASCII kept as is).
    /// Tuples are written as arrays; non-string dict keys are written as their JSON text in a string.
    public static func serialize(_ value: Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    static func write(_ value: Value, into out: inout String) {
        switch value {
        case .string(let s): writeString(s, into: &out)
        case .integer(let i): out += String(i)
        case .float(let d): out += pythonFloatRepr(d, json: true)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .list(let l), .tuple(let l):
            out += "["
            for (i, v) in l.enumerated() {
                if i > 0 { out += ", " }
                write(v, into: &out)
            }
            out += "]"
        case .dict(let entries):
            out += "{"
            for (i, e) in entries.enumerated() {
                if i > 0 { out += ", " }
                if case .string(let k) = e.key { writeString(k, into: &out) } else { writeString(serialize(e.key), into: &out) }
                out += ": "
                write(e.value, into: &out)
            }
            out += "}"
        case .bytes(let b): writeString(String(decoding: b, as: UTF8.self), into: &out)
        case .complex(let r, let i): writeString(PythonRenderer.literal(.complex(real: r, imaginary: i)), into: &out)
        }
    }

    /// `s` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func quoted(_ s: String) -> String {
        var out = ""
        writeString(s, into: &out)
        return out
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

/// Python's `repr` of a float (shortest round-trip digits, `1.0`, `1e+16`, `inf`, `nan`);
/// with `json`, the spellings `Infinity`/`NaN` that Python's json module writes.
func pythonFloatRepr(_ d: Double, json: Bool = false) -> String {
    if d.isNaN { return json ? "NaN" : "nan" }
    if d.isInfinite { return d < 0 ? (json ? "-Infinity" : "-inf") : (json ? "Infinity" : "inf") }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    return String(pythonFloat: d)
}

private extension String {
    /// Python-style float text built from the shortest round-trip digits of `d`.
    init(pythonFloat d: Double) {
        let m = Swift.abs(d)
        var digits = Array("\(m)".filter { $0 != "." })
        // Recover digits and decimal exponent from Swift's description, which may use either form.
        let desc = "\(m)"
        var exponent: Int
        if let e = desc.firstIndex(of: "e") {
            let mantissa = desc[..<e]
            exponent = Int(desc[desc.index(after: e)...])!
            let intPart = mantissa.split(separator: ".", omittingEmptySubsequences: false)[0]
            exponent += intPart.count - 1
            digits = Array(mantissa.filter { $0 != "." })
        } else {
            let parts = desc.split(separator: ".", omittingEmptySubsequences: false)
            exponent = parts[0] == "0" ? -1 : parts[0].count - 1
            if parts[0] == "0" {
                let frac = parts.count > 1 ? Array(parts[1]) : []
                let lead = frac.prefix { $0 == "0" }.count
                exponent = -(lead + 1)
                digits = Array(frac.dropFirst(lead))
            }
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        while digits.count > 1 && digits.first == "0" { digits.removeFirst() }
        let sign = d < 0 ? "-" : ""
        if exponent >= 16 || exponent < -4 {
            let mant = digits.count > 1 ? "\(digits[0]).\(String(digits[1...]))" : String(digits[0])
            let expSign = exponent < 0 ? "-" : "+"
            let e = Swift.abs(exponent)
            self = "\(sign)\(mant)e\(expSign)\(e < 10 ? "0" : "")\(e)"
        } else if exponent >= 0 {
            let intDigits = digits.count > exponent + 1 ? String(digits[0...exponent]) : String(digits) + String(repeating: "0", count: exponent + 1 - digits.count)
            let frac = digits.count > exponent + 1 ? String(digits[(exponent + 1)...]) : "0"
            self = "\(sign)\(intDigits).\(frac)"
        } else {
            self = "\(sign)0.\(String(repeating: "0", count: -exponent - 1))\(String(digits))"
        }
    }
}
