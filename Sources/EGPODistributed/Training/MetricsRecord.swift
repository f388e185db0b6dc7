import Foundation
import FunctionCalling

/// One step's metrics in a fixed key order: numbers (non-finite ones written as null) and strings.
public struct MetricsRecord: Sendable, Equatable {
    public enum Field: Sendable, Equatable {
        case number(Double)
        case integer(Int)
        case text(String)
    }

    public private(set) var fields: [(key: String, value: Field)] = []

    public init() {}

    public static func == (a: MetricsRecord, b: MetricsRecord) -> Bool {
        a.fields.map(\.key) == b.fields.map(\.key) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    public subscript(_ key: String) -> Double? {
        switch fields.first(where: { $0.key == key })?.value {
        case .number(let v)?: v
        case .integer(let v)?: Double(v)
        default: nil
        }
    }

    /// The key of the flag set on a step whose loss or gradient was NaN or infinite.
    public static let nonFiniteKey = "skipped_nonfinite"

    /// Flags the step as skipped for a NaN or infinite loss or gradient (1), or not (0).
    public mutating func markNonFinite(_ skipped: Bool) { set(Self.nonFiniteKey, skipped ? 1 : 0) }

    /// Whether the step was skipped for a NaN or infinite loss or gradient.
    public var isNonFinite: Bool { self[Self.nonFiniteKey] == 1 }

    public mutating func set(_ key: String, _ value: Double) { put(key, .number(value)) }
    public mutating func set(_ key: String, _ value: Int) { put(key, .integer(value)) }
    public mutating func set(_ key: String, _ value: String) { put(key, .text(value)) }

    private mutating func put(_ key: String, _ value: Field) {
        if let i = fields.firstIndex(where: { $0.key == key }) { fields[i].value = value } else { fields.append((key, value)) }
    }

    /// A record read back from a `jsonLine` (keys sorted; null reads as NaN), or nil when the
    /// line is not a JSON object.
    public init?(jsonLine line: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        for key in object.keys.sorted() {
            switch object[key] {
            case let s as String: set(key, s)
            case let n as NSNumber: set(key, n.doubleValue)
            default: set(key, Double.nan)
            }
        }
    }

    /// `{"step": 1, "reward_mean": 0.25, ...}` with keys in insertion order.
    public var jsonLine: String {
        "{" + fields.map { key, value in
            let v: String
            switch value {
            case .number(let x): v = x.isFinite ? formatNumber(x) : "null"
            case .integer(let i): v = "\(i)"
            case .text(let s): v = JSON.quoted(s)
            }
            return JSON.quoted(key) + ": " + v
        }.joined(separator: ", ") + "}"
    }
}

/// Shortest round-tripping decimal of a Double (Swift's description), as JSON.
func formatNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
