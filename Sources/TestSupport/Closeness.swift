/// Compares two arrays elementwise with an absolute and a relative tolerance and describes the
/// worst mismatch, so a failing test prints the size of the error and where it is.
public struct Closeness: CustomStringConvertible, Sendable {
    public let label: String
    public let count: Int
    public let maxAbsDiff: Double
    public let maxRelDiff: Double
    public let worstIndex: Int
    public let mismatches: [(index: Int, actual: Double, expected: Double)]
    public let absoluteTolerance: Double
    public let relativeTolerance: Double

    /// True when every element satisfies |a - e| <= atol + rtol * |e|.
    public var ok: Bool { mismatches.isEmpty }

    public var description: String {
        var s = "\(label): \(count) values, max |diff| \(maxAbsDiff), max rel \(maxRelDiff) at \(worstIndex)"
        s += " (atol \(absoluteTolerance), rtol \(relativeTolerance))"
        if !mismatches.isEmpty {
            s += "; first mismatches: "
            s += mismatches.prefix(5).map { "[\($0.index)] \($0.actual) vs \($0.expected)" }.joined(separator: ", ")
        }
        return s
    }
}

/// Elementwise closeness of `actual` to `expected`.
/// - Parameters:
///   - atol: absolute tolerance.
///   - rtol: relative tolerance, scaled by |expected|.
public func closeness<A: BinaryFloatingPoint, E: BinaryFloatingPoint>(
    _ actual: [A], _ expected: [E], atol: Double = 1e-6, rtol: Double = 1e-5, label: String = "values"
) -> Closeness {
    precondition(actual.count == expected.count, "\(label): count \(actual.count) vs expected \(expected.count)")
    var maxAbs = 0.0, maxRel = 0.0, worst = 0
    var bad: [(Int, Double, Double)] = []
    for i in 0..<actual.count {
        let a = Double(actual[i]), e = Double(expected[i])
        let d = abs(a - e)
        let r = d / max(abs(e), 1e-30)
        if d > maxAbs || d.isNaN { maxAbs = d; worst = i }
        maxRel = max(maxRel, r)
        if !(d <= atol + rtol * abs(e)) { bad.append((i, a, e)) }
    }
    return Closeness(label: label, count: actual.count, maxAbsDiff: maxAbs, maxRelDiff: maxRel, worstIndex: worst,
                     mismatches: bad.map { (index: $0.0, actual: $0.1, expected: $0.2) },
                     absoluteTolerance: atol, relativeTolerance: rtol)
}
