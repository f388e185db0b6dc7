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
