/// One metadata value of a GGUF file (`GGUFValueType` in gguf-py: 0 uint8 ... 12 float64).
/// Arrays keep their element type, so an empty array still says what it would hold.
public indirect enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String)
    case array(elementType: UInt32, [GGUFValue])
    case uint64(UInt64), int64(Int64), float64(Double)

    /// The value type codes of the format.
    enum TypeCode: UInt32 {
        case uint8 = 0, int8, uint16, int16, uint32, int32, float32, bool, string, array, uint64, int64, float64

        var name: String { "\(self)" }
        /// Fewest bytes one value of this type takes (an array: its element type and count).
        var minimumSize: Int {
            switch self {
            case .uint8, .int8, .bool: return 1
            case .uint16, .int16: return 2
            case .uint32, .int32, .float32: return 4
            case .uint64, .int64, .float64, .string: return 8
            case .array: return 12
            }
        }
    }

    /// The value as an integer, when it is one of the integer types and fits in Int.
    public var int: Int? {
        switch self {
        case let .uint8(v): return Int(v)
        case let .int8(v): return Int(v)
        case let .uint16(v): return Int(v)
        case let .int16(v): return Int(v)
        case let .uint32(v): return Int(v)
        case let .int32(v): return Int(v)
        case let .uint64(v): return v <= UInt64(Int.max) ? Int(v) : nil
        case let .int64(v): return Int(v)
        default: return nil
        }
    }

    /// The value as a Double, when it is a float or an integer.
    public var double: Double? {
        switch self {
        case let .float32(v): return Double(v)
        case let .float64(v): return v
        default: return int.map(Double.init)
        }
    }

    public var string: String? { if case let .string(s) = self { return s } else { return nil } }
    public var bool: Bool? { if case let .bool(b) = self { return b } else { return nil } }
    public var array: [GGUFValue]? { if case let .array(_, a) = self { return a } else { return nil } }

    /// A short rendering for messages: scalars as they are, arrays by type and length.
    public var summary: String {
        switch self {
        case let .string(s): return s.count > 60 ? String(s.prefix(60)).debugDescription + "..." : s.debugDescription
        case let .array(type, values):
            return "array of \(values.count) \(TypeCode(rawValue: type)?.name ?? "type \(type)")"
        case let .bool(b): return "\(b)"
        case let .float32(v): return "\(v)"
        case let .float64(v): return "\(v)"
        default: return int.map { "\($0)" } ?? "\(self)"
        }
    }
}
