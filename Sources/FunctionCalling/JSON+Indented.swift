extension JSON {
    /// `value` as Python's `json.dumps(value, indent: n, ensure_ascii=False)` writes it (what the
    /// Llama templates' `tojson(indent=4)` gives): one entry per line, `","` between entries,
    /// `": "` after keys, `[]` and `{}` for empty containers, scalars as `serialize` writes them.
    public static func serialize(_ value: Value, indent: Int) -> String {
        var out = ""
        writeIndented(value, indent: indent, level: 0, into: &out)
        return out
    }

    static func writeIndented(_ value: Value, indent: Int, level: Int, into out: inout String) {
        let inner = String(repeating: " ", count: indent * (level + 1))
        let outer = String(repeating: " ", count: indent * level)
        switch value {
        case .list(let l) where !l.isEmpty, .tuple(let l) where !l.isEmpty:
            out += "[\n"
            for (i, v) in l.enumerated() {
                if i > 0 { out += ",\n" }
                out += inner
                writeIndented(v, indent: indent, level: level + 1, into: &out)
            }
            out += "\n" + outer + "]"
        case .dict(let entries) where !entries.isEmpty:
            out += "{\n"
            for (i, e) in entries.enumerated() {
                if i > 0 { out += ",\n" }
                out += inner
                if case .string(let k) = e.key { writeString(k, into: &out) } else { writeString(serialize(e.key), into: &out) }
                out += ": "
                writeIndented(e.value, indent: indent, level: level + 1, into: &out)
            }
            out += "\n" + outer + "}"
        default:
            write(value, into: &out)
        }
    }
}

extension JSON {
    /// `json` (as `serialize` writes it) with every character outside printable ASCII written as a
    /// `\uXXXX` escape (lowercase hex, UTF-16 surrogate pairs beyond the BMP): what Python's
    /// `json.dumps` writes with its default `ensure_ascii=True`. Characters outside ' '...'~' can
    /// only stand inside strings there, and `serialize` has already escaped the ASCII controls.
    public static func asciiEscaped(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { $0.value > 0x7E }) else { return json }
        var out = String.UnicodeScalarView()
        func escape(_ unit: UInt16) {
            let hex = String(unit, radix: 16)
            for s in ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars { out.append(s) }
        }
        for u in json.unicodeScalars {
            if u.value <= 0x7E { out.append(u); continue }
            for unit in String(u).utf16 { escape(unit) }
        }
        return String(out)
    }
}
