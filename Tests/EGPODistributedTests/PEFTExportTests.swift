import Foundation
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// The PEFT adapter folder `launcher export --format peft` writes, golden against `peft` itself:
/// tiny Llamas with adapters (values from fixed seeds; `cases`) are exported as a base folder and
/// an adapter folder, byte for byte the ones stored in Fixtures/peft and Fixtures/peft-tokens, on
/// which scripts/peft_golden.py ran transformers + peft (`PeftModel.from_pretrained`) and
/// `merge_and_unload()`. Our adapted model, and our merged one, give peft's log-probabilities.
///
/// Regenerate: `EGPO_WRITE_PEFT_FIXTURE=1 swift test --filter PEFTExportTests` rewrites the
/// folders, then `.venv/bin/python scripts/peft_golden.py` the expected values.
@Suite struct PEFTExportTests {
    /// One exported pair and the model it came from.
    struct Case: Sendable, CustomStringConvertible {
        var folder: String
        var config: ModelConfig
        var lora: LoRAConfig
        var tokenIDs: [Int32]
        var description: String { folder }

        var fixture: URL { Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/\(folder)") }

        func model() throws -> Transformer {
            let base = try Transformer(config: config, seed: 3)
            let values = testValues(LoRAAdapters.layout(config: lora, model: config).totalCount, seed: 4, scale: 0.3)
            return base.with(adapters: LoRAAdapters(config: lora, model: config, values: FloatBuffer(values.map { Float($0) }), tokenIDs: tokenIDs))
        }
    }

    static func config(tied: Bool) -> ModelConfig {
        ModelConfig(vocabularySize: 32, hiddenSize: 16, intermediateSize: 24, layerCount: 2, headCount: 4, kvHeadCount: 2,
                    ropeTheta: 10_000, rmsNormEps: 1e-5, tieWordEmbeddings: tied, maxPositionEmbeddings: 64)
    }

    /// peft: rank 4 on every linear layer of an untied model. peft-tokens: rank 2 on q and v of a
    /// tied model, with the rows of tokens 31 and 30 trained (PEFT's `trainable_token_indices`,
    /// the tied head's rows with them).
    static let cases = [
        Case(folder: "peft", config: config(tied: false), lora: LoRAConfig(rank: 4, alpha: 8), tokenIDs: []),
        Case(folder: "peft-tokens", config: config(tied: true),
             lora: LoRAConfig(rank: 2, alpha: 4, targets: [.q_proj, .v_proj], trainableTokens: ["<b>", "<a>"]), tokenIDs: [31, 30]),
    ]

    struct Golden: Decodable {
        var sequences: [[Int32]]
        var peft_logprobs: [[Double]]
        var merged_logprobs: [[Double]]
        var base_logprobs: [[Double]]
    }

    @Test(arguments: cases)
    func theExportedFoldersAreTheOnesPeftScored(_ c: Case) throws {
        let model = try c.model()
        let dir = try Fixtures.temporaryDirectory("peft-export")
        defer { try? FileManager.default.removeItem(at: dir) }
        try HuggingFaceFolder(config: c.config, parameters: model.parameters).write(to: dir.appendingPathComponent("base").path, dtype: .f32)
        try PEFTAdapterFolder.write(model.adapters!, baseModel: "base", to: dir.appendingPathComponent("adapter").path)
        let files = ["base/config.json", "base/model.safetensors", "adapter/adapter_config.json", "adapter/adapter_model.safetensors"]
        if ProcessInfo.processInfo.environment["EGPO_WRITE_PEFT_FIXTURE"] != nil {
            for f in files {
                let target = c.fixture.appendingPathComponent(f)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: dir.appendingPathComponent(f), to: target)
            }
        }
        for f in files {
            let same = try Data(contentsOf: dir.appendingPathComponent(f)) == Data(contentsOf: c.fixture.appendingPathComponent(f))
            #expect(same, "\(c.folder)/\(f) differs from the folder peft scored")
        }
        // An existing folder is refused, and nothing is changed in it.
        #expect(throws: HuggingFaceError.self) {
            try PEFTAdapterFolder.write(model.adapters!, baseModel: "base", to: dir.appendingPathComponent("adapter").path)
        }
    }

    @Test(arguments: cases)
    func logProbsArePeftsAndTheMergedModelsAreTransformers(_ c: Case) throws {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: c.fixture.appendingPathComponent("golden.json")))
        let model = try c.model()
        let merged = LoadedModel(model: model, tokenizer: ByteTokenizer()).merged().model
        #expect(merged.adapters == nil)
        let batch = TokenBatch(golden.sequences)
        func flat(_ rows: [[Double]]) -> [Double] { rows.flatMap { $0 } }
        for (label, m, want) in [("adapted vs peft", model, golden.peft_logprobs), ("merged vs merge_and_unload", merged, golden.merged_logprobs),
                                 ("base vs transformers", model.base, golden.base_logprobs)] {
            let got = m.forward(batch, workspace: TrainingWorkspace(config: c.config)).logProbs
            let close = closeness(got, flat(want), atol: 2e-5, rtol: 1e-5, label: "\(c.folder): \(label)")
            #expect(close.ok, "\(close)")
        }
        // The adapters matter: the adapted model is far from the base.
        let spread = zip(flat(golden.peft_logprobs), flat(golden.base_logprobs)).map { abs($0 - $1) }.max() ?? 0
        #expect(spread > 0.05)
    }
}
