/// A parsed Python expression: the node kinds BFCL's decoder distinguishes, with everything else
/// (lambdas, comprehensions, comparisons, boolean operators, conditionals, walrus, await, yield)
/// kept as `.other` with its source text.
indirect enum PythonNode {
    case name(String)
    /// str, bytes, int, float, complex, bool or None.
    case constant(Value)
    case ellipsis
    /// An f-string (a `JoinedStr`), kept as source text.
    case formattedString(String)
    case attribute(PythonNode, String)
    case call(PythonNode, arguments: [PythonNode], keywords: [PythonKeyword])
    case `subscript`(PythonNode, PythonNode)
    case slice(PythonNode?, PythonNode?, PythonNode?)
    case starred(PythonNode)
    /// `-`, `+`, `~` or `not`.
    case unary(String, PythonNode)
    case binary(PythonNode, String, PythonNode)
    case list([PythonNode])
    case tuple([PythonNode])
    case set([PythonNode])
    /// Entries of a dict display; a nil key is a `**mapping` entry.
    case dict([PythonDictItem])
    case other(kind: String, text: String, precedence: Int)
}

/// A keyword argument; a nil name is `**mapping`.
struct PythonKeyword {
    var name: String?
    var value: PythonNode
}

struct PythonDictItem {
    var key: PythonNode?
    var value: PythonNode
}

/// Operator precedence as in CPython's `ast._Precedence`, used to place parentheses when unparsing.
enum PythonPrecedence {
    static let namedExpr = 1, tuple = 2, yield = 3, test = 4, or = 5, and = 6, not = 7, compare = 8
    static let bitOr = 9, bitXor = 10, bitAnd = 11, shift = 12, arith = 13, term = 14, factor = 15
    static let power = 16, await = 17, atom = 18

    static func binary(_ op: String) -> Int {
        switch op {
        case "|": bitOr
        case "^": bitXor
        case "&": bitAnd
        case "<<", ">>": shift
        case "+", "-": arith
        case "**": power
        default: term
        }
    }
}

extension PythonNode {
    /// The text CPython's `ast.unparse` gives for this node (BFCL uses it for nested calls without
    /// keyword arguments and for subscripts). `.other` nodes reproduce their source text.
    func unparse() -> String {
        var out = ""
        write(into: &out, precedence: PythonPrecedence.test)
        return out
    }

    var precedence: Int {
        switch self {
        case .unary(let op, _): op == "not" ? PythonPrecedence.not : PythonPrecedence.factor
        case .binary(_, let op, _): PythonPrecedence.binary(op)
        case .other(_, _, let p): p
        case .tuple: PythonPrecedence.tuple
        default: PythonPrecedence.atom
        }
    }

    func write(into out: inout String, precedence required: Int) {
        let parens = precedence < required
        if parens { out += "(" }
        switch self {
        case .name(let n): out += n
        case .constant(let v):
            if case .float(let d) = v, d.isInfinite { out += d < 0 ? "-1e309" : "1e309" }
            else { out += PythonRenderer.literal(v) }
        case .ellipsis: out += "..."
        case .formattedString(let s): out += s
        case .attribute(let base, let attr):
            base.write(into: &out, precedence: PythonPrecedence.atom)
            if case .constant(.integer) = base { out += " " }
            out += "." + attr
        case .call(let f, let args, let keywords):
            f.write(into: &out, precedence: PythonPrecedence.atom)
            out += "("
            var first = true
            for a in args {
                if !first { out += ", " }
                first = false
                a.write(into: &out, precedence: PythonPrecedence.test)
            }
            for k in keywords {
                if !first { out += ", " }
                first = false
                if let n = k.name { out += n + "=" } else { out += "**" }
                k.value.write(into: &out, precedence: PythonPrecedence.test)
            }
            out += ")"
        case .subscript(let base, let index):
            base.write(into: &out, precedence: PythonPrecedence.atom)
            out += "["
            if case .tuple(let items) = index, !items.isEmpty {
                writeItems(items, into: &out)
                if items.count == 1 { out += "," }
            } else {
                index.write(into: &out, precedence: PythonPrecedence.tuple)
            }
            out += "]"
        case .slice(let lower, let upper, let step):
            lower?.write(into: &out, precedence: PythonPrecedence.test)
            out += ":"
            upper?.write(into: &out, precedence: PythonPrecedence.test)
            if let step {
                out += ":"
                step.write(into: &out, precedence: PythonPrecedence.test)
            }
        case .starred(let v):
            out += "*"
            v.write(into: &out, precedence: PythonPrecedence.bitOr)
        case .unary(let op, let v):
            out += op
            if op == "not" { out += " " }
            v.write(into: &out, precedence: op == "not" ? PythonPrecedence.not : PythonPrecedence.factor)
        case .binary(let l, let op, let r):
            let p = PythonPrecedence.binary(op)
            let (lp, rp) = op == "**" ? (p + 1, p) : (p, p + 1)
            l.write(into: &out, precedence: lp)
            out += " \(op) "
            r.write(into: &out, precedence: rp)
        case .list(let items):
            out += "["
            writeItems(items, into: &out)
            out += "]"
        case .tuple(let items):
            // Parenthesised above unless a tuple is allowed bare here; `()` always needs them.
            if !parens && items.isEmpty { out += "()" }
            writeItems(items, into: &out)
            if items.count == 1 { out += "," }
        case .set(let items):
            if items.isEmpty { out += "{*()}" } else {
                out += "{"
                writeItems(items, into: &out)
                out += "}"
            }
        case .dict(let entries):
            out += "{"
            for (i, e) in entries.enumerated() {
                if i > 0 { out += ", " }
                if let k = e.key {
                    k.write(into: &out, precedence: PythonPrecedence.test)
                    out += ": "
                    e.value.write(into: &out, precedence: PythonPrecedence.test)
                } else {
                    out += "**"
                    e.value.write(into: &out, precedence: PythonPrecedence.bitOr)
                }
            }
            out += "}"
        case .other(_, let text, _): out += text
        }
        if parens { out += ")" }
    }

    private func writeItems(_ items: [PythonNode], into out: inout String) {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            item.write(into: &out, precedence: PythonPrecedence.test)
        }
    }
}
