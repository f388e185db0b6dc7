import Foundation

extension PythonLexer {
    /// Decodes the escapes of a non-raw str literal's body, as CPython's `unicode_escape` does:
    /// simple escapes, octal, `\x`, `\u`, `\U`, `\N{NAME}`, backslash-newline; an unknown escape
    /// keeps its backslash.
    func unescape(_ body: ArraySlice<UInt8>) throws(PythonSyntaxError) -> String {
        guard body.contains(UInt8(ascii: "\\")) || body.contains(0x0D) else {
            return String(decoding: body, as: UTF8.self)
        }
        var out = String.UnicodeScalarView()
        let text = Array(String(decoding: body, as: UTF8.self).unicodeScalars)
        var k = 0
        func hex(_ count: Int) throws(PythonSyntaxError) -> UInt32 {
            guard k + count <= text.count else { throw error("truncated escape") }
            var v: UInt32 = 0
            for _ in 0..<count {
                guard let d = hexDigit(text[k]) else {
                    throw error("truncated escape")
                }
                v = v * 16 + d
                k += 1
            }
            return v
        }
        while k < text.count {
            let c = text[k]
            if c == "\r" {
                out.append("\n")
                k += (k + 1 < text.count && text[k + 1] == "\n") ? 2 : 1
                continue
            }
            guard c == "\\", k + 1 < text.count else { out.append(c); k += 1; continue }
            let e = text[k + 1]
            k += 2
            switch e {
            case "\n": break
            case "\r": if k < text.count && text[k] == "\n" { k += 1 }
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                var v = e.value - 0x30
                var n = 1
                while n < 3, k < text.count, text[k].value >= 0x30, text[k].value <= 0x37 {
                    v = v * 8 + text[k].value - 0x30
                    k += 1
                    n += 1
                }
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            case "x": out.append(Unicode.Scalar(try hex(2)) ?? "\u{FFFD}")
            case "u": out.append(Unicode.Scalar(try hex(4)) ?? "\u{FFFD}")
            case "U":
                let v = try hex(8)
                guard v <= 0x10FFFF else { throw error("illegal Unicode character") }
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            case "N":
                guard k < text.count, text[k] == "{", let close = text[k...].firstIndex(of: "}") else {
                    throw error("malformed \\N character escape")
                }
                let name = String(String.UnicodeScalarView(text[(k + 1)..<close]))
                guard let scalar = UnicodeNames.scalar(named: name) else { throw error("unknown Unicode character name") }
                out.append(scalar)
                k = close + 1
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return String(out)
    }

    /// Decodes the escapes of a non-raw bytes literal (no `\u`, `\U`, `\N`: those stay as text).
    func unescapeBytes(_ body: ArraySlice<UInt8>) throws(PythonSyntaxError) -> [UInt8] {
        var out: [UInt8] = []
        let b = Array(body)
        var k = 0
        while k < b.count {
            let c = b[k]
            if c == 0x0D {
                out.append(0x0A)
                k += (k + 1 < b.count && b[k + 1] == 0x0A) ? 2 : 1
                continue
            }
            guard c == UInt8(ascii: "\\"), k + 1 < b.count else { out.append(c); k += 1; continue }
            let e = b[k + 1]
            k += 2
            switch e {
            case 0x0A: break
            case 0x0D: if k < b.count && b[k] == 0x0A { k += 1 }
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
            case UInt8(ascii: "a"): out.append(7)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "v"): out.append(11)
            case 0x30...0x37:
                var v = UInt32(e - 0x30)
                var n = 1
                while n < 3, k < b.count, b[k] >= 0x30, b[k] <= 0x37 { v = v * 8 + UInt32(b[k] - 0x30); k += 1; n += 1 }
                out.append(UInt8(truncatingIfNeeded: v))
            case UInt8(ascii: "x"):
                guard k + 2 <= b.count, let h = hexDigit(Unicode.Scalar(b[k])), let l = hexDigit(Unicode.Scalar(b[k + 1])) else {
                    throw error("invalid \\x escape")
                }
                out.append(UInt8(h * 16 + l))
                k += 2
            default:
                out.append(UInt8(ascii: "\\"))
                out.append(e)
            }
        }
        return out
    }

    func hexDigit(_ s: Unicode.Scalar) -> UInt32? {
        switch s.value {
        case 0x30...0x39: s.value - 0x30
        case 0x61...0x66: s.value - 0x61 + 10
        case 0x41...0x46: s.value - 0x41 + 10
        default: nil
        }
    }
}

/// Reverse lookup of Unicode character names for `\N{...}`, built on first use (rare in outputs).
enum UnicodeNames {
    static let table: [String: Unicode.Scalar] = {
        var t: [String: Unicode.Scalar] = [:]
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            if let n = s.properties.name { t[n] = s }
            if let a = s.properties.nameAlias { t[a] = s }
        }
        return t
    }()

    static func scalar(named name: String) -> Unicode.Scalar? {
        table[name.uppercased()]
    }
}
