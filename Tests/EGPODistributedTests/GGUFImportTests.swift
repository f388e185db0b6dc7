import Foundation
import FunctionCalling
import Testing
import TestSupport
@testable import EGPODistributed

/// `launcher import --from FILE.gguf` on tiny-llama.gguf (scripts/gguf_fixtures.py: a 2-layer
/// Llama laid out as llama.cpp's converter writes one, q/k rows permuted, Q8_0/Q4_1/Q5_0/Q5_1/Q4_0
/// weights, a byte-level BPE vocabulary lacking 21 bytes, SmolLM2's chat template), against what
/// transformers makes of the same file (tiny-llama.expected.json): parameters in Hugging Face
/// order, log-probabilities, and token ids from the `tokenizers` library.
@Suite struct GGUFImportTests {
    nonisolated(unsafe) static let expected: [String: Any] = {
        let data = try! Data(contentsOf: GGUFFixtures.folder.appendingPathComponent("tiny-llama.expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    @Test func configTokenizerAndTemplateComeFromTheMetadata() throws {
        let (folder, summary) = try HuggingFaceFolder.read(gguf: GGUFFixtures.path("tiny-llama.gguf"))
        let c = folder.config
        #expect(c == ModelConfig(vocabularySize: 278, hiddenSize: 32, intermediateSize: 64, layerCount: 2, headCount: 4, kvHeadCount: 2,
                                 ropeTheta: 100_000, rmsNormEps: Double(Float(1e-5)), tieWordEmbeddings: true, maxPositionEmbeddings: 256,
                                 architecture: .llama, headDim: 8))
        #expect(summary.tensorTypes == ["F32": 5, "Q8_0": 3, "Q4_1": 6, "Q5_0": 2, "Q5_1": 2, "Q4_0": 2])
        #expect(summary.missingBytes.map(Int.init) == Self.expected["missingBytes"] as! [Int])
        #expect(summary.specialIDs == GGUFTokenizer.SpecialIDs(bos: 1, eos: 2, unknown: 0, padding: 2, addBOS: false))
        #expect(summary.chatTemplate?.template == .chatml)
        #expect(summary.chatTemplate?.options.systemMessage == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        let tokenizer = try #require(folder.tokenizer)
        #expect(tokenizer.vocabSize == 278 && tokenizer.merges.count == Self.expected["mergeCount"] as! Int)
        #expect(tokenizer.specialTokens.map(\.content) == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        let config = try JSONSerialization.jsonObject(with: Data(folder.files["tokenizer_config.json"]!.utf8)) as! [String: Any]
        #expect(config["eos_token"] as? String == "<|im_end|>" && config["chat_template"] as? String != nil)
    }

    /// The recognised ChatML template renders what transformers' `apply_chat_template` renders
    /// with the file's own template (SmolLM2's, default system message included).
    @Test func chatMLPromptsEqualTransformersApplyChatTemplate() throws {
        let (_, summary) = try HuggingFaceFolder.read(gguf: GGUFFixtures.path("tiny-llama.gguf"))
        let (template, options) = try #require(summary.chatTemplate)
        for case let c as [String: Any] in Self.expected["chat"] as! [Any] {
            let messages = (c["messages"] as! [[String: String]]).map { Message(role: $0["role"]!, content: $0["content"]!) }
            let want = c["prompt"] as! String
            #expect(template.prompt(functions: [], messages: messages, options: options) == want)
        }
    }

    @Test func parametersEqualTransformersGGUFLoaderInHuggingFaceOrder() throws {
        let (folder, _) = try HuggingFaceFolder.read(gguf: GGUFFixtures.path("tiny-llama.gguf"))
        let layout = folder.config.parameterLayout
        let want = Self.expected["parameters"] as! [String: [String: Any]]
        #expect(Set(want.keys) == Set(layout.entries.map(\.name)))
        for entry in layout.entries {
            let w = try #require(want[entry.name])
            #expect(entry.shape == w["shape"] as! [Int], "\(entry.name)")
            let values = UnsafeBufferPointer(start: folder.parameters.base + entry.offset, count: entry.count)
            let first = (w["first"] as! [Double]).map(Float.init)
            #expect(Array(values.prefix(first.count)) == first, "\(entry.name): first values \(Array(values.prefix(4))) vs \(first.prefix(4))")
            let sum = values.reduce(0.0) { $0 + Double($1) }
            #expect(abs(sum - (w["sum"] as! Double)) <= 1e-9 * Double(entry.count) + 1e-6, "\(entry.name): sum \(sum) vs \(w["sum"]!)")
        }
    }

