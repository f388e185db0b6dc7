import Foundation
import HDF5
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// Hugging Face folders made by transformers (scripts/hf_golden.py, which says how to regenerate
/// them): Llama with llama3 RoPE (fp32, untied), Qwen2 (bf16, tied), Qwen3 with head_dim 16 != 32/4
/// (fp16, two shards), Llama with linear RoPE (tied). Imported, the model must give transformers'
/// float64 logits and every gradient of the mean cross-entropy within 1e-4 of scale.
@Suite struct HuggingFaceGoldenTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/hf")
    static let variants = ["llama3-untied", "qwen2-tied-bf16", "qwen3-headdim-fp16-sharded", "llama-linear-tied"]

    @Test(arguments: variants)
    func importedFolderMatchesTransformers(variant: String) throws {
        let imported = try HuggingFaceFolder.read(from: Self.folder.appendingPathComponent(variant).path)
        let model = try Transformer(config: imported.config, parameters: imported.parameters)
        let expected = try HDF5File.open(at: Self.folder.appendingPathComponent("\(variant)-expected.h5").path).root
        let (tokenShape, padded) = try expected.readDataset("tokens", as: Int64.self)
        let lengths = try expected.readDataset("lengths", as: Int64.self).values
        let batch = TokenBatch(lengths.enumerated().map { b, n in (0..<Int(n)).map { Int32(padded[b * tokenShape[1] + $0]) } })
        let workspace = TrainingWorkspace(config: model.config)

        let logits = model.logits(batch, workspace: workspace)
        let want = try expected.readDataset("logits", as: Double.self, expectedShape: [batch.predictionCount, model.config.vocabularySize]).values
        let scale = want.map(abs).max()!
        let check = closeness(logits, want, atol: 1e-4 * scale, rtol: 1e-4, label: "\(variant) logits")
        #expect(check.ok, "\(check)")

        model.forward(batch, workspace: workspace)
        let gradients = model.makeGradientBuffer()
        model.backward(batch, logProbWeights: [Float](repeating: -1 / Float(batch.predictionCount), count: batch.predictionCount),
                       gradients: gradients, workspace: workspace)
        try expectGradientsMatch(gradients, layout: model.layout, expected: expected, label: variant)
    }

    @Test func architecturesAndConversionsAreThoseOfTheFixtures() throws {
        let qwen3 = try HuggingFaceFolder.read(from: Self.folder.appendingPathComponent("qwen3-headdim-fp16-sharded").path)
        #expect(qwen3.config.architecture == .qwen3 && qwen3.config.headDim == 16 && !qwen3.config.tieWordEmbeddings)
        #expect(qwen3.files["generation_config.json"] != nil)
        let qwen2 = try HuggingFaceFolder.read(from: Self.folder.appendingPathComponent("qwen2-tied-bf16").path)
        #expect(qwen2.config.architecture == .qwen2 && qwen2.config.tieWordEmbeddings && qwen2.config.ropeTheta == 1e6)
        let llama = try HuggingFaceFolder.read(from: Self.folder.appendingPathComponent("llama3-untied").path)
        #expect(llama.config.ropeScaling == .llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16))
        // bf16 -> fp32 is exact: every imported value has zero low 16 bits.
        #expect(qwen2.parameters.toArray().allSatisfy { $0.bitPattern & 0xFFFF == 0 })
        // fp16 -> fp32 round-trips through Float16 exactly.
        #expect(qwen3.parameters.toArray().allSatisfy { Float(Float16($0)) == $0 })
    }

    @Test func safetensorsRoundTripInEveryDType() throws {
        let values: [Float] = [0, 1, -2.5, 3.1415927, 1e-3, -65504, 0.33333334, 7e-8]
        for dtype in SafeTensors.DType.allCases {
            let dir = try Fixtures.temporaryDirectory("safetensors-\(dtype.rawValue)")
            let path = dir.appendingPathComponent("t.safetensors").path
            let data = try values.withUnsafeBufferPointer { try SafeTensors.encode([(name: "a", shape: [2, 4], values: $0)], dtype: dtype) }
            try data.write(to: URL(fileURLWithPath: path))
            let file = try SafeTensors.File(path: path)
            #expect(file.entries["a"]?.shape == [2, 4] && file.entries["a"]?.dtype == dtype)
            var out = [Float](repeating: .nan, count: 8)
            try out.withUnsafeMutableBufferPointer { try file.read("a", into: $0) }
            let want: [Float] = values.map { x in
                switch dtype {
                case .f32: return x
                case .f16: return Float(Float16(x))
                case .bf16: return Float(bitPattern: UInt32(SafeTensors.bfloat16Bits(x)) << 16)
                }
            }
            #expect(out == want, "\(dtype): \(out) vs \(want)")
        }
        // bf16 rounds to nearest even: 1 + 2^-8 (a tie) goes to 1, 1 + 3 * 2^-8 goes up.
        #expect(SafeTensors.bfloat16Bits(1 + 1.0 / 256) == 0x3F80)
        #expect(SafeTensors.bfloat16Bits(1 + 3.0 / 256) == 0x3F82)
    }

    @Test func badFilesAndConfigsAreRefusedNamingTheProblem() throws {
        let dir = try Fixtures.temporaryDirectory("safetensors-bad")
        let path = dir.appendingPathComponent("bad.safetensors").path
        let values: [Float] = [1, 2, 3, 4]
        var data = try values.withUnsafeBufferPointer { try SafeTensors.encode([(name: "w", shape: [4], values: $0)], dtype: .f32) }
        data.removeLast(4)   // truncated: the tensor's end offset is now past the file
        try data.write(to: URL(fileURLWithPath: path))
        #expect { try SafeTensors.File(path: path) } throws: { error in
            "\(error)".contains("bad.safetensors") && "\(error)".contains("tensor w") && "\(error)".contains("data_offsets")
        }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        #expect { try SafeTensors.File(path: path) } throws: { "\($0)".contains("shorter than the 8-byte header") }

        let base = try String(contentsOf: Self.folder.appendingPathComponent("qwen2-tied-bf16/config.json"), encoding: .utf8)
        func refused(_ edit: (inout [String: Any]) -> Void, naming key: String) throws -> Bool {
            var object = try JSONSerialization.jsonObject(with: Data(base.utf8)) as! [String: Any]
            edit(&object)
            let text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            do { _ = try HuggingFaceFolder.parseConfig(text, path: "config.json"); return false } catch { return "\(error)".contains(key) }
        }
        #expect(try refused({ $0["architectures"] = ["MistralForCausalLM"] }, naming: "architectures"))
        #expect(try refused({ $0["use_sliding_window"] = true }, naming: "use_sliding_window"))
        #expect(try refused({ $0["quantization_config"] = ["bits": 4] }, naming: "quantization_config"))
        #expect(try refused({ $0["rope_parameters"] = ["rope_type": "yarn", "factor": 4.0, "rope_theta": 1e6] }, naming: "yarn"))
        #expect(try refused({ $0["attention_dropout"] = 0.1 }, naming: "attention_dropout"))
        #expect(try !refused({ $0["transformers_version"] = "9.9" }, naming: "transformers_version"))
    }

    /// Import, one SGD step on the mean cross-entropy, export in fp32, re-import: the exported
    /// parameters equal the trained ones bit for bit, and config.json reproduces the config.
    @Test(arguments: variants)
    func exportAfterATrainingStepReimportsBitForBit(variant: String) throws {
        let imported = try HuggingFaceFolder.read(from: Self.folder.appendingPathComponent(variant).path)
        let model = try Transformer(config: imported.config, parameters: imported.parameters)
        let batch = TokenBatch([[1, 5, 9, 3, 7, 2], [4, 4, 8]])
        let ws = TrainingWorkspace(config: model.config)
        model.forward(batch, workspace: ws)
        let g = model.makeGradientBuffer()
        model.backward(batch, logProbWeights: [Float](repeating: -1 / Float(batch.predictionCount), count: batch.predictionCount),
                       gradients: g, workspace: ws)
        for i in 0..<model.parameters.count { model.parameters[i] -= 0.1 * g[i] }

        let dir = try Fixtures.temporaryDirectory("hf-export-\(variant)")
        let modelPath = dir.appendingPathComponent("trained.h5").path
        try ModelFile.write(HuggingFaceFolder(config: model.config, parameters: model.parameters, files: imported.files), to: modelPath)
        let reloaded = try ModelFile.read(from: modelPath)
        #expect(reloaded.model.parameters.toArray() == model.parameters.toArray())
        #expect(try ModelFile.huggingFaceFiles(at: modelPath) == imported.files)

        let out = dir.appendingPathComponent("exported").path
        try HuggingFaceFolder(config: model.config, parameters: model.parameters, files: imported.files).write(to: out, dtype: .f32)
        let back = try HuggingFaceFolder.read(from: out)
        #expect(back.config == model.config)
        #expect(back.parameters.toArray() == model.parameters.toArray(), "\(variant): exported fp32 parameters differ from the trained ones")
        #expect(back.files == imported.files)
        #expect(throws: HuggingFaceError.self) { try back.write(to: out, dtype: .f32) }   // refuses to overwrite
        // bf16 export re-imports as the bf16 rounding of each parameter.
        let bf16 = dir.appendingPathComponent("exported-bf16").path
        try back.write(to: bf16, dtype: .bf16)
        let rounded = try HuggingFaceFolder.read(from: bf16).parameters.toArray()
        #expect(rounded == model.parameters.toArray().map { Float(bitPattern: UInt32(SafeTensors.bfloat16Bits($0)) << 16) })
    }
}
