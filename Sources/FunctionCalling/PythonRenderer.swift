/// Writes calls and values in the two output forms the policy may use: BFCL's Python-call syntax
/// (`[f(a=1, b='x')]`) and the JSON tool-call form (`<tool_call>{"name": ..., "arguments": {...}}</tool_call>`).
/// Both decode back to the same calls (see `PythonCallDecoder` and `ToolCallDecoder`).
public enum PythonRenderer {
    /// A list of calls in Python syntax: `[f(a=1), g(b='x')]`; `[]` for no calls.
    public static func python(_ calls: [FunctionCall]) -> String {
        "[" + calls.map(python).joined(separator: ", ") + "]"
    }

    /// One call in Python syntax: `f(a=1, b='x')`.
    public static func python(_ call: FunctionCall) -> String {
        call.name + "(" + call.arguments.map { "\($0.name)=\(literal($0.value))" }.joined(separator: ", ") + ")"
    }

    /// The calls in the JSON tool-call form, one `<tool_call>…</tool_call>` per call, separated by
    /// newlines; the empty string for no calls.
    public static func toolCalls(_ calls: [FunctionCall]) -> String {
        calls.map(toolCall).joined(separator: "\n")
    }

    /// One call as `<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>`.
    public static func toolCall(_ call: FunctionCall) -> String {
        let json = Value.object([("name", .string(call.name)),
                                 ("arguments", .object(call.arguments.map { ($0.name, $0.value) }))])
        return "<tool_call>" + JSON.serialize(json) + "</tool_call>"
    }

    /// A value as Python source that evaluates (and BFCL decodes) to the same value:
    /// `'text'`, `1`, `1.0`, `True`, `None`, `[1, 2]`, `(1,)`, `{'k': 1}`.
    public static func literal(_ value: Value) -> String {
        var out = ""
        writeLiteral(value, into: &out)
        return out
    }

    static func writeLiteral(_ value: Value, into out: inout String) {
        switch value {
        case .string(let s): out += pythonStringRepr(s)
        case .integer(let i): out += String(i)
        case .float(let d):
            // `inf`/`nan` are not literals; `1e999` overflows to inf when Python parses it.
            if d.isInfinite { out += d < 0 ? "-1e999" : "1e999" } else { out += pythonFloatRepr(d) }
        case .bool(let b): out += b ? "True" : "False"
        case .null: out += "None"
        case .list(let l):
            out += "["
            for (i, v) in l.enumerated() {
                if i > 0 { out += ", " }
                writeLiteral(v, into: &out)
            }
            out += "]"
        case .tuple(let l):
            out += "("
            for (i, v) in l.enumerated() {
                if i > 0 { out += ", " }
                writeLiteral(v, into: &out)
            }
            out += l.count == 1 ? ",)" : ")"
        case .dict(let entries):
            out += "{"
            for (i, e) in entries.enumerated() {
                if i > 0 { out += ", " }
                writeLiteral(e.key, into: &out)
                out += ": "
                writeLiteral(e.value, into: &out)
            }
            out += "}"
        case .bytes(let b):
            out += "b'"
            for c in b {
                switch c {
                case UInt8(ascii: "'"): out += "\\'"
                case UInt8(ascii: "\\"): out += "\\\\"
                case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(c))
                default: out += "\\x" + hex2(UInt32(c))
                }
            }
            out += "'"
        case .complex(let r, let i):
            let imag = pythonFloatRepr(i).replacingSuffix(".0")
            if r == 0 && r.sign == .plus { out += imag + "j" } else {
                out += "(" + pythonFloatRepr(r).replacingSuffix(".0") + (i < 0 || (i == 0 && i.sign == .minus) ? "" : "+") + imag + "j)"
            }
        }
    }

    /// Python's `repr` of a str: single quotes unless the text has `'` and no `"`.
    public static func pythonStringRepr(_ s: String) -> String {
        let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        var out = String(quote)
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(u) == quote { out += "\\" + String(quote) }
                else if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) { out += "\\x" + hex2(u.value) }
                else { out.unicodeScalars.append(u) }
            }
        }
        out.append(quote)
        return out
    }

    static func hex2(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return h.count < 2 ? "0" + h : h
    }
}

extension String {
    /// The string without `suffix` at its end (used for `1.0j` → `1j`).
    func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
