/// A decoded literal: what a model passed as an argument, or what a BFCL possible answer accepts.
///
/// The cases follow Python's runtime types, because BFCL's checker compares Python objects:
/// `1` (integer) and `1.0` (float) are different types for the type check but equal in value,
/// `True` is a bool (never an integer for the type check), a tuple is not a list.
/// Dicts keep their entries in order and their keys are values, since a Python dict display may
/// have non-string keys.
public enum Value: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case null
    case list([Value])
    case tuple([Value])
    case dict([Entry])
    /// A Python bytes literal (`b'...'`); it never equals a string.
    case bytes([UInt8])
    /// A Python complex number (`2j`, `1+2j`).
    case complex(real: Double, imaginary: Double)

    /// One key/value pair of a dict, in display order.
    public struct Entry: Sendable, Hashable {
        public var key: Value
        public var value: Value
        public init(_ key: Value, _ value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// A dict with string keys, in the given order.
    public static func object(_ pairs: [(String, Value)]) -> Value {
        .dict(pairs.map { Entry(.string($0.0), $0.1) })
    }

    /// The Python type this value has at runtime, as BFCL's type check sees it.
    public var pythonType: PythonType {
        switch self {
        case .string: .string
        case .integer: .integer
        case .float: .float
        case .bool: .bool
        case .null: .none
        case .list: .list
        case .tuple: .tuple
        case .dict: .dict
        case .bytes: .bytes
        case .complex: .complex
        }
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The elements, when this is a list.
    public var listValue: [Value]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// The entries, when this is a dict.
    public var dictEntries: [Entry]? {
        if case .dict(let d) = self { return d }
        return nil
    }

    /// The value stored under a string key, when this is a dict.
    public subscript(key: String) -> Value? {
        guard case .dict(let entries) = self else { return nil }
        for e in entries where e.key == .string(key) { return e.value }
        return nil
    }
}

/// Python's runtime types, as far as BFCL's checker distinguishes them.
public enum PythonType: String, Sendable, Hashable, CustomStringConvertible {
    case string = "str", integer = "int", float = "float", bool = "bool", none = "NoneType"
    case list = "list", tuple = "tuple", dict = "dict", bytes = "bytes", complex = "complex"
    public var description: String { rawValue }
}

extension Value {
    /// Python's `==`: numbers compare by value across int, float, bool and complex
    /// (`1 == 1.0 == True`), lists equal lists and tuples equal tuples elementwise, dicts are equal
    /// when they hold the same keys with equal values in any order.
    public func pythonEquals(_ other: Value) -> Bool {
        switch (self, other) {
        // Python compares code points; Swift's String `==` would also equate canonically
        // equivalent spellings (é vs e + combining accent), so compare the UTF-8 bytes.
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.null, .null): return true
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            guard a.count == b.count else { return false }
            for i in 0..<a.count where !a[i].pythonEquals(b[i]) { return false }
            return true
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count else { return false }
            for e in a {
                guard let match = b.first(where: { $0.key.pythonEquals(e.key) }), match.value.pythonEquals(e.value)
                else { return false }
            }
            return true
        default:
            guard let x = numericParts, let y = other.numericParts else { return false }
            if x.imaginary != y.imaginary { return false }
            switch (x.exactInteger, y.exactInteger) {
            case (let i?, let j?): return i == j
            // Python compares an int with a float exactly (2**53 + 1 != 2.0**53), not via rounding.
            case (let i?, nil): return Self.exactlyEqual(i, y.real)
            case (nil, let j?): return Self.exactlyEqual(j, x.real)
            default: return x.real == y.real
            }
        }
    }

    static func exactlyEqual(_ i: Int, _ d: Double) -> Bool {
        guard d.isFinite, d == d.rounded(), d >= -0x1p63, d < 0x1p63 else { return false }
        return Int(d) == i
    }

    /// The number behind int, float, bool and complex values (nil for the others).
    var numericParts: (real: Double, imaginary: Double, exactInteger: Int?)? {
        switch self {
        case .integer(let i): (Double(i), 0, i)
        case .bool(let b): (b ? 1 : 0, 0, b ? 1 : 0)
        case .float(let d): (d, 0, nil)
        case .complex(let r, let i): (r, i, nil)
        default: nil
        }
    }

    /// Whether `self` is in `values` by Python's `in` (that is, by `==`).
    public func isPythonMember(of values: [Value]) -> Bool {
        values.contains { pythonEquals($0) }
    }
}
