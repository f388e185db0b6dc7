@testable import EGPODistributed
import Foundation
import ShardedTensor
import Testing
import TestSupport

/// The output head over vocabulary chunks (`model.headChunk`): the same log-probabilities,
/// entropies and gradients as the whole-vocabulary head within fp32 rounding (1e-5), for chunks that
/// divide the vocabulary and chunks that do not, untied and tied heads, with LoRA's frozen head
/// too, and in bf16 (where both heads round the same products' inputs); and the workspace holds
/// (rows, chunk) logits instead of (rows, V).
@Suite struct ChunkedHeadTests {
    static func run(_ model: Transformer, chunk: Int, layout: ParameterLayout? = nil) -> (TokenScores, [Float], Int) {
        let ws = TrainingWorkspace(config: model.config, headChunk: chunk), batch = TokenBatch(testSequences)
        let scores = model.forward(batch, temperature: 0.8, workspace: ws)
        let a = testValues(batch.predictionCount, seed: 91).map { Float($0) }, b = testValues(batch.predictionCount, seed: 92, scale: 0.5).map { Float($0) }
        let grads = FloatBuffer(count: (layout ?? model.layout).totalCount)
        model.backward(batch, logProbWeights: a, entropyWeights: b, gradients: grads, layout: layout, workspace: ws)
        return (scores, grads.toArray(), ws.allocatedFloats)
    }

    static func close(_ x: [Float], _ y: [Float], _ tolerance: Float) -> Bool {
        let scale = max(1, y.map(abs).max() ?? 0)
        return zip(x, y).allSatisfy { abs($0 - $1) <= tolerance * scale }
    }

    @Test(arguments: [(false, 3), (false, 4), (true, 5), (false, 10), (true, 1)])
    func chunksGiveTheWholeHeadsNumbers(tied: Bool, chunk: Int) throws {
        let config = tinyConfig(tied: tied)
        let model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 93).map { Float($0) }))
        let (whole, gWhole, memWhole) = Self.run(model, chunk: 0)
        let (chunked, gChunked, memChunked) = Self.run(model, chunk: chunk)
        #expect(Self.close(chunked.logProbs, whole.logProbs, 1e-5) && Self.close(chunked.entropies, whole.entropies, 1e-5), "chunk \(chunk)")
        #expect(Self.close(gChunked, gWhole, 1e-5), "chunk \(chunk): gradients differ")
        let rows = TokenBatch(testSequences).predictionCount
        #expect(memWhole - memChunked == rows * (2 * (config.vocabularySize - chunk) - 4), "chunk \(chunk): \(memChunked) vs \(memWhole) floats")
    }

    /// The entropy-weighted gradient through the chunks against finite differences of the Double
    /// reference (the chunked head's own check, independent of the whole head).
    @Test func chunkedGradientsMatchFiniteDifferences() throws {
        let config = tinyConfig()
        let p = testParameters(config, seed: 94)
        let model = try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }))
        let (_, grads, _) = Self.run(model, chunk: 4)
        let batch = TokenBatch(testSequences)
        let a = testValues(batch.predictionCount, seed: 91), b = testValues(batch.predictionCount, seed: 92, scale: 0.5)
        let reference = ReferenceModel(config), seqs = testSequences.map { $0.map(Int.init) }
        let head = config.parameterLayout["lm_head.weight"], norm = config.parameterLayout["model.norm.weight"]
        let indices = Array(head.offset ..< head.offset + head.count) + Array(norm.offset ..< norm.offset + norm.count)
        for i in indices.enumerated().filter({ $0.offset % 5 == 0 }).map(\.element) {
            func loss(_ x: Double) -> Double {
                var q = p
                q[i] = x
                let r = reference.scores(q, sequences: seqs, temperature: 0.8)
                var total = 0.0
                for j in 0..<a.count { total += a[j] * r.logProbs[j] + b[j] * r.entropies[j] }
                return total
            }
            let fd = (loss(p[i] + 1e-5) - loss(p[i] - 1e-5)) / 2e-5
            #expect(abs(fd - Double(grads[i])) <= 5e-5 + 1e-3 * abs(fd), "parameter \(i): fd \(fd) vs \(grads[i])")
        }
    }

    /// LoRA (the head frozen: no head gradient, dNormed only) and bf16 (both heads take the same
    /// bf16 products, so they agree to fp32 accumulation order).
    @Test func frozenHeadsAndBF16() throws {
        let config = tinyConfig()
        let base = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 95).map { Float($0) }))
        let adapters = LoRATests.adapters(config, targets: LoRATarget.allCases, seed: 96).0
        let lora = base.with(adapters: adapters)
        let (w, gw, _) = Self.run(lora, chunk: 0, layout: adapters.layout), (c, gc, _) = Self.run(lora, chunk: 3, layout: adapters.layout)
        #expect(Self.close(c.logProbs, w.logProbs, 1e-5) && Self.close(gc, gw, 1e-5))
        // bf16 (on a CPU without bf16 instructions the products widen to fp32: the same values).
        let low = base.with(precision: .bf16)
        let (bw, bgw, _) = Self.run(low, chunk: 0), (bc, bgc, _) = Self.run(low, chunk: 4)
        #expect(Self.close(bc.logProbs, bw.logProbs, 1e-4) && Self.close(bc.entropies, bw.entropies, 1e-4))
        #expect(Self.close(bgc, bgw, 1e-3))
    }

    /// The workspace's share of the head at a real vocabulary: (rows, chunk) instead of (rows, V)
    /// for the logits and their gradient, per row.
    @Test func theHeadsMemoryIsTheChunks() {
        for (v, name) in [(49_152, "SmolLM2"), (151_936, "Qwen2.5")] {
            var config = ModelConfig.demo
            config.vocabularySize = v
            let whole = TrainingWorkspace.floatsPerRow(config), chunked = TrainingWorkspace.floatsPerRow(config, headChunk: 8192)
            #expect(whole - chunked == 2 * (v - 8192) - 4, "\(name)")
        }
    }
}
