import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// The GGUF reader on files the `gguf` package wrote (scripts/gguf_fixtures.py), and on copies
/// damaged on purpose: every refusal is one line naming the file and what is wrong.
@Suite struct GGUFReaderTests {
    @Test(arguments: [("types.gguf", UInt32(3)), ("types-v2.gguf", UInt32(2))])
    func headerMetadataAndTensorInfos(name: String, version: UInt32) throws {
        let file = try GGUFFile(path: GGUFFixtures.path(name))
        #expect(file.version == version)
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        #expect(file["general.alignment"] == .uint32(64))
        #expect(file["test.uint8"] == .uint8(200))
        #expect(file["test.int8"] == .int8(-5))
        #expect(file["test.uint16"] == .uint16(60000))
        #expect(file["test.int16"] == .int16(-30000))
        #expect(file["test.uint32"] == .uint32(4_000_000_000))
        #expect(file["test.int32"] == .int32(-2_000_000_000))
        #expect(file["test.float32"] == .float32(0.15625))
        #expect(file["test.bool"] == .bool(true))
        #expect(file["test.string"] == .string("h\u{e9}llo \u{1F600}"))
        #expect(file["test.uint64"] == .uint64(18_000_000_000_000_000_000))
        #expect(file["test.int64"] == .int64(-9_000_000_000_000_000_000))
        #expect(file["test.float64"] == .float64(-2.5e-300))
        #expect(file["test.array.strings"] == .array(elementType: 8, [.string("a"), .string(""), .string("\u{df}")]))
        #expect(file["test.array.int32"] == .array(elementType: 5, [.int32(1), .int32(-2), .int32(3)]))
        #expect(file["test.array.nested"]?.array?.map { $0.array?.compactMap(\.int) } == [[1, 2], [3]])
        #expect(file["general.architecture"] == .string("test"))

        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: GGUFFixtures.folder.appendingPathComponent("types.expected.json"))) as! [String: Any]
        let tensors = expected["tensors"] as! [[String: Any]]
        #expect(file.tensors.map(\.name) == tensors.map { $0["name"] as! String })
        for (info, want) in zip(file.tensors, tensors) {
            #expect(info.type.name == want["type"] as! String)
            #expect(info.shape == want["shape"] as! [Int], "\(info.name)")
            #expect(info.elementCount == want["count"] as! Int)
            #expect(info.offset % 64 == 0)
            #expect(info.byteCount == info.elementCount / info.type.blockSize * info.type.typeSize)
        }
    }

    /// A copy cut at every length up to the end of the tensor infos, and inside the data:
    /// refused as truncated naming the file, and (in the data) the tensor.
    @Test func truncatedFilesAreRefusedNamingWhatWasCut() throws {
        let bytes = try GGUFFixtures.bytes("types.gguf")
        let file = try GGUFFile(path: GGUFFixtures.path("types.gguf"))
        let cuts = Array(stride(from: 0, to: file.dataOffset, by: 7)) + [file.dataOffset - 1]
        let dir = try Fixtures.temporaryDirectory("gguf-cut")
        defer { try? FileManager.default.removeItem(at: dir) }
        for cut in cuts {
            let path = dir.appendingPathComponent("cut.gguf").path
            try Data(bytes[0 ..< cut]).write(to: URL(fileURLWithPath: path))
            do {
                _ = try GGUFFile(path: path)
                Issue.record("a copy cut at \(cut) of \(bytes.count) bytes was read")
            } catch {
                let text = "\(error)"
                #expect(text.hasPrefix(path + ":") && !text.contains("\n"), "\(text)")
                if cut >= 8 { #expect(text.contains("truncated"), "cut at \(cut): \(text)") }
            }
        }
        let last = file.tensors.max { $0.offset < $1.offset }!
        let path = try GGUFFixtures.temporary(Array(bytes[0 ..< file.dataOffset + last.offset + last.byteCount - 1]))
        #expect(throws: GGUFError.truncated(path: path, what: "tensor \(last.name) (\(last.type.name) \(last.shape))",
                                            offset: file.dataOffset + last.offset, needed: UInt64(last.byteCount), fileSize: file.dataOffset + last.offset + last.byteCount - 1)) {
            try GGUFFile(path: path)
        }
    }

    @Test func aTensorWhoseTypeAndShapeDisagreeWithItsBytesIsRefusedNamingIt() throws {
        var bytes = try GGUFFixtures.bytes("types.gguf")
        // t.q8_0 (34 bytes per 32) relabelled F32 (128 bytes per 32): it now runs into t.q4_0.
        let at = try #require(GGUFFixtures.typeFieldOffset(in: bytes, tensor: "t.q8_0", dimensions: 2))
        #expect(bytes[at] == 8)
        bytes[at] = 0
        let path = try GGUFFixtures.temporary(bytes)
        do {
            _ = try GGUFFile(path: path)
            Issue.record("read a file whose t.q8_0 is too long")
        } catch {
            guard case let .badTensor(p, tensor, message) = error else { Issue.record("\(error)"); return }
            #expect(p == path && tensor == "t.q8_0" && message.contains("F32"), "\(error)")
        }
        // Q8_0 relabelled Q4_0 (18 bytes per 32): shorter than the bytes the file gives it.
        bytes[at] = 2
        let shorter = try GGUFFixtures.temporary(bytes)
        #expect(throws: GGUFError.self) { try GGUFFile(path: shorter) }
        // A row length that is not a whole number of blocks.
        var rows = try GGUFFixtures.bytes("types.gguf")
        let dims = try #require(GGUFFixtures.typeFieldOffset(in: rows, tensor: "t.q4_1", dimensions: 2)) - 16
        rows[dims] = 48
        let ragged = try GGUFFixtures.temporary(rows)
        #expect(throws: GGUFError.badTensor(path: ragged, tensor: "t.q4_1", message: "row length 48 is not a multiple of Q4_1's block of 32")) {
            try GGUFFile(path: ragged)
        }
    }

    @Test func badMagicVersionTypeAndCountsAreRefused() throws {
        var bytes = try GGUFFixtures.bytes("types.gguf")
        bytes[0] = UInt8(ascii: "X")
        let magic = try GGUFFixtures.temporary(bytes)
        #expect(throws: GGUFError.badMagic(path: magic, found: Array("XGUF".utf8))) { try GGUFFile(path: magic) }

        bytes = try GGUFFixtures.bytes("types.gguf")
        bytes[4] = 1
        let v1 = try GGUFFixtures.temporary(bytes)
        #expect(throws: GGUFError.unsupportedVersion(path: v1, version: 1)) { try GGUFFile(path: v1) }

        // A tensor count of 2^62: refused before anything is allocated for it.
        bytes = try GGUFFixtures.bytes("types.gguf")
        bytes[15] = 0x40
        let huge = try GGUFFixtures.temporary(bytes)
        do { _ = try GGUFFile(path: huge); Issue.record("read 2^62 tensors") } catch {
            #expect("\(error)".contains("truncated"), "\(error)")
        }

        // Q4_0 relabelled IQ4_NL (same 18 bytes per 32): opens, but reading it names the type.
        bytes = try GGUFFixtures.bytes("types.gguf")
        let at = try #require(GGUFFixtures.typeFieldOffset(in: bytes, tensor: "t.q4_0", dimensions: 2))
        bytes[at] = 20
        let iq = try GGUFFixtures.temporary(bytes)
        let file = try GGUFFile(path: iq)
        #expect(throws: GGUFError.unsupportedTensorType(path: iq, tensor: "t.q4_0", type: "IQ4_NL", supported: GGMLType.supportedNames)) {
            try file.read(file.tensor("t.q4_0")!)
        }
        #expect(throws: GGUFError.unreadable(path: "/nonexistent/x.gguf", message: "open: No such file or directory")) {
            try GGUFFile(path: "/nonexistent/x.gguf")
        }
    }
}
