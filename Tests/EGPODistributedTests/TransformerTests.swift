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
func tinyConfig(bias: Bool = false, tied: Bool = false, architecture: ModelArchitecture = .llama, headDim: Int? = nil,
                ropeScaling: RopeScaling? = nil) -> ModelConfig {
    ModelConfig(vocabularySize: 11, hiddenSize: 8, intermediateSize: 12, layerCount: 2, headCount: 4, kvHeadCount: 2,
                ropeTheta: 10_000, rmsNormEps: 1e-5, tieWordEmbeddings: tied, maxPositionEmbeddings: 32, attentionBias: bias,
                architecture: architecture, headDim: headDim, ropeScaling: ropeScaling)
}

/// The Qwen2, Qwen3 and RoPE-scaling variants the architecture tests run on: Qwen2 (q, k, v
/// biases), Qwen3 with head_dim 4 != 8/4 (so H*D = 16 != C) and o bias, Llama 3 scaling with
/// factors that put the tiny head's frequencies in all three bands, linear scaling.
let architectureVariants: [(String, ModelConfig)] = [
    ("qwen2", tinyConfig(architecture: .qwen2)),
    ("qwen3 head_dim 4 bias", tinyConfig(bias: true, architecture: .qwen3, headDim: 4)),
    ("qwen3 tied", tinyConfig(tied: true, architecture: .qwen3)),
    ("llama3 rope", tinyConfig(ropeScaling: .llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16))),
    ("linear rope", tinyConfig(architecture: .qwen2, ropeScaling: .linear(factor: 2))),
]

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
        try expectWholeModelGradientMatchesFiniteDifferences(tinyConfig(bias: bias, tied: tied), seed: 2, temperature: 0.9,
                                                             label: "bias=\(bias) tied=\(tied)")
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

/// A group's prompt run once for its G completions computes what G copies of it compute.
@Suite struct SharedPromptBatchTests {
    let groups: [(prompt: [Int32], completions: [[Int32]])] = [
        ([1, 4, 9, 2, 7], [[3, 5, 6], [10], [0, 0, 8, 2, 1, 4]]),
        ([6], [[2, 9], [7, 7, 7]]),                       // a one-token prompt has no prefix rows
        ([5, 0, 10, 3], [[1, 2, 3, 4, 5, 6, 7, 8]]),
    ]

    @Test(arguments: [false, true])
    func logProbsEntropiesAndGradientsEqualTheUnsharedBatch(bias: Bool) throws {
        let config = tinyConfig(bias: bias)
        let model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 12).map { Float($0) }))
        let shared = TokenBatch(sharedPrompts: groups)
        let pairs = groups.flatMap { g in g.completions.map { (g.prompt, $0) } }
        let plain = TokenBatch(pairs.map { $0.0 + $0.1 })
        #expect(shared.predictionCount < plain.predictionCount)
        let wsShared = TrainingWorkspace(config: config), wsPlain = TrainingWorkspace(config: config)
        let a = model.forward(shared, temperature: 0.9, workspace: wsShared)
        let b = model.forward(plain, temperature: 0.9, workspace: wsPlain)
        let weights = testValues(pairs.count * 8, seed: 13).map { Float($0) }
        var wShared = [Float](repeating: 0, count: shared.predictionCount), wPlain = [Float](repeating: 0, count: plain.predictionCount)
        for (s, (prompt, completion)) in pairs.enumerated() {
            let rs = shared.completionRange(of: s, promptLength: prompt.count), rp = plain.completionRange(of: s, promptLength: prompt.count)
            #expect(rs.count == completion.count && rp.count == completion.count)
            for label in ["logp", "entropy"] {
                let x = label == "logp" ? a.logProbs : a.entropies, y = label == "logp" ? b.logProbs : b.entropies
                let c = closeness(Array(x[rs]), Array(y[rp]), atol: 1e-5, rtol: 1e-5, label: "\(label) of sequence \(s)")
                #expect(c.ok, "\(c)")
            }
            for (t, (i, j)) in zip(rs, rp).enumerated() { wShared[i] = weights[s * 8 + t]; wPlain[j] = weights[s * 8 + t] }
        }
        let gShared = model.makeGradientBuffer(), gPlain = model.makeGradientBuffer()
        model.backward(shared, logProbWeights: wShared, entropyWeights: wShared, gradients: gShared, workspace: wsShared)
        model.backward(plain, logProbWeights: wPlain, entropyWeights: wPlain, gradients: gPlain, workspace: wsPlain)
        let c = closeness(gShared.toArray(), gPlain.toArray(), atol: 1e-5, rtol: 1e-4, label: "gradient, shared vs unshared prompts")
        #expect(c.ok, "\(c)")
    }

    @Test func promptRowsAreThePromptsOwnPredictions() {
        let batch = TokenBatch(sharedPrompts: [([1, 2, 3], [[4, 5], [6]])])
        // Rows: prompt 1->2, 2->3; completion A: 3->4, 4->5; completion B: 3->6.
        #expect(batch.inputs == [1, 2, 3, 4, 3])
        #expect(batch.targets == [2, 3, 4, 5, 6])
        #expect(batch.positions == [0, 1, 2, 3, 2])
        #expect(batch.segments == [AttentionSegment(start: 0, length: 2), AttentionSegment(start: 2, length: 2, prefixStart: 0, prefixLength: 2),
                                   AttentionSegment(start: 4, length: 1, prefixStart: 0, prefixLength: 2)])
        #expect(batch.completionRange(of: 0, promptLength: 3) == 2 ..< 4)
        #expect(batch.completionRange(of: 1, promptLength: 3) == 4 ..< 5)
        #expect(batch.maxLength == 5)
    }
}

