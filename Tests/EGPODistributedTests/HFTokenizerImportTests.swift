import Foundation
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// `launcher import` reads a folder's tokenizer.json as the model's tokenizer: the model file's
/// `tokenizer` attribute then encodes as `tokenizers` does, and export writes the file back
/// unchanged. A tokenizer.json that is unsupported or has more ids than vocab_size is refused.
@Suite struct HFTokenizerImportTests {
    /// A Hugging Face folder of the Qwen2 fixture model's architecture with `vocabularySize`
    /// rows (zero weights) and `tokenizer` as its tokenizer.json.
    static func folder(tokenizer: String, vocabularySize: Int) throws -> String {
        let base = try HuggingFaceFolder.read(from: HuggingFaceGoldenTests.folder.appendingPathComponent("qwen2-tied-bf16").path)
        var config = base.config
        config.vocabularySize = vocabularySize
        let dir = try Fixtures.temporaryDirectory("hf-tokenizer-import")
        let path = dir.appendingPathComponent("model").path
        var files = base.files
        files["tokenizer.json"] = tokenizer
        try HuggingFaceFolder(config: config, parameters: FloatBuffer(count: config.parameterLayout.totalCount), files: files)
            .write(to: path, dtype: .f32)
        return path
    }

    static func fixtureText(_ name: String) throws -> String {
        try String(contentsOf: HFTokenizerGoldenTests.url(name), encoding: .utf8)
    }

    @Test(arguments: ["qwen2", "llama3"])
    func importedModelEncodesWithItsTokenizer(name: String) throws {
        let text = try Self.fixtureText(name)
        let path = try Self.folder(tokenizer: text, vocabularySize: 704)
        let folder = try HuggingFaceFolder.read(from: path)
        #expect(folder.tokenizer?.pipeline == (name == "qwen2" ? .qwen2 : .llama3))

        let modelPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("model.h5").path
        try ModelFile.write(folder, to: modelPath)
        let loaded = try ModelFile.read(from: modelPath)
        let tokenizer = try #require(loaded.tokenizer as? BPETokenizer)
        let failures = HFTokenizerGoldenTests.mismatches(tokenizer, try HFTokenizerGoldenTests.golden(name))
        #expect(failures.isEmpty, "\(failures.count) differ:\n\(failures.prefix(3).joined(separator: "\n"))")
        // Export carries the original file, byte for byte.
        #expect(try ModelFile.huggingFaceFiles(at: modelPath)["tokenizer.json"] == text)
    }

    @Test func tokenizerWithMoreIDsThanTheModelIsRefused() throws {
        let path = try Self.folder(tokenizer: try Self.fixtureText("qwen2"), vocabularySize: 600)
        let file = URL(fileURLWithPath: path).appendingPathComponent("tokenizer.json").path
        #expect(throws: HuggingFaceError.badTokenizer(path: file, message: "has ids up to 662, but config.json's vocab_size is 600 (expected at most vocab_size ids)")) {
            try HuggingFaceFolder.read(from: path)
        }
    }

    @Test func unsupportedTokenizerIsRefusedNamingTheField() throws {
        let json = try HFTokenizerFormatTests.qwen2(HFTokenizerFormatTests.model("dropout", 0.1))
        let path = try Self.folder(tokenizer: json, vocabularySize: 704)
        do {
            _ = try HuggingFaceFolder.read(from: path)
            Issue.record("imported a tokenizer with dropout")
        } catch {
            #expect("\(error)".contains("tokenizer.json") && "\(error)".contains("model.dropout"), "\(error)")
        }
    }
}
