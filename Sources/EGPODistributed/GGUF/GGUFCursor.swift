/// Reads the header of a mapped GGUF file front to back, little-endian, checking every length
/// against the bytes left before reading or allocating anything, so a truncated or hostile file
/// is refused with the offset and what was being read rather than crashing or exhausting memory.
struct GGUFCursor {
    let file: MappedFile
    private(set) var position = 0

    init(_ file: MappedFile) { self.file = file }

    var remaining: Int { file.size - position }

    /// Claims the next `count` bytes for `what`, returning where they start.
    mutating func take(_ count: UInt64, _ what: @autoclosure () -> String) throws(GGUFError) -> Int {
        guard count <= UInt64(remaining) else {
            throw .truncated(path: file.path, what: what(), offset: position, needed: count, fileSize: file.size)
        }
        let start = position
        position += Int(count)
        return start
    }

    mutating func load<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        let start = try take(UInt64(MemoryLayout<T>.size), what())
        return T(littleEndian: file.base!.loadUnaligned(fromByteOffset: start, as: T.self))
    }

    /// A GGUF string: a uint64 length, then that many bytes of UTF-8 (invalid bytes become U+FFFD).
    mutating func string(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let length = try load(UInt64.self, "the length of \(what())")
        let start = try take(length, what())
        return String(decoding: file.bytes(start ..< start + Int(length)), as: UTF8.self)
    }

    /// A value of type `code` (`key` names it in errors); arrays may nest up to `depth` levels.
    mutating func value(type code: UInt32, key: String, depth: Int = 0) throws(GGUFError) -> GGUFValue {
        guard let type = GGUFValue.TypeCode(rawValue: code) else {
            throw .badMetadata(path: file.path, key: key, message: "value type \(code) is not a GGUF type (0...12)")
        }
        switch type {
        case .uint8: return .uint8(try load(UInt8.self, key))
        case .int8: return .int8(try load(Int8.self, key))
        case .uint16: return .uint16(try load(UInt16.self, key))
        case .int16: return .int16(try load(Int16.self, key))
        case .uint32: return .uint32(try load(UInt32.self, key))
        case .int32: return .int32(try load(Int32.self, key))
        case .uint64: return .uint64(try load(UInt64.self, key))
        case .int64: return .int64(try load(Int64.self, key))
        case .float32: return .float32(Float(bitPattern: try load(UInt32.self, key)))
        case .float64: return .float64(Double(bitPattern: try load(UInt64.self, key)))
        case .bool:
            let b = try load(UInt8.self, key)
            guard b <= 1 else { throw .badMetadata(path: file.path, key: key, message: "bool byte is \(b), expected 0 or 1") }
            return .bool(b == 1)
        case .string: return .string(try string(key))
        case .array:
            guard depth < 4 else { throw .badMetadata(path: file.path, key: key, message: "arrays nested deeper than 4 levels") }
            let elementCode = try load(UInt32.self, "the element type of \(key)")
            let count = try load(UInt64.self, "the length of \(key)")
            guard let elementType = GGUFValue.TypeCode(rawValue: elementCode) else {
                throw .badMetadata(path: file.path, key: key, message: "array element type \(elementCode) is not a GGUF type (0...12)")
            }
            // Every element takes at least this many bytes: a count the file cannot hold is
            // refused before anything is allocated for it.
            let (least, overflow) = count.multipliedReportingOverflow(by: UInt64(elementType.minimumSize))
            guard !overflow, least <= UInt64(remaining) else {
                throw .truncated(path: file.path, what: "\(count) elements of \(key)", offset: position,
                                 needed: overflow ? UInt64.max : least, fileSize: file.size)
            }
            var values: [GGUFValue] = []
            values.reserveCapacity(Int(count))
            for i in 0 ..< Int(count) {
                values.append(try value(type: elementCode, key: "\(key)[\(i)]", depth: depth + 1))
            }
            return .array(elementType: elementCode, values)
        }
    }
}
