import Foundation

/// Complex arithmetic and `%` string formatting for `PythonEvaluator`, following CPython's
/// `complexobject.c` (`_Py_c_quot`, `_Py_c_pow`, `c_powi`) so that results match bit for bit.
extension PythonEvaluator {
    typealias Complex = (re: Double, im: Double)

    static func asComplex(_ v: Value) -> Complex? {
        if case .complex(let r, let i) = v { return (r, i) }
        return asDouble(v).map { ($0, 0) }
    }

    static func complexOp(_ a: Complex, _ op: String, _ b: Complex) throws(EvaluationError) -> Value {
        let r: Complex
        switch op {
        case "+": r = (a.re + b.re, a.im + b.im)
        case "-": r = (a.re - b.re, a.im - b.im)
        case "*": r = multiply(a, b)
        case "/": r = try quotient(a, b)
        case "**": r = try power(a, b)
        default: throw EvaluationError(message: "unsupported operand type(s) for \(op): 'complex'")
        }
        return .complex(real: r.re, imaginary: r.im)
    }

    static func multiply(_ a: Complex, _ b: Complex) -> Complex {
        (a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }

    static func quotient(_ a: Complex, _ b: Complex) throws(EvaluationError) -> Complex {
        let absBr = Swift.abs(b.re), absBi = Swift.abs(b.im)
        if absBr >= absBi {
            if absBr == 0 { throw EvaluationError(message: "complex division by zero") }
            let ratio = b.im / b.re
            let denom = b.re + b.im * ratio
            return ((a.re + a.im * ratio) / denom, (a.im - a.re * ratio) / denom)
        } else if absBi >= absBr {
            let ratio = b.re / b.im
            let denom = b.re * ratio + b.im
            return ((a.re * ratio + a.im) / denom, (a.im * ratio - a.re) / denom)
        }
        return (.nan, .nan)
    }

    static func power(_ a: Complex, _ b: Complex) throws(EvaluationError) -> Complex {
        if b.im == 0 && b.re == b.re.rounded(.down) && Swift.abs(b.re) <= 100 {
            let n = Int(b.re)
            if n > 0 { return powPositive(a, n) }
            return try quotient((1, 0), powPositive(a, -n))
        }
        if b.re == 0 && b.im == 0 { return (1, 0) }
        if a.re == 0 && a.im == 0 {
            if b.im != 0 || b.re < 0 { throw EvaluationError(message: "0.0 to a negative or complex power") }
            return (0, 0)
        }
        let vabs = hypot(a.re, a.im)
        var len = pow(vabs, b.re)
        let at = atan2(a.im, a.re)
        var phase = at * b.re
        if b.im != 0 {
            len /= exp(at * b.im)
            phase += b.im * log(vabs)
        }
        return (len * cos(phase), len * sin(phase))
    }

    static func powPositive(_ x: Complex, _ n: Int) -> Complex {
        var r: Complex = (1, 0), p = x, mask = 1
        while mask > 0 && n >= mask {
            if n & mask != 0 { r = multiply(r, p) }
            mask <<= 1
            p = multiply(p, p)
        }
        return r
    }

    /// `'%s' % x` with the conversions a model plausibly writes (`%s`, `%r`, `%d`, `%i`, `%%`).
    static func format(_ template: String, _ argument: Value) throws(EvaluationError) -> Value {
        var values: [Value]
        if case .tuple(let items) = argument { values = items } else { values = [argument] }
        var out = ""
        var it = template.makeIterator()
        while let c = it.next() {
            guard c == "%" else { out.append(c); continue }
            guard let spec = it.next() else { throw EvaluationError(message: "incomplete format") }
            if spec == "%" { out.append("%"); continue }
            guard !values.isEmpty else { throw EvaluationError(message: "not enough arguments for format string") }
            let v = values.removeFirst()
            switch spec {
            case "s": if case .string(let s) = v { out += s } else { out += PythonRenderer.literal(v) }
            case "r": out += PythonRenderer.literal(v)
            case "d", "i":
                switch v {
                case .integer(let i): out += String(i)
                case .bool(let b): out += b ? "1" : "0"
                case .float(let d) where d.isFinite: out += String(Int(d))
                default: throw EvaluationError(message: "%\(spec) format: a real number is required")
                }
            default: throw EvaluationError(message: "unsupported format character '\(spec)'")
            }
        }
        guard values.isEmpty else { throw EvaluationError(message: "not all arguments converted during string formatting") }
        return .string(out)
    }
}
