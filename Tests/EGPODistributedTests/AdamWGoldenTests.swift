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
            let total_norm: Double
            let clip_coef: Double
            let params_after: [Float]
        }
        let beta1: Float, beta2: Float, eps: Float, weight_decay: Float, max_norm: Double
        let decayed_count: Int
        let initial: [Float]
        let steps: [Step]
        let final_step: Int
        let final_exp_avg: [Float]
        let final_exp_avg_sq: [Float]
    }

    static func load() throws -> Golden {
        let url = TokenizerGoldenTests.fixtures.appendingPathComponent("adamw-golden.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
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
        let hyper = AdamW.Hyperparameters(beta1: golden.beta1, beta2: golden.beta2, eps: golden.eps, weightDecay: golden.weight_decay)
        // The shard boundary (17) falls inside the decayed matrix, whose end (24) splits rank 1's range.
        var ranks = [0..<17, 17..<n].map { Rank(shard: $0, optimizer: AdamW(hyper), m: .init(repeating: 0, count: $0.count), v: .init(repeating: 0, count: $0.count)) }
        var params = golden.initial
        for (s, step) in golden.steps.enumerated() {
            let grads = step.grad
            let sumSq = grads.withUnsafeBufferPointer { g in ranks.map { GradientClipping.sumOfSquares(g, range: $0.shard) }.reduce(0, +) }
            let norm = sumSq.squareRoot()
            #expect(abs(norm - step.total_norm) <= 1e-6 * step.total_norm, "step \(s): norm \(norm) vs \(step.total_norm)")
            let coef = GradientClipping.clipCoefficient(globalNorm: norm, maxNorm: golden.max_norm)
            #expect(abs(Double(coef) - step.clip_coef) <= 1e-6 * step.clip_coef, "step \(s): clip \(coef) vs \(step.clip_coef)")
            for r in ranks.indices {
                var rank = ranks[r]
                rank.optimizer.beginStep()
                let shard = rank.shard
                let decayedEnd = min(max(golden.decayed_count, shard.lowerBound), shard.upperBound)
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
            let c = closeness(params, step.params_after, atol: 1e-7, rtol: 1e-6, label: "params after step \(s + 1)")
            #expect(c.ok, "\(c)")
        }
        #expect(ranks.allSatisfy { $0.optimizer.step == golden.final_step })
        let m = ranks.flatMap(\.m), v = ranks.flatMap(\.v)
        // m is a running mean of clipped gradients of size ~1 that partly cancel: its absolute
        // error sits at Float rounding of the gradients (the clip coefficient is rounded from
        // Double here, from a Float32 tensor in PyTorch), so the bound is absolute, 1e-7.
        let cm = closeness(m, golden.final_exp_avg, atol: 1e-7, rtol: 1e-6, label: "exp_avg")
        let cv = closeness(v, golden.final_exp_avg_sq, atol: 1e-12, rtol: 1e-6, label: "exp_avg_sq")
        #expect(cm.ok, "\(cm)")
        #expect(cv.ok, "\(cv)")
    }
}
