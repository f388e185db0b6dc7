import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// `launcher import` of a folder whose safetensors header lies: a shape whose size overflows
/// (before, a SIGILL in SafeTensors.swift) and BF16 data labelled F16 (before, wrong weights
/// imported without a word) are refused in one line naming the file and the tensor.
@Suite struct SafeTensorsHeaderCommandLineTests {
    static let fixture = HuggingFaceGoldenTests.folder.appendingPathComponent("qwen2-tied-bf16")

    /// A copy of the bf16 Qwen2 fixture folder whose model.safetensors is `edit`ed.
    static func folder(_ edit: (inout Data) throws -> Void) throws -> URL {
        let dir = try Fixtures.temporaryDirectory("safetensors-header").appendingPathComponent("model")
        try FileManager.default.copyItem(at: fixture, to: dir)
        let file = dir.appendingPathComponent("model.safetensors")
        var data = try Data(contentsOf: file)
        try edit(&data)
        try data.write(to: file)
        return dir
    }

    /// A safetensors file of one tensor `w` with this header entry and no data.
    static func header(_ entry: String) -> Data {
        var json = Data("{\"w\":\(entry)}".utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        return out + json
    }

    func expectRefused(_ folder: URL, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let out = folder.deletingLastPathComponent().appendingPathComponent("out.h5").path
        let run = try LauncherBinary.run(["import", "--from", folder.path, "--out", out])
        #expect(!run.signaled && run.status == 1, "status \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first.map(String.init) == "Error: " + message, "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: out), sourceLocation: sourceLocation)
    }

    @Test(arguments: [("[4294967296, 4294967296]", "F32"), ("[2305843009213693952]", "F32"), ("[4611686018427387904]", "BF16")])
    func anOverflowingShapeIsRefused(shape: String, dtype: String) throws {
        let folder = try Self.folder { $0 = Self.header("{\"dtype\": \"\(dtype)\", \"shape\": \(shape), \"data_offsets\": [0, 0]}") }
        try expectRefused(folder, "\(folder.path)/model.safetensors: tensor w: shape \(shape) of \(dtype) is more than 2^63 bytes "
                          + "(expected a shape whose size fits the file's 0 bytes of data)")
    }

    @Test func bf16DataLabelledF16IsRefused() throws {
        let folder = try Self.folder { data in
            // "BF16" -> "F16" plus a space: the header keeps its length and stays valid JSON.
            let header = 8 + Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            let text = String(decoding: data[8 ..< header], as: UTF8.self).replacingOccurrences(of: "\"BF16\"", with: "\"F16\" ")
            data.replaceSubrange(8 ..< header, with: Data(text.utf8))
        }
        try expectRefused(folder, "\(folder.path)/model.safetensors: tensor model.embed_tokens.weight: dtype F16, but config.json's dtype is bfloat16 "
                          + "(expected BF16: read as F16, BF16 data give wrong weights; correct the header's dtype or config.json's dtype)")
    }
}