    @Test func logProbabilitiesEqualTransformersOnTheSameGGUF() throws {
        let (folder, _) = try HuggingFaceFolder.read(gguf: GGUFFixtures.path("tiny-llama.gguf"))
        let model = try Transformer(config: folder.config, parameters: folder.parameters)
        let sequences = (Self.expected["sequences"] as! [[Int]]).map { $0.map(Int32.init) }
        let want = (Self.expected["logprobs"] as! [[Double]]).flatMap { $0 }
        let scores = model.forward(TokenBatch(sequences), workspace: TrainingWorkspace(config: model.config))
        let largest = zip(scores.logProbs, want).map { abs(Double($0) - $1) }.max()!
        #expect(scores.logProbs.count == want.count)
        #expect(largest < 1e-4, "largest |Δ log p| \(largest) over \(want.count) tokens")
    }

    @Test func tokenIdsEqualTheTokenizersLibraryWithMissingBytesSkipped() throws {
        let (folder, _) = try HuggingFaceFolder.read(gguf: GGUFFixtures.path("tiny-llama.gguf"))
        let tokenizer = try #require(folder.tokenizer)
        // The tokenizer.json the model file stores reads back to the same tokenizer.
        let reread = try BPETokenizer(json: tokenizer.jsonText())
        for case let c as [String: Any] in Self.expected["corpus"] as! [Any] {
            let text = c["text"] as! String, want = (c["ids"] as! [Int]).map(Int32.init)
            #expect(tokenizer.encode(text) == want, "\(text.debugDescription): \(tokenizer.encode(text)) vs \(want)")
            #expect(reread.encode(text) == want, "re-read: \(text.debugDescription)")
        }
    }

