import Foundation
import ShardedTensor

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N
/// bytes of JSON `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`,
/// then the data, each tensor's bytes row-major little-endian at `8 + N + begin ..< 8 + N + end`.
public enum SafeTensors {
    /// Element types read (converted to Float) and written.
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"
        public var byteCount: Int { self == .f32 ? 4 : 2 }
    }

    /// One tensor of a file: its dtype, shape and byte range inside the data section.
    public struct Entry: Sendable, Equatable {
        public var dtype: DType
        public var shape: [Int]
        public var range: Range<Int>
        public var count: Int { shape.reduce(1, *) }
    }

    /// Bytes of a tensor of `shape` in `dtype`, or nil when the product overflows Int (a header
    /// can declare any shape; the product is checked before anything is sized by it).
    static func byteCount(shape: [Int], dtype: DType) -> Int? {
        var product = dtype.byteCount
        for size in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// A file read into memory with its validated header.
    public struct File: Sendable {
        public let path: String
        public let entries: [String: Entry]
        let data: Data
        let dataStart: Int

        /// Reads `path` and validates the header: JSON shape, known dtypes, offsets inside the file,
        /// sizes equal to shape x dtype, no overlaps.
        public init(path: String) throws(HuggingFaceError) {
            self.path = path
            guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, message: "cannot read the file") }
            self.data = data
            guard data.count >= 8 else { throw .badHeader(path: path, message: "\(data.count) bytes, shorter than the 8-byte header length") }
            var n: UInt64 = 0
            for i in 0..<8 { n |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
            guard n <= UInt64(data.count - 8) else { throw .badHeader(path: path, message: "header length \(n) exceeds the file's \(data.count - 8) remaining bytes") }
            dataStart = 8 + Int(n)
            let header = data.subdata(in: data.startIndex + 8 ..< data.startIndex + dataStart)
            guard let object = try? JSONSerialization.jsonObject(with: header), let root = object as? [String: Any] else {
                throw .badHeader(path: path, message: "the header is not a JSON object")
            }
            var entries: [String: Entry] = [:]
            let dataSize = data.count - dataStart
            for (name, value) in root where name != "__metadata__" {
                guard let t = value as? [String: Any], let dtypeName = t["dtype"] as? String,
                      let shape = t["shape"] as? [Int], let offsets = t["data_offsets"] as? [Int], offsets.count == 2 else {
                    throw .badTensor(path: path, tensor: name, message: "expected {\"dtype\": String, \"shape\": [Int], \"data_offsets\": [begin, end]}")
                }
                guard let dtype = DType(rawValue: dtypeName) else {
                    throw .badTensor(path: path, tensor: name, message: "dtype \(dtypeName) is not supported (supported: F32, F16, BF16)")
                }
                guard shape.allSatisfy({ $0 >= 0 }) else {
                    throw .badTensor(path: path, tensor: name, message: "shape \(shape) has a negative dimension (expected sizes >= 0)")
                }
                guard let byteCount = SafeTensors.byteCount(shape: shape, dtype: dtype) else {
                    throw .badTensor(path: path, tensor: name, message: "shape \(shape) of \(dtypeName) is more than 2^63 bytes "
                                     + "(expected a shape whose size fits the file's \(dataSize) bytes of data)")
                }
                guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                    throw .badTensor(path: path, tensor: name, message: "data_offsets \(offsets) outside the data section of \(dataSize) bytes "
                                     + "(expected 0 <= begin <= end <= \(dataSize))")
                }
                let entry = Entry(dtype: dtype, shape: shape, range: offsets[0] ..< offsets[1])
                guard entry.range.count == byteCount else {
                    throw .badTensor(path: path, tensor: name, message: "\(entry.range.count) bytes for shape \(shape) of \(dtypeName) (expected \(byteCount))")
                }
                entries[name] = entry
            }
            let sorted = entries.sorted { $0.value.range.lowerBound < $1.value.range.lowerBound }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.value.range.upperBound > b.value.range.lowerBound {
                throw .badTensor(path: path, tensor: b.key, message: "bytes overlap tensor \(a.key)")
            }
            self.entries = entries
        }

        /// Converts tensor `name` to Float into `out` (its element count).
        public func read(_ name: String, into out: UnsafeMutableBufferPointer<Float>) throws(HuggingFaceError) {
            guard let e = entries[name] else { throw .missingTensor(path: path, tensor: name, shape: []) }
            guard out.count == e.count else { throw .badTensor(path: path, tensor: name, message: "\(e.count) elements, expected \(out.count)") }
            data.withUnsafeBytes { raw in
                let bytes = raw.baseAddress! + dataStart + e.range.lowerBound
                for i in 0..<e.count {
                    switch e.dtype {
                    case .f32: out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case .f16: out[i] = Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                    case .bf16: out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    }
                }
            }
        }
    }

    /// Float to bf16 bits, round to nearest even (as torch's `.to(torch.bfloat16)`); NaN stays NaN.
    static func bfloat16Bits(_ x: Float) -> UInt16 { BF16Matmul.bits(x) }

    /// The bytes of a safetensors file holding `tensors` (name, shape, values) in order, in
    /// `dtype`, with `metadata` as `__metadata__` (transformers wants {"format": "pt"}).
    public static func encode(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)], dtype: DType,
                              metadata: [String: String] = ["format": "pt"]) throws -> Data {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for t in tensors {
            let size = t.values.count * dtype.byteCount
            header[t.name] = ["dtype": dtype.rawValue, "shape": t.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces to a multiple of 8 so the data is aligned (as the Rust writer does).
        while (json.count % 8) != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for t in tensors {
            switch dtype {
            case .f32:
                for x in t.values { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            case .f16:
                for x in t.values { withUnsafeBytes(of: Float16(x).bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            case .bf16:
                let bits = BF16Buffer(count: t.values.count)
                BF16Matmul.round(t.values, into: bits.base)
                for i in 0..<bits.count { withUnsafeBytes(of: bits.base[i].littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        return out
    }
}
