import Foundation
import TestSupport
@testable import EGPODistributed

/// The GGUF fixtures (written by scripts/gguf_fixtures.py with the `gguf` package) and helpers
/// to damage copies of them byte by byte.
enum GGUFFixtures {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/gguf")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: folder.appendingPathComponent(name))) }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporary(_ bytes: [UInt8], name: String = "edited.gguf") throws -> String {
        let dir = try Fixtures.temporaryDirectory("gguf")
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Where the tensor info of `tensor` starts its type field (after name, dimension count and
    /// dimensions), found by searching for the name as GGUF writes it (uint64 length + bytes).
    static func typeFieldOffset(in bytes: [UInt8], tensor: String, dimensions: Int) -> Int? {
        let name = Array(tensor.utf8)
        let pattern = withUnsafeBytes(of: UInt64(name.count).littleEndian, Array.init) + name
        guard let start = (0 ... bytes.count - pattern.count).first(where: { Array(bytes[$0 ..< $0 + pattern.count]) == pattern }) else { return nil }
        return start + pattern.count + 4 + 8 * dimensions
    }
}

/// A minimal GGUF writer for files the `gguf` package will not write (bad values on purpose):
/// metadata of strings, uint32 and float32, F32 tensors, default alignment.
struct GGUFTestWriter {
    enum Value { case string(String), uint32(UInt32), float32(Float), strings([String]), int32s([Int32]) }
    var metadata: [(String, Value)] = []
    var tensors: [(name: String, shape: [Int], values: [Float])] = []

    func bytes() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        func u32(_ v: UInt32) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u64(_ v: UInt64) { out += withUnsafeBytes(of: v.littleEndian, Array.init) }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); out += Array(s.utf8) }
        u32(3); u64(UInt64(tensors.count)); u64(UInt64(metadata.count))
        for (key, value) in metadata {
            str(key)
            switch value {
            case let .string(s): u32(8); str(s)
            case let .uint32(v): u32(4); u32(v)
            case let .float32(v): u32(6); u32(v.bitPattern)
            case let .strings(a): u32(9); u32(8); u64(UInt64(a.count)); a.forEach(str)
            case let .int32s(a): u32(9); u32(5); u64(UInt64(a.count)); a.forEach { u32(UInt32(bitPattern: $0)) }
            }
        }
        var offset = 0
        for t in tensors {
            str(t.name); u32(UInt32(t.shape.count))
            for d in t.shape.reversed() { u64(UInt64(d)) }
            u32(0); u64(UInt64(offset))
            offset += (t.values.count * 4 + 31) / 32 * 32
        }
        while out.count % 32 != 0 { out.append(0) }
        for t in tensors {
            for v in t.values { u32(v.bitPattern) }
            while out.count % 32 != 0 { out.append(0) }
        }
        return out
    }
}
