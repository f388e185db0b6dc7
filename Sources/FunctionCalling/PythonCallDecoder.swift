/// Why a model output could not be decoded into calls (BFCL: `ast_decoder:decoder_failed`).
public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not a Python expression.
    case syntax(PythonSyntaxError)
    /// The Java or JavaScript text does not parse (where tree-sitter would give an `ERROR` node).
    case languageSyntax(String)
    /// The expression is not one call or a list/tuple/set display of calls.
    case notACallList(String)
    /// An argument value BFCL's decoder cannot turn into a value (a set, an f-string, a lambda, `-x`, ...).
    case unsupportedValue(String)
    /// A binary operation that Python's `eval` would reject (`x + 1`, `1/0`).
    case evaluation(String)
    /// The JSON tool-call form is malformed.
    case toolCall(String)
    /// Decoded, but not in call shape (BFCL: `ast_decoder:decoder_wrong_output_format`, §2.5).
    case wrongOutputFormat(String)

    public var description: String {
        switch self {
        case .syntax(let e): "\(e)"
        case .languageSyntax(let s): s
        case .notACallList(let s): "not a list of calls: \(s)"
        case .unsupportedValue(let s): "unsupported argument value: \(s)"
        case .evaluation(let s): "cannot evaluate: \(s)"
        case .toolCall(let s): "malformed tool call: \(s)"
        case .wrongOutputFormat(let s): "not in call shape: \(s)"
        }
    }
}

/// BFCL's decoder for prompting models' Python-call output (BFCL_CHECKER.md §2.1–2.2):
/// `[f(a=1), g.h(b='x')]` → calls, with all of its quirks (keyword arguments only, the unary
/// operator that always negates, evaluated binary operations, bare names as strings, nested calls,
/// subscripts as source text).
public enum PythonCallDecoder {
    /// The full prompting pipeline (§2.1 then §2.2): strip backticks, newlines and spaces from both
    /// ends, add the missing `[` / `]`, then decode.
    public static func decodeBFCLOutput(_ raw: String) throws(DecodeError) -> [FunctionCall] {
        try decode(bfclWrap(raw))
    }

    /// §2.1 without the tag: the text BFCL hands to its Python decoder.
    public static func bfclWrap(_ raw: String) -> String {
        // The stripped characters are ASCII, so working on UTF-8 bytes is exact and fast.
        let utf8 = raw.utf8
        let strip: (UInt8) -> Bool = { $0 == UInt8(ascii: "`") || $0 == 0x0A || $0 == 0x20 }
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end && strip(utf8[start]) { start = utf8.index(after: start) }
        while end > start && strip(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        var text = String(raw[start..<end])
        if text.utf8.first != UInt8(ascii: "[") { text = "[" + text }
        if text.utf8.last != UInt8(ascii: "]") { text += "]" }
        return text
    }

    /// §2.2: strip whitespace and `'` from both ends, parse one expression, and read it as one call
    /// or a list/tuple/set display of calls.
    public static func decode(_ text: String) throws(DecodeError) -> [FunctionCall] {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end && isPythonSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start && isPythonSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        while start < end && scalars[start] == "'" { start = scalars.index(after: start) }
        while end > start && scalars[scalars.index(before: end)] == "'" { end = scalars.index(before: end) }
        let node: PythonNode
        do {
            node = try PythonParser.parse(String(text[start..<end]))
        } catch {
            throw .syntax(error)
        }
        switch node {
        case .call: return [try resolveCall(node)]
        case .list(let items), .tuple(let items), .set(let items):
            var calls: [FunctionCall] = []
            calls.reserveCapacity(items.count)
            for item in items {
                guard case .call = item else { throw .notACallList(item.unparse()) }
                calls.append(try resolveCall(item))
            }
            return calls
        default:
            throw .notACallList(node.unparse())
        }
    }

    /// Python's `str.isspace()` characters, which `str.strip()` removes.
    static func isPythonSpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// BFCL's `resolve_ast_call`: the dotted callee name and the keyword arguments (positional
    /// ones dropped; a repeated keyword keeps its first position and last value; `**m` is kept
    /// under the name `**`, which no schema property has, as BFCL keeps it under `None`).
    static func resolveCall(_ node: PythonNode) throws(DecodeError) -> FunctionCall {
        guard case .call(let callee, _, let keywords) = node else { throw .notACallList(node.unparse()) }
        var parts: [String] = []
        var f = callee
        while case .attribute(let base, let attr) = f {
            parts.append(attr)
            f = base
        }
        if case .name(let n) = f { parts.append(n) }
        let name = parts.reversed().joined(separator: ".")
        var arguments: [FunctionCall.Argument] = []
        for k in keywords {
            let key = k.name ?? "**"
            let value = try resolveValue(k.value)
            if let i = arguments.firstIndex(where: { $0.name == key }) {
                arguments[i].value = value
            } else {
                arguments.append(FunctionCall.Argument(name: key, value: value))
            }
        }
        return FunctionCall(name: name, arguments: arguments)
    }

    /// BFCL's `resolve_ast_by_type`.
    static func resolveValue(_ node: PythonNode) throws(DecodeError) -> Value {
        switch node {
        case .constant(let v): return v
        case .ellipsis: return .string("...")
        case .unary(_, let operand):
            // BFCL computes `-operand.value` whatever the operator: only constants have a value.
            guard case .constant(let c) = operand else { throw .unsupportedValue(node.unparse()) }
            switch c {
            case .integer(let i): return i == .min ? .float(-Double(i)) : .integer(-i)
            case .float(let d): return .float(-d)
            case .bool(let b): return .integer(b ? -1 : 0)
            case .complex(let r, let i): return .complex(real: -r, imaginary: -i)
            default: throw .unsupportedValue(node.unparse())
            }
        case .list(let items):
            return .list(try items.map { (n) throws(DecodeError) in try resolveValue(n) })
        case .tuple(let items):
            return .tuple(try items.map { (n) throws(DecodeError) in try resolveValue(n) })
        case .dict(let entries):
            var out: [Value.Entry] = []
            for e in entries {
                guard let keyNode = e.key else { throw .unsupportedValue(node.unparse()) }
                let key = try resolveValue(keyNode)
                guard isHashable(key) else { throw .unsupportedValue("unhashable dict key \(keyNode.unparse())") }
                PythonEvaluator.insert(Value.Entry(key, try resolveValue(e.value)), into: &out)
            }
            return .dict(out)
        case .binary:
            do {
                return try PythonEvaluator.evaluate(node)
            } catch {
                throw .evaluation("\(node.unparse()): \(error.message)")
            }
        case .name(let n): return .string(n)
        case .call(_, _, let keywords):
            if keywords.isEmpty { return .string(node.unparse()) }
            let call = try resolveCall(node)
            return .dict([Value.Entry(.string(call.name), .dict(call.arguments.map {
                Value.Entry($0.name == "**" ? .null : .string($0.name), $0.value)
            }))])
        case .subscript(let base, let index):
            return .string(base.unparse() + "[" + index.unparse() + "]")
        default:
            throw .unsupportedValue(node.unparse())
        }
    }

    static func isHashable(_ v: Value) -> Bool {
        switch v {
        case .list, .dict: false
        case .tuple(let items): items.allSatisfy(isHashable)
        default: true
        }
    }
}
