import Foundation

/// Evaluates the binary operations BFCL's decoder hands to Python's `eval` (`2+3` → 5,
/// `10**2` → 100, `'a'*3` → `'aaa'`), with Python's semantics for the literal operands a model
/// writes: int/float/bool arithmetic, true and floor division, modulo with the divisor's sign,
/// powers, shifts and bit operations, and str/bytes/list/tuple concatenation and repetition.
/// Names, calls and the rest raise, as `eval` would for anything not defined (the decoder's
/// module globals are not modelled).
enum PythonEvaluator {
    struct EvaluationError: Error {
        var message: String
    }

    /// The largest sequence a repetition may build (a known divergence: Python has no such cap).
    static let maxRepetition = 10_000_000

    static func evaluate(_ node: PythonNode) throws(EvaluationError) -> Value {
        switch node {
        case .constant(let v): return v
        case .list(let items): return .list(try items.map { (n) throws(EvaluationError) in try evaluate(n) })
        case .tuple(let items): return .tuple(try items.map { (n) throws(EvaluationError) in try evaluate(n) })
        case .dict(let entries):
            var out: [Value.Entry] = []
            for e in entries {
                guard let k = e.key else { throw EvaluationError(message: "dict unpacking") }
                insert(Value.Entry(try evaluate(k), try evaluate(e.value)), into: &out)
            }
            return .dict(out)
        case .unary(let op, let operand):
            return try unary(op, try evaluate(operand))
        case .binary(let l, let op, let r):
            return try binary(try evaluate(l), op, try evaluate(r))
        case .name(let n): throw EvaluationError(message: "name '\(n)' is not defined")
        default: throw EvaluationError(message: "cannot evaluate \(node.unparse())")
        }
    }

    /// Python dict insertion: an equal key keeps its first position and takes the new value.
    static func insert(_ entry: Value.Entry, into entries: inout [Value.Entry]) {
        if let i = entries.firstIndex(where: { $0.key.pythonEquals(entry.key) }) {
            entries[i].value = entry.value
        } else {
            entries.append(entry)
        }
    }

    static func unary(_ op: String, _ v: Value) throws(EvaluationError) -> Value {
        if op == "not" { return .bool(!truthy(v)) }
        switch (op, v) {
        case ("-", .integer(let i)): return i == .min ? .float(-Double(i)) : .integer(-i)
        case ("-", .bool(let b)): return .integer(b ? -1 : 0)
        case ("-", .float(let d)): return .float(-d)
        case ("-", .complex(let r, let i)): return .complex(real: -r, imaginary: -i)
        case ("+", .integer), ("+", .float), ("+", .complex): return v
        case ("+", .bool(let b)): return .integer(b ? 1 : 0)
        case ("~", .integer(let i)): return .integer(~i)
        case ("~", .bool(let b)): return .integer(b ? -2 : -1)
        default: throw EvaluationError(message: "bad operand type for unary \(op): '\(v.pythonType)'")
        }
    }

    static func truthy(_ v: Value) -> Bool {
        switch v {
        case .string(let s): !s.isEmpty
        case .integer(let i): i != 0
        case .float(let d): d != 0
        case .bool(let b): b
        case .null: false
        case .list(let l), .tuple(let l): !l.isEmpty
        case .dict(let d): !d.isEmpty
        case .bytes(let b): !b.isEmpty
        case .complex(let r, let i): r != 0 || i != 0
        }
    }

