@testable import EGPODistributed
import Foundation
import ShardedTensor
import Testing
import TestSupport

/// Uniform values in (-scale, scale) from a Philox stream (test inputs).
func testValues(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
    (0..<count).map { (Philox.uniform(seed: seed, stream: 11, index: UInt64($0)) * 2 - 1) * scale }
}

/// A tiny config: GQA (4 heads on 2 kv heads), untied head; `bias` switches attention_bias on.
func tinyConfig(bias: Bool = false, tied: Bool = false) -> ModelConfig {
    ModelConfig(vocabularySize: 11, hiddenSize: 8, intermediateSize: 12, layerCount: 2, headCount: 4, kvHeadCount: 2,
                ropeTheta: 10_000, rmsNormEps: 1e-5, tieWordEmbeddings: tied, maxPositionEmbeddings: 32, attentionBias: bias)
}

/// Parameters large enough that every nonlinearity matters (std-0.02 init is nearly linear).
func testParameters(_ config: ModelConfig, seed: UInt64) -> [Double] {
    let layout = config.parameterLayout
    var p = testValues(layout.totalCount, seed: seed, scale: 0.6)
    for e in layout.entries where e.name.hasSuffix("norm.weight") {
        for j in e.offset ..< e.offset + e.count { p[j] = 1 + 0.5 * p[j] }
    }
    return p
}

let testSequences: [[Int32]] = [[1, 4, 9, 2, 7, 3], [5, 0, 10], [8], [2, 2, 6, 1]]

