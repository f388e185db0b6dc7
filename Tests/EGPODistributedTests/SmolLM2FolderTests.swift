import Foundation
import FunctionCalling
import Testing
import TestSupport
@testable import EGPODistributed

/// SmolLM2 as a Hugging Face safetensors folder (issue 17 item 2), made the way a user makes one:
/// scripts/smollm2_folder.py loads the GGUF with transformers, copies the weights into a fresh
/// LlamaForCausalLM and `save_pretrained`s it with the tokenizer, editing nothing. `launcher
/// import` must take that folder as saved: config keys that do not change the computation
/// (`unk_token_id`, `_model_name_or_path`, a gguf `quantization_config` over dequantised weights,
/// and the hub folders' `is_llama_config`, `rope_interleaved: false`, `pretraining_tp: 1`,
/// `transformers.js_config`), chat_template.jinja, and a tokenizer.json lacking 21 byte tokens
/// with either the saved ByteLevel pre-tokenizer or the hub's [Digits, ByteLevel].
///
/// Fixtures/smollm2-tiny is a 2-layer model with SmolLM2's config keys and tokenizer layout
/// written by the same script (`--tiny`), with goldens from the `tokenizers` library and
/// transformers; the full-size check runs on the cached folder (`make smollm2-folder`) against
/// Fixtures/smollm2/folder-*.json and says "skipped" without it.
@Suite struct SmolLM2FolderTests {
    static let tiny = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/smollm2-tiny")
    static let goldens = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/smollm2")
    static let smolSystem = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

    /// A copy of the tiny folder with hub/config.json and hub/tokenizer.json in place of the saved ones.
    static func hubFolder() throws -> String {
        let dir = try Fixtures.temporaryDirectory("smollm2-hub").appendingPathComponent("folder")
        try FileManager.default.copyItem(at: tiny, to: dir)
        for name in ["config.json", "tokenizer.json"] {
            try FileManager.default.removeItem(at: dir.appendingPathComponent(name))
            try FileManager.default.copyItem(at: tiny.appendingPathComponent("hub/" + name), to: dir.appendingPathComponent(name))
        }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("hub"))
        return dir.path
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func rows(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func theSavedFolderImportsAsSaved() throws {
        let folder = try HuggingFaceFolder.read(from: Self.tiny.path)
        #expect(folder.config == ModelConfig(vocabularySize: 512, hiddenSize: 48, intermediateSize: 96, layerCount: 2, headCount: 3,
                                             kvHeadCount: 1, ropeTheta: 100_000, rmsNormEps: Double(Float(1e-5)), tieWordEmbeddings: true,
                                             maxPositionEmbeddings: 8192, architecture: .llama, headDim: 16))
        #expect(folder.files.keys.sorted() == ["chat_template.jinja", "generation_config.json", "tokenizer.json", "tokenizer_config.json"])
        let tokenizer = try #require(folder.tokenizer)
        #expect(tokenizer.pipeline.split == .gpt2 && tokenizer.vocabSize == 512)
        #expect((0 ..< 256).filter { tokenizer.byteIDs[$0] < 0 }.count == 21)