    static func asInt(_ v: Value) -> Int? {
        switch v {
        case .integer(let i): i
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    static func asDouble(_ v: Value) -> Double? {
        switch v {
        case .integer(let i): Double(i)
        case .bool(let b): b ? 1 : 0
        case .float(let d): d
        default: nil
        }
    }

    static func binary(_ a: Value, _ op: String, _ b: Value) throws(EvaluationError) -> Value {
        let unsupported = EvaluationError(message: "unsupported operand type(s) for \(op): '\(a.pythonType)' and '\(b.pythonType)'")
        if let x = asInt(a), let y = asInt(b) {
            if case .bool(let p) = a, case .bool(let q) = b {
                switch op {
                case "&": return .bool(p && q)
                case "|": return .bool(p || q)
                case "^": return .bool(p != q)
                default: break
                }
            }
            return try integerOp(x, op, y)
        }
        if let x = asDouble(a), let y = asDouble(b) {
            // A negative base to a fractional power is complex in Python 3.
            if op == "**" && x < 0 && y != y.rounded() && y.isFinite {
                return try complexOp((x, 0), op, (y, 0))
            }
            return try floatOp(x, op, y)
        }
        if case .complex = a, let x = asComplex(a), let y = asComplex(b) { return try complexOp(x, op, y) }
        if case .complex = b, let x = asComplex(a), let y = asComplex(b) { return try complexOp(x, op, y) }
        if case .string(let template) = a, op == "%" { return try format(template, b) }
        switch (a, op, b) {
        case (.string(let x), "+", .string(let y)): return .string(x + y)
        case (.bytes(let x), "+", .bytes(let y)): return .bytes(x + y)
        case (.list(let x), "+", .list(let y)): return .list(x + y)
        case (.tuple(let x), "+", .tuple(let y)): return .tuple(x + y)
        case (_, "*", _):
            guard let n = asInt(b) ?? asInt(a) else { throw unsupported }
            let seq = asInt(b) != nil ? a : b
            let count = max(0, n)
            // Python would build it; a trainer scoring a model's `'a'*10**12` must not.
            let size: Int
            switch seq {
            case .string(let s): size = s.utf8.count
            case .bytes(let s): size = s.count
            case .list(let l), .tuple(let l): size = l.count
            default: size = 0
            }
            if size > 0 && count > Self.maxRepetition / size {
                throw EvaluationError(message: "repetition beyond \(Self.maxRepetition) elements")
            }
            switch seq {
            case .string(let s): return .string(String(repeating: s, count: count))
            case .bytes(let s): return .bytes(Array([[UInt8]](repeating: s, count: count).joined()))
            case .list(let l): return .list(Array([[Value]](repeating: l, count: count).joined()))
            case .tuple(let l): return .tuple(Array([[Value]](repeating: l, count: count).joined()))
            default: throw unsupported
            }
        default: throw unsupported
        }
    }

    static func integerOp(_ x: Int, _ op: String, _ y: Int) throws(EvaluationError) -> Value {
        let overflow = EvaluationError(message: "integer result beyond 64 bits")
        let zero = EvaluationError(message: "division by zero")
        switch op {
        case "+": let r = x.addingReportingOverflow(y); if r.overflow { throw overflow }; return .integer(r.partialValue)
        case "-": let r = x.subtractingReportingOverflow(y); if r.overflow { throw overflow }; return .integer(r.partialValue)
        case "*": let r = x.multipliedReportingOverflow(by: y); if r.overflow { throw overflow }; return .integer(r.partialValue)
        case "/": if y == 0 { throw zero }; return .float(Double(x) / Double(y))
        case "//":
            if y == 0 { throw zero }
            var q = x / y
            if (x % y != 0) && ((x < 0) != (y < 0)) { q -= 1 }
            return .integer(q)
        case "%":
            if y == 0 { throw zero }
            var r = x % y
            if r != 0 && ((r < 0) != (y < 0)) { r += y }
            return .integer(r)
        case "**":
            if y < 0 {
                if x == 0 { throw zero }
                return .float(pow(Double(x), Double(y)))
            }
            var result = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 {
                    let r = result.multipliedReportingOverflow(by: base)
                    if r.overflow { throw overflow }
                    result = r.partialValue
                }
                e >>= 1
                if e > 0 {
                    let r = base.multipliedReportingOverflow(by: base)
                    if r.overflow { throw overflow }
                    base = r.partialValue
                }
            }
            return .integer(result)
        case "<<":
            if y < 0 { throw EvaluationError(message: "negative shift count") }
            if y >= 63 || (x != 0 && x.leadingZeroBitCount <= y + 1) {
                if x == 0 { return .integer(0) }
                throw overflow
            }
            return .integer(x << y)
        case ">>":
            if y < 0 { throw EvaluationError(message: "negative shift count") }
            return .integer(y >= 64 ? (x < 0 ? -1 : 0) : x >> y)
        case "&": return .integer(x & y)
        case "|": return .integer(x | y)
        case "^": return .integer(x ^ y)
        default: throw EvaluationError(message: "unsupported operand type(s) for \(op): 'int' and 'int'")
        }
    }

    static func floatOp(_ x: Double, _ op: String, _ y: Double) throws(EvaluationError) -> Value {
        let zero = EvaluationError(message: "float division by zero")
        switch op {
        case "+": return .float(x + y)
        case "-": return .float(x - y)
        case "*": return .float(x * y)
        case "/": if y == 0 { throw zero }; return .float(x / y)
        case "//": if y == 0 { throw zero }; return .float(((x - pythonMod(x, y)) / y).rounded())
        case "%": if y == 0 { throw zero }; return .float(pythonMod(x, y))
        case "**":
            if x == 0 && y < 0 { throw EvaluationError(message: "0.0 cannot be raised to a negative power") }
            let r = pow(x, y)
            if r.isInfinite && x.isFinite && y.isFinite { throw EvaluationError(message: "Numerical result out of range") }
            return .float(r)
        default: throw EvaluationError(message: "unsupported operand type(s) for \(op): 'float'")
        }
    }

    /// Python's float `%`: the result has the divisor's sign.
    static func pythonMod(_ x: Double, _ y: Double) -> Double {
        var r = fmod(x, y)
        if r != 0 && ((r < 0) != (y < 0)) { r += y }
        else if r == 0 { r = copysign(0, y) }
        return r
    }
}