    @Test func importWritesAModelFileThatLoadsAndExports() throws {
        let dir = try Fixtures.temporaryDirectory("gguf-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("tiny.h5").path
        let (folder, _) = try HuggingFaceFolder.read(gguf: GGUFFixtures.path("tiny-llama.gguf"))
        try ModelFile.write(folder, to: out)
        let loaded = try ModelFile.read(from: out)
        #expect(loaded.model.config == folder.config)
        #expect(Array(loaded.model.parameters.bufferPointer) == Array(folder.parameters.bufferPointer))
        #expect(loaded.tokenizer.encode("x  1\t\t22") == folder.tokenizer!.encode("x  1\t\t22"))
        #expect(loaded.huggingFaceFiles["tokenizer_config.json"] != nil)
        // Training and eval take ChatML's default system message from the model's own template.
        #expect(loaded.templateOptions(for: .chatml).systemMessage == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        #expect(loaded.templateOptions(for: .chatml, ChatTemplate.Options(systemMessage: "Be brief.")).systemMessage == "Be brief.")
        #expect(loaded.templateOptions(for: .qwen25).systemMessage == nil)
    }

    /// The command line: the import's report, and a truncated file refused in one line naming it.
    @Test func launcherImportsAGGUFAndRefusesATruncatedOne() throws {
        let dir = try Fixtures.temporaryDirectory("gguf-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("tiny.h5").path
        let run = try LauncherBinary.run(["import", "--from", GGUFFixtures.path("tiny-llama.gguf"), "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("imported GGUF v3 llama") && run.stdout.contains("tied embeddings true"), "\(run.stdout)")
        #expect(run.stdout.contains("chat template chatml with default system message"), "\(run.stdout)")
        #expect(try ModelFile.read(from: out).model.config.layerCount == 2)

        let bytes = try GGUFFixtures.bytes("tiny-llama.gguf")
        let cut = dir.appendingPathComponent("cut.gguf").path
        try Data(bytes.dropLast(100)).write(to: URL(fileURLWithPath: cut))
        let refused = try LauncherBinary.run(["import", "--from", cut, "--out", dir.appendingPathComponent("cut.h5").path])
        let message = refused.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(refused.status != 0)
        #expect(message.contains("\(cut): truncated: tensor output_norm.weight") && !message.contains("\n"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("cut.h5").path))
    }

    /// A file that is GGUF but not an importable Llama: each refused naming the key or tensor.
    @Test func unsupportedArchitectureTokenizerTemplateAndNaNAreRefusedByName() throws {
        func base() -> GGUFTestWriter {
            var w = GGUFTestWriter()
            w.metadata = [("general.architecture", .string("llama")), ("llama.block_count", .uint32(1)), ("llama.context_length", .uint32(64)),
                          ("llama.embedding_length", .uint32(8)), ("llama.feed_forward_length", .uint32(16)), ("llama.attention.head_count", .uint32(2)),
                          ("llama.attention.layer_norm_rms_epsilon", .float32(1e-5)),
                          ("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string("gpt2")),
                          ("tokenizer.ggml.tokens", .strings(["a", "b", "ab", "<|im_end|>"])), ("tokenizer.ggml.token_type", .int32s([1, 1, 1, 3])),
                          ("tokenizer.ggml.merges", .strings(["a b"]))]
            let shapes: [(String, [Int])] = [("token_embd.weight", [4, 8]), ("blk.0.attn_norm.weight", [8]), ("blk.0.attn_q.weight", [8, 8]),
                                             ("blk.0.attn_k.weight", [8, 8]), ("blk.0.attn_v.weight", [8, 8]), ("blk.0.attn_output.weight", [8, 8]),
                                             ("blk.0.ffn_norm.weight", [8]), ("blk.0.ffn_gate.weight", [16, 8]), ("blk.0.ffn_up.weight", [16, 8]),
                                             ("blk.0.ffn_down.weight", [8, 16]), ("output_norm.weight", [8])]
            w.tensors = shapes.map { ($0.0, $0.1, (0 ..< $0.1.reduce(1, *)).map { Float($0 % 7) / 10 }) }
            return w
        }
        func refusal(_ edit: (inout GGUFTestWriter) -> Void) throws -> String {
            var w = base()
            edit(&w)
            let path = try GGUFFixtures.temporary(w.bytes())
            do { _ = try HuggingFaceFolder.read(gguf: path); return "imported" } catch { return "\(error)" }
        }
        #expect(try refusal { _ in } == "imported")
        func set(_ key: String, _ value: GGUFTestWriter.Value) -> (inout GGUFTestWriter) -> Void {
            { w in w.metadata = w.metadata.map { $0.0 == key ? (key, value) : $0 } }
        }
        #expect(try refusal(set("general.architecture", .string("gemma2"))).contains("general.architecture = gemma2 is not supported (supported: llama)"))
        #expect(try refusal(set("tokenizer.ggml.model", .string("llama"))).contains("tokenizer.ggml.model = llama is not supported"))
        #expect(try refusal(set("tokenizer.ggml.pre", .string("deepseek-coder"))).contains("tokenizer.ggml.pre = deepseek-coder is not supported"))
        #expect(try refusal { $0.metadata.append(("tokenizer.chat_template", .string("{{ bos_token }}{% for m in messages %}[INST]{% endfor %}"))) }
                    .contains("tokenizer.chat_template = \"{{ bos_token }}"))
        #expect(try refusal { $0.metadata.append(("llama.expert_count", .uint32(8))) }.contains("llama.expert_count = 8 is not supported"))
        #expect(try refusal { $0.metadata.append(("llama.attention.sliding_window", .uint32(8))) }.contains("llama.attention.sliding_window"))
        #expect(try refusal { $0.tensors[3].values[5] = .nan }.contains("tensor blk.0.attn_k.weight element 5 is nan"))
        #expect(try refusal { $0.tensors.remove(at: 9) }.contains("tensor blk.0.ffn_down.weight [8, 16] is missing"))
        #expect(try refusal { $0.tensors.append(("blk.0.extra.weight", [8], [Float](repeating: 0, count: 8))) }
                    .contains("tensor blk.0.extra.weight is not part of this architecture"))
    }

    /// llama.cpp's permute, written as the converter writes it, undone by `unpermute`.
    @Test func unpermuteInvertsTheConvertersPermutation() {
        let heads = 3, d = 8, row = 5
        let hf = (0 ..< heads * d * row).map(Float.init)
        var gguf = [Float](repeating: 0, count: hf.count)
        // reshape(heads, 2, d/2, row).swapaxes(1, 2): GGUF row h*d + 2i + s is HF row h*d + s*d/2 + i.
        for h in 0 ..< heads { for i in 0 ..< d / 2 { for s in 0 ..< 2 { for c in 0 ..< row {
            gguf[(h * d + 2 * i + s) * row + c] = hf[(h * d + s * d / 2 + i) * row + c]
        } } } }
        gguf.withUnsafeMutableBufferPointer { GGUFLlamaModel.unpermute($0, heads: heads, rowLength: row) }
        #expect(gguf == hf)
    }
}