@Suite struct TransformerTests {
    @Test(arguments: [(false, false, 1.0), (true, false, 0.8), (false, true, 1.0)])
    func forwardMatchesTheDoubleReference(bias: Bool, tied: Bool, temperature: Double) throws {
        let config = tinyConfig(bias: bias, tied: tied)
        let p = testParameters(config, seed: 1)
        let model = try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }))
        let ws = TrainingWorkspace(config: config)
        let got = model.forward(TokenBatch(testSequences), temperature: Float(temperature), workspace: ws)
        let want = ReferenceModel(config).scores(p, sequences: testSequences.map { $0.map(Int.init) }, temperature: temperature)
        let cl = closeness(got.logProbs, want.logProbs, atol: 2e-5, rtol: 1e-5, label: "log-probs bias=\(bias) tied=\(tied)")
        let ce = closeness(got.entropies, want.entropies, atol: 2e-5, rtol: 1e-5, label: "entropies bias=\(bias) tied=\(tied)")
        #expect(cl.ok, "\(cl)")
        #expect(ce.ok, "\(ce)")
        #expect(got.logProbs.count == 5 + 2 + 0 + 3)
    }

    /// Whole-model gradient check: the Float backward against central differences of the Double
    /// reference, for the loss sum(a * logp + b * H), over every parameter.
    @Test(arguments: [(false, false), (true, false), (false, true)])
    func backwardMatchesFiniteDifferencesOfTheWholeModel(bias: Bool, tied: Bool) throws {
        let config = tinyConfig(bias: bias, tied: tied)
        let p = testParameters(config, seed: 2)
        let model = try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }))
        let ws = TrainingWorkspace(config: config)
        let batch = TokenBatch(testSequences)
        let temperature = 0.9
        model.forward(batch, temperature: Float(temperature), workspace: ws)
        let a = testValues(batch.predictionCount, seed: 3), b = testValues(batch.predictionCount, seed: 4, scale: 0.5)
        let grads = model.makeGradientBuffer()
        model.backward(batch, logProbWeights: a.map { Float($0) }, entropyWeights: b.map { Float($0) }, gradients: grads, workspace: ws)

        let reference = ReferenceModel(config), seqs = testSequences.map { $0.map(Int.init) }
        let fd = FiniteDifferences.gradient(at: p, h: 1e-5) { x in
            let r = reference.scores(x, sequences: seqs, temperature: temperature)
            var loss = 0.0
            for i in 0..<a.count { loss += a[i] * r.logProbs[i] + b[i] * r.entropies[i] }
            return loss
        }
        let c = closeness(grads.toArray(), fd, atol: 5e-5, rtol: 1e-3, label: "whole-model gradient bias=\(bias) tied=\(tied)")
        #expect(c.ok, "\(c)")
        // Every tensor gets a nonzero gradient (nothing silently disconnected).
        for e in config.parameterLayout.entries {
            var norm = 0.0
            for j in e.offset ..< e.offset + e.count { norm += abs(Double(grads[j])) }
            #expect(norm > 0, "tensor \(e.name) received no gradient")
        }
    }

    @Test func backwardAccumulatesAndWorkspaceIsReusedAcrossBatchSizes() throws {
        let config = tinyConfig()
        let model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 5).map { Float($0) }))
        let ws = TrainingWorkspace(config: config)
        let small = TokenBatch([[1, 2, 3]]), big = TokenBatch(testSequences)
        let first = model.forward(big, workspace: ws)
        model.forward(small, workspace: ws)
        let again = model.forward(big, workspace: ws)
        #expect(first == again, "a forward after a smaller batch differs")
        // No per-step allocation: a batch no larger than the biggest seen reuses every buffer.
        let buffers = { [ws.residual[0], ws.layers[0].gate, ws.layers[1].logSumExp, ws.logits, ws.scratch].map(ObjectIdentifier.init) }
        let before = buffers()
        model.forward(small, workspace: ws)
        model.forward(big, workspace: ws)
        #expect(buffers() == before, "workspace buffers were reallocated for a batch that fits")

        let w = [Float](repeating: 1, count: big.predictionCount)
        let once = model.makeGradientBuffer(), twice = model.makeGradientBuffer()
        model.backward(big, logProbWeights: w, gradients: once, workspace: ws)
        model.backward(big, logProbWeights: w, gradients: twice, workspace: ws)
        model.backward(big, logProbWeights: w, gradients: twice, workspace: ws)
        let c = closeness(twice.toArray(), once.toArray().map { 2 * $0 }, atol: 1e-6, rtol: 1e-5, label: "accumulated gradient")
        #expect(c.ok, "\(c)")
    }

    @Test func logitsAreTheRowsOfTheReference() throws {
        let config = tinyConfig(bias: true)
        let p = testParameters(config, seed: 6)
        let model = try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }))
        let logits = model.logits(TokenBatch([[3, 1, 4, 1, 5]]), workspace: TrainingWorkspace(config: config))
        let c = closeness(logits, ReferenceModel(config).logits(p, sequence: [3, 1, 4, 1, 5]), atol: 1e-5, rtol: 1e-5, label: "logits")
        #expect(c.ok, "\(c)")
    }
}

@Suite struct ParallelWorkerTests {
    /// Work is split by index, so any worker count gives the same bits.
    @Test func severalWorkersGiveIdenticalResults() throws {
        let config = tinyConfig(bias: true)
        let model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 9).map { Float($0) }))
        let batch = TokenBatch(testSequences)
        let w = testValues(batch.predictionCount, seed: 10).map { Float($0) }
        func run(_ workers: Int) throws -> (TokenScores, [Float], [Completion]) {
            try Parallel.withWorkers(workers) {
                let ws = TrainingWorkspace(config: config), grads = model.makeGradientBuffer()
                let scores = model.forward(batch, workspace: ws)
                model.backward(batch, logProbWeights: w, gradients: grads, workspace: ws)
                let samples = try Sampler(model: model).sample([SamplingRequest(prompt: [1, 2, 3], completionCount: 4, firstSequenceId: 0)],
                                                               options: SamplingOptions(maxNewTokens: 6, seed: 2))
                return (scores, grads.toArray(), samples)
            }
        }
        let one = try run(1), three = try run(3)
        #expect(one.0 == three.0)
        #expect(one.1 == three.1)
        #expect(one.2 == three.2)
    }
}
