import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// The real SmolLM2-135M-Instruct GGUF (fetched by `make smollm2`), imported, against
/// transformers loading the same file (scripts/smollm2_reference.py wrote the goldens under
/// Fixtures/smollm2): log-probabilities of four sequences, and token ids of a corpus of BFCL
/// prompts, code and non-ASCII text. Runs when the cached GGUF is there, says "skipped" if not.
/// EGPO_SMOLLM2_TOKENS=FILE adds a larger corpus written by the script's --out.
@Suite struct SmolLM2ReferenceTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/smollm2")

    /// ${EGPO_CACHE:-~/.cache/egpo}/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf, where `make smollm2` leaves it.
    static var cachedGGUF: String? {
        let env = ProcessInfo.processInfo.environment
        let cache = env["EGPO_CACHE"] ?? (env["HOME"] ?? NSHomeDirectory()) + "/.cache/egpo"
        let path = cache + "/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static let imported: Result<HuggingFaceFolder, any Error>? = cachedGGUF.map { path in Result { try HuggingFaceFolder.read(gguf: path).0 } }

    @Test func logProbabilitiesAgreeWithTransformers() throws {
        guard let imported = Self.imported else { print("skipped: no cached SmolLM2 (make smollm2)"); return }
        let folder = try imported.get()
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("logprobs.json"))) as! [String: Any]
        let sequences = (golden["sequences"] as! [[Int]]).map { $0.map(Int32.init) }
        let want = golden["logprobs"] as! [[Double]]
        let model = try Transformer(config: folder.config, parameters: folder.parameters)
        let workspace = TrainingWorkspace(config: model.config)
        var largest = 0.0, count = 0
        for (k, sequence) in sequences.enumerated() {
            let got = model.forward(TokenBatch([sequence]), workspace: workspace).logProbs
            #expect(got.count == want[k].count)
            let deltas = zip(got, want[k]).map { abs(Double($0) - $1) }
            let worst = deltas.enumerated().max { $0.element < $1.element }!
            print("SmolLM2 log p, \((golden["sources"] as! [String])[k]): \(got.count) tokens, max |Δ| \(worst.element) at \(worst.offset)")
            largest = max(largest, worst.element)
            count += got.count
        }
        print("SmolLM2 log p against transformers (float32, same GGUF): max |Δ| \(largest) over \(count) tokens")
        #expect(largest < 2e-3, "max |Δ log p| \(largest)")
    }

    @Test func tokenIdsEqualTheTokenizersLibrary() throws {
        guard let imported = Self.imported else { print("skipped: no cached SmolLM2 (make smollm2)"); return }
        let tokenizer = try #require(try imported.get().tokenizer)
        var files = [Self.folder.appendingPathComponent("tokens.jsonl").path]
        if let extra = ProcessInfo.processInfo.environment["EGPO_SMOLLM2_TOKENS"] { files.append(extra) }
        for file in files {
            var texts = 0, tokens = 0, mismatches: [String] = [], transformersDiffer = 0
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                let text = row["text"] as! String, want = (row["ids"] as! [Int]).map(Int32.init)
                let got = tokenizer.encode(text)
                texts += 1
                tokens += want.count
                if got != want { mismatches.append(row["source"] as! String) }
                if row["transformers"] != nil { transformersDiffer += 1 }
            }
            print("SmolLM2 token ids, \(URL(fileURLWithPath: file).lastPathComponent): \(mismatches.count) of \(texts) texts (\(tokens) tokens) differ from tokenizers "
                  + "with SmolLM2's pipeline; transformers' GGUF tokenizer (GPT-2 regex, pre = smollm ignored) differs on \(transformersDiffer) texts")
            #expect(mismatches.isEmpty, "differ: \(mismatches.prefix(5))")
            #expect(texts > 0)
        }
    }
}