        // The model file keeps chat_template.jinja, and chatml takes SmolLM2's default system message from it.
        let out = try Fixtures.temporaryDirectory("smollm2-tiny-import").appendingPathComponent("tiny.h5").path
        try ModelFile.write(folder, to: out)
        let loaded = try ModelFile.read(from: out)
        #expect(loaded.huggingFaceFiles["chat_template.jinja"] == folder.files["chat_template.jinja"])
        #expect(loaded.templateOptions(for: .chatml).systemMessage == Self.smolSystem)
    }

    /// The hub's spelling of the same model (nanotron's keys, rope_theta at the top, the
    /// [Digits, ByteLevel] pre-tokenizer) reads to the same config and weights.
    @Test func theHubFolderImportsToTheSameModel() throws {
        let saved = try HuggingFaceFolder.read(from: Self.tiny.path)
        let hub = try HuggingFaceFolder.read(from: try Self.hubFolder())
        #expect(hub.config == saved.config)
        #expect(Array(hub.parameters.bufferPointer) == Array(saved.parameters.bufferPointer))
        #expect(hub.tokenizer?.pipeline.split == .gpt2Digits)
    }

    @Test func tokenIdsEqualTheTokenizersLibrary() throws {
        let saved = try #require(try HuggingFaceFolder.read(from: Self.tiny.path).tokenizer)
        let hub = try #require(try HuggingFaceFolder.read(from: try Self.hubFolder()).tokenizer)
        // The model file stores the tokenizer as BPETokenizer writes it: that text must encode alike.
        let savedAgain = try BPETokenizer(json: saved.jsonText()), hubAgain = try BPETokenizer(json: hub.jsonText())
        var tokens = 0, differ: [String] = [], pipelinesDiffer = 0
        for row in try Self.rows(Self.tiny.appendingPathComponent("tokens.jsonl")) {
            let text = row["text"] as! String, source = row["source"] as! String
            let ids = (row["ids"] as! [Int]).map(Int32.init), hubIDs = (row["hub_ids"] as! [Int]).map(Int32.init)
            tokens += ids.count
            if ids != hubIDs { pipelinesDiffer += 1 }
            if saved.encode(text) != ids || savedAgain.encode(text) != ids { differ.append("saved " + source) }
            if hub.encode(text) != hubIDs || hubAgain.encode(text) != hubIDs { differ.append("hub " + source) }
        }
        print("SmolLM2-shaped tokenizer.json (saved and hub): \(differ.count) texts differ from tokenizers over \(tokens) tokens; "
              + "the two pipelines part on \(pipelinesDiffer) texts")
        #expect(differ.isEmpty, "\(differ)")
        #expect(pipelinesDiffer > 0 && tokens > 1000)
    }

    @Test func logProbabilitiesAgreeWithTransformers() throws {
        let folder = try HuggingFaceFolder.read(from: Self.tiny.path)
        let golden = try Self.json(Self.tiny.appendingPathComponent("logprobs.json"))
        let sequences = (golden["sequences"] as! [[Int]]).map { $0.map(Int32.init) }
        let want = (golden["logprobs"] as! [[Double]]).flatMap { $0 }
        let model = try Transformer(config: folder.config, parameters: folder.parameters)
        let got = model.forward(TokenBatch(sequences), workspace: TrainingWorkspace(config: model.config)).logProbs
        #expect(got.count == want.count)
        let largest = zip(got, want).map { abs(Double($0) - $1) }.max()!
        print("SmolLM2-shaped folder: max |Δ log p| against transformers \(largest) over \(want.count) tokens")
        #expect(largest < 1e-4, "max |Δ log p| \(largest)")
    }

    /// Each key the saved or hub config has beyond what ModelConfig reads is accepted; keys (or
    /// values) that would change the computation are refused naming the key.
    @Test func configKeysThatChangeTheComputationAreStillRefused() throws {
        let base = try Self.json(Self.tiny.appendingPathComponent("config.json"))
        let hub = try Self.json(Self.tiny.appendingPathComponent("hub/config.json"))
        func parse(_ object: [String: Any]) throws -> ModelConfig {
            try HuggingFaceFolder.parseConfig(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self), path: "config.json")
        }
        let expected = try parse(base)
        #expect(try parse(hub) == expected)
        for key in ["unk_token_id", "_model_name_or_path", "quantization_config", "pretraining_tp"] { #expect(base[key] != nil, "\(key)") }
        for key in ["is_llama_config", "rope_interleaved", "transformers.js_config", "torch_dtype", "rope_scaling"] { #expect(hub[key] != nil, "\(key)") }
        func refused(_ key: String, _ value: Any) -> Bool {
            var object = base
            object[key] = value
            do { _ = try parse(object); return false } catch { return "\(error)".contains(key) }
        }
        #expect(refused("rope_interleaved", true))
        #expect(refused("quantization_config", ["quant_method": "bitsandbytes", "load_in_4bit": true]))
        #expect(refused("pretraining_tp", 2))
        #expect(refused("attention_dropout", 0.1))
        #expect(refused("rope_parameters", ["rope_type": "yarn", "factor": 4.0, "rope_theta": 1e5]))
        #expect(refused("some_new_option", true))
    }

    @Test func launcherImportsTheSavedFolder() throws {
        let dir = try Fixtures.temporaryDirectory("smollm2-tiny-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("tiny.h5").path
        let run = try LauncherBinary.run(["import", "--from", Self.tiny.path, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("imported LlamaForCausalLM") && run.stdout.contains("chat_template.jinja"), "\(run.stdout)")
    }

    /// ${EGPO_CACHE:-~/.cache/egpo}/smollm2/SmolLM2-135M-Instruct-hf, where `make smollm2-folder` writes it.
    static var cachedFolder: String? {
        let env = ProcessInfo.processInfo.environment
        let path = (env["EGPO_CACHE"] ?? (env["HOME"] ?? NSHomeDirectory()) + "/.cache/egpo") + "/smollm2/SmolLM2-135M-Instruct-hf"
        return FileManager.default.fileExists(atPath: path + "/config.json") ? path : nil
    }

    /// The full-size folder: its config.json is the stored one, its weights are the GGUF import's,
    /// its log-probabilities are transformers' (loading the folder) and its token ids those of
    /// `tokenizers` with the saved tokenizer.json.
    @Test func fullSizeFolderAgreesWithTransformersAndTheGGUFImport() throws {
        guard let path = Self.cachedFolder, let gguf = SmolLM2ReferenceTests.cachedGGUF else {
            print("skipped: no cached SmolLM2 folder (make smollm2-folder)")
            return
        }
        let folder = try HuggingFaceFolder.read(from: path)
        #expect(try String(contentsOfFile: path + "/config.json", encoding: .utf8)
                == String(contentsOf: Self.goldens.appendingPathComponent("folder-config.json"), encoding: .utf8))
        let (fromGGUF, _) = try HuggingFaceFolder.read(gguf: gguf)
        #expect(folder.config == fromGGUF.config)
        let weightGap = zip(folder.parameters.bufferPointer, fromGGUF.parameters.bufferPointer).map { abs($0 - $1) }.max()!
        print("SmolLM2 folder: max |Δ weight| against the GGUF import \(weightGap) over \(folder.parameters.count)")
        #expect(weightGap == 0)

        let golden = try Self.json(Self.goldens.appendingPathComponent("folder-logprobs.json"))
        let sequences = (golden["sequences"] as! [[Int]]).map { $0.map(Int32.init) }
        let want = golden["logprobs"] as! [[Double]]
        let model = try Transformer(config: folder.config, parameters: folder.parameters)
        let ggufModel = try Transformer(config: fromGGUF.config, parameters: fromGGUF.parameters)
        let workspace = TrainingWorkspace(config: model.config)
        var largest = 0.0, count = 0, ggufGap: Float = 0
        for (k, sequence) in sequences.enumerated() {
            let got = model.forward(TokenBatch([sequence]), workspace: workspace).logProbs
            let viaGGUF = ggufModel.forward(TokenBatch([sequence]), workspace: workspace).logProbs
            #expect(got.count == want[k].count)
            largest = max(largest, zip(got, want[k]).map { abs(Double($0) - $1) }.max()!)
            ggufGap = max(ggufGap, zip(got, viaGGUF).map { abs($0 - $1) }.max()!)
            count += got.count
        }
        print("SmolLM2 folder: max |Δ log p| against transformers loading the folder \(largest), against the GGUF import \(ggufGap), over \(count) tokens")
        #expect(largest < 2e-3 && ggufGap == 0)

        let tokenizer = try #require(folder.tokenizer)
        let texts = Dictionary(uniqueKeysWithValues: try Self.rows(Self.goldens.appendingPathComponent("tokens.jsonl")).map {
            ($0["source"] as! String, $0["text"] as! String)
        })
        var tokens = 0, differ: [String] = []
        for row in try Self.rows(Self.goldens.appendingPathComponent("folder-tokens.jsonl")) {
            let source = row["source"] as! String, want = (row["ids"] as! [Int]).map(Int32.init)
            tokens += want.count
            if tokenizer.encode(try #require(texts[source])) != want { differ.append(source) }
        }
        print("SmolLM2 folder token ids: \(differ.count) of \(texts.count) texts (\(tokens) tokens) differ from tokenizers on the saved tokenizer.json")
        #expect(differ.isEmpty && tokens > 0, "\(differ)")
    }
}
