@testable import EGPODistributed
import Foundation
import ShardedTensor
import Testing
import TestSupport

/// Recomputation (`model.recompute`): the workspace keeps one layer's activations and the backward
/// runs each layer's forward again from its stored input. The same operations on the same input
/// give the same bits: scores and gradients equal storing everything, bit for bit, with LoRA,
/// bf16 and the chunked head too; the workspace holds (L - 1) layers' activations less.
@Suite struct RecomputeTests {
    static func run(_ model: Transformer, recompute: Bool, headChunk: Int = 0, layout: ParameterLayout? = nil) -> (TokenScores, [Float], Int) {
        let ws = TrainingWorkspace(config: model.config, headChunk: headChunk, recompute: recompute), batch = TokenBatch(testSequences)
        let scores = model.forward(batch, temperature: 0.9, workspace: ws)
        let a = testValues(batch.predictionCount, seed: 81).map { Float($0) }, b = testValues(batch.predictionCount, seed: 82, scale: 0.5).map { Float($0) }
        let grads = FloatBuffer(count: (layout ?? model.layout).totalCount)
        model.backward(batch, logProbWeights: a, entropyWeights: b, gradients: grads, layout: layout, workspace: ws)
        // A second batch through the same workspace: nothing of the first is left to read.
        return (scores, grads.toArray(), ws.allocatedFloats)
    }

    @Test(arguments: 0..<3)
    func recomputedGradientsAreTheStoredOnesBitForBit(_ index: Int) throws {
        let (label, config) = [("llama", tinyConfig()), ("qwen3 tied", tinyConfig(tied: true, architecture: .qwen3)),
                               ("qwen2 bias", tinyConfig(architecture: .qwen2))][index]
        let model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 83).map { Float($0) }))
        let (stored, gStored, memStored) = Self.run(model, recompute: false)
        let (again, gAgain, memAgain) = Self.run(model, recompute: true)
        #expect(again == stored && gAgain == gStored, "\(label)")
        let rows = TokenBatch(testSequences).predictionCount
        #expect(memStored - memAgain == (config.layerCount - 1) * rows * LayerActivations.floatsPerRow(config), "\(label)")

        let adapters = LoRATests.adapters(config, targets: LoRATarget.allCases, seed: 84).0
        let lora = model.with(adapters: adapters)
        let (l1, lg1, _) = Self.run(lora, recompute: false, headChunk: 4, layout: adapters.layout)
        let (l2, lg2, _) = Self.run(lora, recompute: true, headChunk: 4, layout: adapters.layout)
        #expect(l1 == l2 && lg1 == lg2, "\(label) with LoRA and a chunked head")
        // bf16 (on a CPU without bf16 instructions the products widen to fp32: the same values).
        let low = model.with(precision: .bf16)
        let (b1, bg1, _) = Self.run(low, recompute: false), (b2, bg2, _) = Self.run(low, recompute: true)
        #expect(b1 == b2 && bg1 == bg2, "\(label) in bf16")
    }

    /// Through a run: `model.recompute` reaches the same parameters bit for bit, and with
    /// `model.headChunk` within rounding, on 2 ranks.
    @Test func runsWithRecomputationAndAChunkedHead() throws {
        let dir = try Fixtures.temporaryDirectory("recompute-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        typealias T = TrainingRunTests
        let plain = try T.sft(T.request(dir.appendingPathComponent("plain"), ["sft.steps=3"]), ranks: 2)
        let recomputed = try T.sft(T.request(dir.appendingPathComponent("recompute"), ["sft.steps=3", "model.recompute=true"]), ranks: 2)
        let chunked = try T.sft(T.request(dir.appendingPathComponent("chunked"), ["sft.steps=3", "model.recompute=true", "model.headChunk=64"]), ranks: 2)
        let same = recomputed[0].parameters == plain[0].parameters
        #expect(same, "recomputation changed the parameters")
        let gap = zip(chunked[0].parameters, plain[0].parameters).map { abs($0 - $1) }.max() ?? .nan
        #expect(gap < 1e-4, "the chunked head moved the parameters by \(gap)")
    }
}