@Suite struct ParallelWorkerTests {
    /// Work is split by index, so any worker count gives the same bits.
    @Test func severalWorkersGiveIdenticalResults() throws {
        let config = tinyConfig(bias: true)
        let model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 9).map { Float($0) }))
        let batch = TokenBatch(testSequences)
        let shared = TokenBatch(sharedPrompts: [([1, 4, 9, 2], [[7, 3], [5, 0, 10], [8]]), ([2, 2], [[6, 1], [1]])])
        let w = testValues(batch.predictionCount, seed: 10).map { Float($0) }
        let ws2 = testValues(shared.predictionCount, seed: 11).map { Float($0) }
        func run(_ workers: Int) throws -> ([TokenScores], [Float], [Completion]) {
            try Parallel.withWorkers(workers) {
                let ws = TrainingWorkspace(config: config), grads = model.makeGradientBuffer()
                let scores = model.forward(batch, workspace: ws)
                model.backward(batch, logProbWeights: w, gradients: grads, workspace: ws)
                let sharedScores = model.forward(shared, workspace: ws)
                model.backward(shared, logProbWeights: ws2, gradients: grads, workspace: ws)
                let samples = try Sampler(model: model).sample([SamplingRequest(prompt: [1, 2, 3], completionCount: 4, firstSequenceId: 0)],
                                                               options: SamplingOptions(maxNewTokens: 6, seed: 2))
                return ([scores, sharedScores], grads.toArray(), samples)
            }
        }
        let one = try run(1), three = try run(3)
        #expect(one.0 == three.0)
        #expect(one.1 == three.1)
        #expect(one.2 == three.2)
    }
}

/// The Float backward of `config` (parameters from `seed`, weights a and b from seed + 1 and
/// seed + 2) against central differences of the Double reference, for the loss
/// sum(a * logp + b * H) at `temperature` over `testSequences`, every parameter; and every
/// tensor gets a nonzero gradient (nothing silently disconnected).
func expectWholeModelGradientMatchesFiniteDifferences(_ config: ModelConfig, seed: UInt64, temperature: Double, label: String,
                                                      sourceLocation: SourceLocation = #_sourceLocation) throws {
    let p = testParameters(config, seed: seed)
    let model = try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }))
    let ws = TrainingWorkspace(config: config)
    let batch = TokenBatch(testSequences)
    model.forward(batch, temperature: Float(temperature), workspace: ws)
    let a = testValues(batch.predictionCount, seed: seed + 1), b = testValues(batch.predictionCount, seed: seed + 2, scale: 0.5)
    let grads = model.makeGradientBuffer()
    model.backward(batch, logProbWeights: a.map { Float($0) }, entropyWeights: b.map { Float($0) }, gradients: grads, workspace: ws)
    let reference = ReferenceModel(config), seqs = testSequences.map { $0.map(Int.init) }
    let fd = FiniteDifferences.gradient(at: p, h: 1e-5) { x in
        let r = reference.scores(x, sequences: seqs, temperature: temperature)
        var loss = 0.0
        for i in 0..<a.count { loss += a[i] * r.logProbs[i] + b[i] * r.entropies[i] }
        return loss
    }
    let c = closeness(grads.toArray(), fd, atol: 5e-5, rtol: 1e-3, label: "whole-model gradient \(label)")
    #expect(c.ok, "\(c)", sourceLocation: sourceLocation)
    for e in config.parameterLayout.entries {
        var norm = 0.0
        for j in e.offset ..< e.offset + e.count { norm += abs(Double(grads[j])) }
        #expect(norm > 0, "\(label): tensor \(e.name) received no gradient", sourceLocation: sourceLocation)
    }
}
