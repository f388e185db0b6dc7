import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// AdamW with global-norm clipping against torch.optim.AdamW + clip_grad_norm_
/// (scripts/adamw_reference.py, which says how to regenerate Fixtures/adamw-golden.json).
@Suite struct AdamWGoldenTests {
    struct Golden: Decodable {
        struct Step: Decodable {
            let lr: Float
            let grad: [Float]
            let totalNorm: Double
            let clipCoef: Double
            let paramsAfter: [Float]
        }
        let beta1: Float, beta2: Float, eps: Float, weightDecay: Float, maxNorm: Double
        let decayedCount: Int
        let initial: [Float]
        let steps: [Step]
        let finalStep: Int
        let finalExpAvg: [Float]
        let finalExpAvgSq: [Float]
    }

    static func load() throws -> Golden {
        let url = TokenizerGoldenTests.fixtures.appendingPathComponent("adamw-golden.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Golden.self, from: Data(contentsOf: url))
    }

    /// One simulated rank of a ZeRO-1 trainer: a shard of the flat buffer with its own moments.
    struct Rank {
        var shard: Range<Int>
        var optimizer: AdamW
        var m: [Float]
        var v: [Float]
    }

    @Test func shardedUpdatesMatchPyTorch() throws {
        let golden = try Self.load()
        let n = golden.initial.count
        let hyper = AdamW.Hyperparameters(beta1: golden.beta1, beta2: golden.beta2, eps: golden.eps, weightDecay: golden.weightDecay)
        // The shard boundary (17) falls inside the decayed matrix, whose end (24) splits rank 1's range.
        var ranks = [0..<17, 17..<n].map { Rank(shard: $0, optimizer: AdamW(hyper), m: .init(repeating: 0, count: $0.count), v: .init(repeating: 0, count: $0.count)) }
        var params = golden.initial
        for (s, step) in golden.steps.enumerated() {
            let grads = step.grad
            let sumSq = grads.withUnsafeBufferPointer { g in ranks.map { GradientClipping.sumOfSquares(g, range: $0.shard) }.reduce(0, +) }
            let norm = sumSq.squareRoot()
            #expect(abs(norm - step.totalNorm) <= 1e-6 * step.totalNorm, "step \(s): norm \(norm) vs \(step.totalNorm)")
            let coef = GradientClipping.clipCoefficient(globalNorm: norm, maxNorm: golden.maxNorm)
            #expect(abs(Double(coef) - step.clipCoef) <= 1e-6 * step.clipCoef, "step \(s): clip \(coef) vs \(step.clipCoef)")
            for r in ranks.indices {
                var rank = ranks[r]
                rank.optimizer.beginStep()
                let shard = rank.shard
                let decayedEnd = min(max(golden.decayedCount, shard.lowerBound), shard.upperBound)
                for (range, wd) in [(shard.lowerBound..<decayedEnd, Float?.none), (decayedEnd..<shard.upperBound, Float(0))] {
                    let optimizer = rank.optimizer
                    params.withUnsafeMutableBufferPointer { p in
                        grads.withUnsafeBufferPointer { g in
                            rank.m.withUnsafeMutableBufferPointer { m in
                                rank.v.withUnsafeMutableBufferPointer { v in
                                    optimizer.update(parameters: p, gradients: g, firstMoment: m, secondMoment: v,
                                                     range: range, momentOffset: range.lowerBound - shard.lowerBound,
                                                     learningRate: step.lr, gradientScale: coef, weightDecay: wd)
                                }
                            }
                        }
                    }
                }
                ranks[r] = rank
            }
            let c = closeness(params, step.paramsAfter, atol: 1e-7, rtol: 1e-6, label: "params after step \(s + 1)")
            #expect(c.ok, "\(c)")
        }
        #expect(ranks.allSatisfy { $0.optimizer.step == golden.finalStep })
        let m = ranks.flatMap(\.m), v = ranks.flatMap(\.v)
        // m is a running mean of clipped gradients of size ~1 that partly cancel: its absolute
        // error sits at Float rounding of the gradients (the clip coefficient is rounded from
        // Double here, from a Float32 tensor in PyTorch), so the bound is absolute, 1e-7.
        let cm = closeness(m, golden.finalExpAvg, atol: 1e-7, rtol: 1e-6, label: "exp_avg")
        let cv = closeness(v, golden.finalExpAvgSq, atol: 1e-12, rtol: 1e-6, label: "exp_avg_sq")
        #expect(cm.ok, "\(cm)")
        #expect(cv.ok, "\(cv)")
    }
}
