@testable import EGPODistributed
import Foundation
import ShardedTensor
import Testing
import TestSupport

/// `precision: bf16` on the whole model: the linear layers' and the head's products take bf16
/// inputs (weights rounded once per update, activations per call) and accumulate in fp32.
/// - naive twin: the Double reference model with every product's input and weight rounded to
///   bf16 gives the bf16 model's log-probabilities and entropies within 1e-5 (measured 2-4e-7:
///   what is left is fp32 accumulation);
/// - against fp32, on tiny configs with deliberately large weights (uniform on ±0.6, so every
///   nonlinearity and the attention softmax amplify the rounding): log-probabilities and
///   entropies within 0.1 nats, the gradient within 10% of its norm (measured 0.008-0.066 nats
///   and 1.8-6.1%);
/// - the sampler's log-probabilities equal the training forward's to 2e-5 (the same kernels, so
///   rounding level, as in fp32).
/// These run on every CPU: without bf16 instructions the products widen their bf16 inputs to fp32
/// (`BF16Matmul`), the same values up to the order of fp32 sums.
@Suite struct BF16ModelTests {
    static let cases: [(String, ModelConfig)] = [("llama", tinyConfig()), ("qwen2 bias", tinyConfig(architecture: .qwen2)),
                                                 ("qwen3 tied", tinyConfig(tied: true, architecture: .qwen3))]

    static func models(_ config: ModelConfig, seed: UInt64) throws -> (fp32: Transformer, bf16: Transformer) {
        let p = testParameters(config, seed: seed)
        let fp32 = try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }))
        return (fp32, fp32.with(precision: .bf16))
    }

    @Test(arguments: 0..<3)
    func scoresAndGradientsAreFP32sWithinBF16Tolerance(_ index: Int) throws {
        let (label, config) = Self.cases[index]
        let (fp32, bf16) = try Self.models(config, seed: 61)
        #expect(bf16.precision == .bf16 && bf16.parameters === fp32.parameters)
        let batch = TokenBatch(testSequences)
        let wsA = TrainingWorkspace(config: config), wsB = TrainingWorkspace(config: config)
        let a = fp32.forward(batch, temperature: 0.9, workspace: wsA), b = bf16.forward(batch, temperature: 0.9, workspace: wsB)
        let gap = zip(a.logProbs, b.logProbs).map { abs($0 - $1) }.max()!, entropyGap = zip(a.entropies, b.entropies).map { abs($0 - $1) }.max()!
        #expect(gap <= 0.1 && entropyGap <= 0.1, "\(label): log-prob gap \(gap), entropy gap \(entropyGap)")
        #expect(gap > 0, "\(label): bf16 should round somewhere")
        let w = testValues(batch.predictionCount, seed: 62).map { Float($0) }, e = testValues(batch.predictionCount, seed: 63, scale: 0.5).map { Float($0) }
        let gA = fp32.makeGradientBuffer(), gB = bf16.makeGradientBuffer()
        fp32.backward(batch, logProbWeights: w, entropyWeights: e, gradients: gA, workspace: wsA)
        bf16.backward(batch, logProbWeights: w, entropyWeights: e, gradients: gB, workspace: wsB)
        let x = gA.toArray().map(Double.init), y = gB.toArray().map(Double.init)
        let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), diff = zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        #expect(diff <= 0.1 * norm, "\(label): gradient off by \(diff / norm) of its norm")
    }

    @Test(arguments: 0..<3)
    func scoresAreTheBF16NaiveTwins(_ index: Int) throws {
        let (label, config) = Self.cases[index]
        let p = testParameters(config, seed: 61)
        let (_, bf16) = try Self.models(config, seed: 61)
        let got = bf16.forward(TokenBatch(testSequences), temperature: 0.9, workspace: TrainingWorkspace(config: config))
        let twin = ReferenceModel(config, bf16Products: true).scores(p, sequences: testSequences.map { $0.map(Int.init) }, temperature: 0.9)
        let plain = ReferenceModel(config).scores(p, sequences: testSequences.map { $0.map(Int.init) }, temperature: 0.9)
        let gap = zip(got.logProbs, twin.logProbs).map { abs(Double($0) - $1) }.max()!
        let entropyGap = zip(got.entropies, twin.entropies).map { abs(Double($0) - $1) }.max()!
        let fp32Gap = zip(got.logProbs, plain.logProbs).map { abs(Double($0) - $1) }.max()!
        #expect(gap <= 1e-5 && entropyGap <= 1e-5, "\(label): vs the bf16 twin \(gap), entropies \(entropyGap) (vs fp32 \(fp32Gap))")
    }

    /// The sampler goes through the same bf16 products: what it reports for the tokens it drew is
    /// what the training forward computes for them (the `logp_gap_max` of a bf16 run).
    @Test func theSamplersLogProbsAreTheTrainingForwards() throws {
        let config = tinyConfig()
        let (_, model) = try Self.models(config, seed: 71)
        let requests = [SamplingRequest(prompt: [1, 2, 3], completionCount: 3, firstSequenceId: 0), SamplingRequest(prompt: [4, 5], firstSequenceId: 3)]
        let completions = try Sampler(model: model).sample(requests, options: SamplingOptions(temperature: 1, maxNewTokens: 8, seed: 5))
        var worst: Float = 0
        for c in completions {
            let sequence = requests[c.requestIndex].prompt + c.tokens
            let scores = model.forward(TokenBatch([sequence]), workspace: TrainingWorkspace(config: config))
            let mine = Array(scores.logProbs.suffix(c.tokens.count))
            worst = max(worst, zip(mine, c.logProbs).map { abs($0 - $1) }.max() ?? 0)
        }
        #expect(worst <= 2e-5, "sampler vs training forward in bf16: \(worst)")
    }

    /// After an update the bf16 weights are the rounding of the new fp32 ones (full fine-tuning);
    /// with LoRA the base's bf16 copy never changes.
    @Test func anUpdateRoundsTheWeightsAgain() throws {
        let config = tinyConfig()
        let model = try Transformer(config: config, seed: 3, precision: .bf16)
        let q = model.layout["model.layers.1.self_attn.q_proj.weight"]
        let batch = TokenBatch(testSequences)
        try LocalCommunicator.run(size: 1) { comm in
            var o = TrainerConfig.Optimizer()
            o.learningRate = 0.01
            let replica = try PolicyReplica(policy: LoadedModel(model: model, tokenizer: ByteTokenizer()), optimizer: o, totalSteps: 2, communicator: comm)
            replica.model.forward(batch, workspace: replica.workspace)
            replica.backward(batch, logProbWeights: [Float](repeating: -0.1, count: batch.predictionCount))
            var clock = PhaseClock()
            _ = try replica.synchronizeAndStep(clock: &clock)
        }
        #expect(model.lowPrecision!.buffer.count == LowPrecisionWeights.count(config), "the memory estimate's count of the bf16 copies")
        let copy = model.lowPrecision!.weight(1, .q_proj)
        var same = true
        for i in 0..<q.shape[0] { for j in 0..<q.shape[1] { same = same && copy[i, j] == BF16Matmul.rounded(model.parameters[q.offset + i * q.shape[1] + j]) } }
        #expect(same, "the bf16 copy is not the rounding of the updated weights")
    }
}
