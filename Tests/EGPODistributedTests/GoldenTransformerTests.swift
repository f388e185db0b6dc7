import Foundation
import HDF5
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// The transformer against an independent implementation: transformers' LlamaForCausalLM in
/// float64 (scripts/llama_golden.py, which says how to regenerate the fixtures). The model files
/// are made by `launcher init`; the fixtures hold HF's logits, log-probs, loss and every gradient
/// of the mean cross-entropy on a fixed batch of three sequences of different lengths.
@Suite struct GoldenTransformerTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures")

    @Test(arguments: ["gqa_untied", "bias_tied"])
    func matchesTransformersLlamaForCausalLM(variant: String) throws {
        let loaded = try ModelFile.read(from: Self.folder.appendingPathComponent("golden-\(variant)-model.h5").path)
        let model = loaded.model
        let expected = try HDF5File.open(at: Self.folder.appendingPathComponent("golden-\(variant)-expected.h5").path).root

        let (tokenShape, paddedTokens) = try expected.readDataset("tokens", as: Int64.self)
        let lengths = try expected.readDataset("lengths", as: Int64.self).values
        let sequences = lengths.enumerated().map { b, n in (0..<Int(n)).map { Int32(paddedTokens[b * tokenShape[1] + $0]) } }
        let batch = TokenBatch(sequences)
        let workspace = TrainingWorkspace(config: model.config)

        // Logits: about 1e-4 relative to their scale.
        let logits = model.logits(batch, workspace: workspace)
        let expectedLogits = try expected.readDataset("logits", as: Double.self, expectedShape: [batch.predictionCount, model.config.vocabularySize]).values
        let logitScale = expectedLogits.map(abs).max()!
        let logitCheck = closeness(logits, expectedLogits, atol: 1e-4 * logitScale, rtol: 1e-4, label: "\(variant) logits")
        #expect(logitCheck.ok, "\(logitCheck)")

        // Log-probabilities and the loss.
        let scores = model.forward(batch, workspace: workspace)
        let expectedLogProbs = try expected.readDataset("logprobs", as: Double.self).values
        let logProbCheck = closeness(scores.logProbs, expectedLogProbs, atol: 1e-5, rtol: 1e-4, label: "\(variant) logprobs")
        #expect(logProbCheck.ok, "\(logProbCheck)")
        let loss = -scores.logProbs.reduce(0) { $0 + Double($1) } / Double(batch.predictionCount)
        let expectedLoss = try expected.readDataset("loss", as: Double.self).values[0]
        #expect(abs(loss - expectedLoss) <= 1e-4 * abs(expectedLoss), "\(variant) loss \(loss) vs transformers \(expectedLoss)")

        // Every gradient of the mean cross-entropy, tensor by tensor, relative to the tensor's scale.
        let gradients = model.makeGradientBuffer()
        let weights = [Float](repeating: -1 / Float(batch.predictionCount), count: batch.predictionCount)
        model.backward(batch, logProbWeights: weights, gradients: gradients, workspace: workspace)
        try expectGradientsMatch(gradients, layout: model.layout, expected: expected, label: variant)
    }

    @Test func modelFilesRoundTripAndRefuseForeignTensors() throws {
        let folder = try Fixtures.temporaryDirectory("modelfile")
        let config = ModelConfig(vocabularySize: 270, hiddenSize: 16, intermediateSize: 24, layerCount: 1, headCount: 2,
                                 kvHeadCount: 1, maxPositionEmbeddings: 32)
        let model = try Transformer(config: config, seed: 5)
        let path = folder.appendingPathComponent("m.h5").path
        try ModelFile.write(model, tokenizer: ByteTokenizer(), to: path)
        let loaded = try ModelFile.read(from: path)
        #expect(loaded.model.config == config)
        #expect(Array(UnsafeBufferPointer(start: loaded.model.parameters.base, count: config.parameterCount))
                == Array(UnsafeBufferPointer(start: model.parameters.base, count: config.parameterCount)))
        #expect(loaded.tokenizer.tokenizerJSON() == nil)

        // A tensor from another architecture (a second layer) is refused by name.
        let file = try HDF5File.open(at: path, writable: true)
        try file.root.writeDataset("model.layers.1.mlp.up_proj.weight", [Float](repeating: 0, count: 4), shape: [2, 2])
        try file.close()
        let error = #expect(throws: ModelFileError.self) { try ModelFile.read(from: path) }
        #expect("\(error!)".contains("model.layers.1.mlp.up_proj.weight"))

        // A tokenizer larger than the vocabulary is refused.
        let small = ModelConfig(vocabularySize: 100, hiddenSize: 16, intermediateSize: 24, layerCount: 1, headCount: 2)
        let smallPath = folder.appendingPathComponent("small.h5").path
        try ModelFile.write(try Transformer(config: small, seed: 1), tokenizer: ByteTokenizer(), to: smallPath)
        let vocabError = #expect(throws: ModelFileError.self) { try ModelFile.read(from: smallPath) }
        #expect("\(vocabError!)".contains("raise vocab_size"))
    }
}
