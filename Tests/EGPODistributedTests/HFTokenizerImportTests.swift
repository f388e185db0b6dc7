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

    /// `import --add-token` puts missing markers on spare embedding rows (growing the embedding
    /// when they run out), and export carries them.
    @Test func addedTokensTakeSpareRowsAndSurviveExport() throws {
        let path = try Self.folder(tokenizer: try Self.fixtureText("llama3"), vocabularySize: 704)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        let model = base.appendingPathComponent("added.h5").path
        let run = try LauncherBinary.run(["import", "--from", path, "--out", model,
                                          "--add-token", "<think>", "--add-token", "</think>", "--add-token", "<|eot_id|>"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("import: added <think> as token 665") && run.stdout.contains("import: added </think> as token 666")
                && run.stdout.contains("import: <|eot_id|> is already token"), "\(run.stdout)")
        let tokenizer = try #require(try ModelFile.read(from: model).tokenizer as? BPETokenizer)
        #expect(tokenizer.encode("<think>a</think>").first == 665 && tokenizer.encode("<think>a</think>").last == 666)
        let exported = base.appendingPathComponent("exported").path
        #expect(try LauncherBinary.run(["export", "--checkpoint", model, "--out", exported]).status == 0)
        let again = try BPETokenizer(json: String(contentsOfFile: exported + "/tokenizer.json", encoding: .utf8))
        #expect(again.encode("x<think>y</think>") == tokenizer.encode("x<think>y</think>"))

        // One spare row left: <think> takes it, </think> grows the embedding by one.
        let full = try Self.folder(tokenizer: try Self.fixtureText("llama3"), vocabularySize: 666)
        let grownPath = base.appendingPathComponent("grown.h5").path
        let grown = try LauncherBinary.run(["import", "--from", full, "--out", grownPath, "--add-token", "<think>", "--add-token", "</think>"])
        #expect(grown.status == 0, "\(grown.stderr)")
        #expect(grown.stdout.contains("import: added </think> as token 666")
                && grown.stdout.contains("grew from 666 to 667 rows, each new row the mean of the old ones"), "\(grown.stdout)")
        #expect(try ModelFile.read(from: grownPath).model.config.vocabularySize == 667)
    }
}
