import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// The per-token loss mask (`Experience.lossMask`, `TokenBatch.lossMask`): a completion whose
/// middle span the policy did not sample (a tool result injected between two turns) is trained
/// on its own tokens only. Naive twins: the same completion with the span cut out, and the
/// objective written out by hand in Double; finite differences for d(loss)/d(logp); a mask
/// covering the completion changes no bit.
@Suite struct LossMaskTests {
    typealias Stream = ObjectivePropertyTests.Stream

    /// Ten tokens: a think block over 1...6, and the middle span 4..<7 (partly inside it) left out.
    static let excluded = 4 ..< 7
    static let mask = (0..<10).map { !excluded.contains($0) }

    static func experience(_ s: inout Stream, advantage: Float, mask: [Bool]? = Self.mask) -> Experience {
        let n = 10
        return Experience(promptTokens: [1], completionTokens: [Int32](repeating: 3, count: n),
                          thinkMask: (0..<n).map { $0 >= 1 && $0 <= 6 }, hasClosedThink: true,
                          logpOld: (0..<n).map { _ in Float(-3 * s.next()) }, logpRef: (0..<n).map { _ in Float(-3 * s.next()) },
                          entropies: (0..<n).map { _ in Float(0.2 + 2 * s.next()) }, lossMask: mask, reward: 1, advantage: advantage)
    }

    /// `e` with the tokens outside its loss mask cut out (and no mask).
    static func cut(_ e: Experience) -> Experience {
        let kept = e.lossMask.indices.filter { e.lossMask[$0] }
        return Experience(promptTokens: e.promptTokens, completionTokens: kept.map { e.completionTokens[$0] },
                          thinkMask: kept.map { e.thinkMask[$0] }, hasClosedThink: e.hasClosedThink, logpOld: kept.map { e.logpOld[$0] },
                          logpRef: e.logpRef.map { ref in kept.map { ref[$0] } }, entropies: kept.map { e.entropies[$0] },
                          reward: e.reward, advantage: e.advantage, skipped: e.skipped)
    }

    static func objectives() -> [TrainerConfig.Objective] {
        var all: [TrainerConfig.Objective] = []
        for agg in TrainerConfig.Aggregation.allCases {
            for placement in TrainerConfig.BonusPlacement.allCases {
                for granularity in TrainerConfig.BonusGranularity.allCases {
                    var o = TrainerConfig.Objective()
                    o.aggregation = agg
                    o.bonusPlacement = placement
                    o.bonusGranularity = granularity
                    o.beta = 0.05
                    o.lambda = 0.4
                    all.append(o)
                }
            }
        }
        return all
    }

    /// Masking a span gives exactly (bit for bit) what the completion without the span gives:
    /// H_i, A', the bonus metrics, the loss, the KL and clip counts, and the gradient on the kept
    /// tokens; the left-out tokens get a zero gradient.
    @Test func aMaskedSpanIsTheCompletionWithoutIt() {
        var s = Stream(state: 21)
        for o in Self.objectives() {
            for trial in 0..<6 {
                let e = Self.experience(&s, advantage: trial == 0 ? 0 : Float(2 * s.next() - 1)), twin = Self.cut(e)
                #expect(e.lossTokenCount == 7 && twin.tokenCount == 7 && e.tokenCount == 10)
                let kept = e.lossMask.indices.filter { e.lossMask[$0] }
                let a = EntropyBonus.shape(e, objective: o), b = EntropyBonus.shape(twin, objective: o)
                #expect(a.sequenceEntropy == b.sequenceEntropy && a.bonusSum == b.bonusSum)
                #expect(a.cappedUnits == b.cappedUnits && a.units == b.units)
                #expect(kept.map { a.advantages[$0] } == b.advantages, "\(o.bonusGranularity) A'")
                let n = PolicyLoss.Normalizer(completions: 2, tokens: 12, maxCompletionTokens: 16)
                let logp = e.logpOld.map { $0 + Float(0.5 * s.next() - 0.25) }
                var g: [Float] = [], gTwin: [Float] = []
                let st = PolicyLoss.evaluate(logp: logp, experience: e, advantages: a.advantages, objective: o, normalizer: n, gradient: &g)
                let stTwin = PolicyLoss.evaluate(logp: kept.map { logp[$0] }, experience: twin, advantages: b.advantages, objective: o,
                                                 normalizer: n, gradient: &gTwin)
                #expect(st == stTwin, "\(o.aggregation): \(st) vs the cut completion's \(stTwin)")
                #expect(kept.map { g[$0] } == gTwin)
                #expect(Self.excluded.allSatisfy { g[$0] == 0 }, "gradient on a left-out token: \(g)")
            }
        }
    }

    /// The objective written out in Double from EGPO.md (token mean, sequence bonus outside):
    /// H over the sampled think tokens, A' = A + lambda min(H, |A| / alpha), and the clipped
    /// surrogate plus k3 KL summed over the sampled tokens, divided by the batch's sampled tokens.
    @Test func aMaskedSpanMatchesTheObjectiveWrittenOutByHand() {
        var s = Stream(state: 22)
        var o = TrainerConfig.Objective()
        o.beta = 0.05
        for _ in 0..<20 {
            let e = Self.experience(&s, advantage: Float(2 * s.next() - 1))
            let logp = e.logpOld.map { $0 + Float(0.6 * s.next() - 0.3) }
            let sampled = (0..<10).filter { !Self.excluded.contains($0) }
            let think = sampled.filter { e.thinkMask[$0] }
            let h = think.reduce(0.0) { $0 + Double(e.entropies[$1]) } / Double(think.count)
            let a = Double(e.advantage)
            let shaped = a + Double(o.lambda) * min(h, abs(a) / Double(o.alpha))
            let batchTokens = 15
            var loss = 0.0
            for t in sampled {
                let ratio = exp(Double(logp[t]) - Double(e.logpOld[t]))
                let clipped = min(max(ratio, 1 - Double(o.epsLow)), 1 + Double(o.epsHigh))
                let r = Double(e.logpRef![t]) - Double(logp[t])
                loss += -min(ratio * shaped, clipped * shaped) + Double(o.beta) * (exp(r) - r - 1)
            }
            loss /= Double(batchTokens)
            let shapedByCode = EntropyBonus.shape(e, objective: o)
            #expect(abs(Double(shapedByCode.sequenceEntropy) - h) <= 1e-6 * h)
            var g: [Float] = []
            let st = PolicyLoss.evaluate(logp: logp, experience: e, advantages: shapedByCode.advantages, objective: o,
                                         normalizer: .init(completions: 3, tokens: batchTokens, maxCompletionTokens: 16), gradient: &g)
            #expect(abs(st.loss - loss) <= 1e-6 * max(abs(loss), 1e-3), "loss \(st.loss), by hand \(loss)")
            #expect(st.tokens == sampled.count)
        }
    }

    /// d(loss)/d(logp) with the span left out against central differences, every aggregation
    /// (logp kept off the clip kinks): zero on the left-out tokens, whose logp the loss ignores.
    @Test func theMaskedGradientMatchesFiniteDifferences() {
        var s = Stream(state: 23)
        for o in Self.objectives() {
            for _ in 0..<4 {
                let e = Self.experience(&s, advantage: Float(2 * s.next() - 1))
                let adv = EntropyBonus.shape(e, objective: o).advantages
                let n = PolicyLoss.Normalizer(completions: 3, tokens: 17, maxCompletionTokens: 12)
                var logp = e.logpOld.map { $0 + Float(0.6 * s.next() - 0.3) }
                for t in logp.indices {
                    let ratio = exp(Double(logp[t] - e.logpOld[t]))
                    if abs(ratio - 0.8) < 0.02 || abs(ratio - 1.2) < 0.02 { logp[t] = e.logpOld[t] }
                }
                var grad: [Float] = [], scratch: [Float] = []
                _ = PolicyLoss.evaluate(logp: logp, experience: e, advantages: adv, objective: o, normalizer: n, gradient: &grad)
                for t in logp.indices {
                    var up = logp, down = logp
                    up[t] += 1e-3
                    down[t] -= 1e-3
                    let lu = PolicyLoss.evaluate(logp: up, experience: e, advantages: adv, objective: o, normalizer: n, gradient: &scratch).loss
                    let ld = PolicyLoss.evaluate(logp: down, experience: e, advantages: adv, objective: o, normalizer: n, gradient: &scratch).loss
                    let fd = (lu - ld) / Double(up[t] - down[t])
                    #expect(abs(fd - Double(grad[t])) <= 1e-4 * max(1, abs(fd)), "\(o.aggregation) token \(t): fd \(fd) vs \(grad[t])")
                    if Self.excluded.contains(t) { #expect(fd == 0 && grad[t] == 0) }
                }
            }
        }
    }

    /// A mask covering the completion is today's objective: the same bits as no mask at all.
    @Test func aMaskCoveringTheCompletionChangesNoBit() {
        var s = Stream(state: 24), t = Stream(state: 24)
        for o in Self.objectives() {
            let full = Self.experience(&s, advantage: Float(2 * s.next() - 1), mask: [Bool](repeating: true, count: 10))
            let none = Self.experience(&t, advantage: Float(2 * t.next() - 1), mask: nil)
            #expect(full == none)
            let a = EntropyBonus.shape(full, objective: o), b = EntropyBonus.shape(none, objective: o)
            #expect(a == b)
            #expect(EntropyBonus.sequenceEntropy(entropies: none.entropies, thinkMask: none.thinkMask, hasClosedThink: true)
                    == a.sequenceEntropy)
            let n = PolicyLoss.Normalizer(completions: 1, tokens: 10, maxCompletionTokens: 10)
            var g1: [Float] = [], g2: [Float] = []
            let l1 = PolicyLoss.evaluate(logp: full.logpRef!, experience: full, advantages: a.advantages, objective: o, normalizer: n, gradient: &g1)
            let l2 = PolicyLoss.evaluate(logp: none.logpRef!, experience: none, advantages: b.advantages, objective: o, normalizer: n, gradient: &g2)
            #expect(l1 == l2 && g1 == g2 && l1.tokens == 10)
        }
    }

    /// The batch's row mask is each completion's mask at its completion rows, in every layout;
    /// prompt rows are never in it, and without masks it is exactly the completion rows.
    @Test func theBatchMaskSitsOnTheCompletionRows() {
        let prompts: [[Int32]] = [[1, 4, 9], [6], [5, 0]]
        let completions: [[Int32]] = [[3, 5, 6, 2, 2], [2, 9], [7, 7, 7, 1]]
        let masks: [[Bool]] = [[true, false, false, true, true], [true, true], [false, true, true, false]]
        let plain = TokenBatch(zip(prompts, completions).map { $0 + $1 })
        #expect(plain.lossMask == [Bool](repeating: true, count: plain.predictionCount))
        let unmasked = TokenBatch(prompts: prompts, completions: completions)
        #expect(unmasked.inputs == plain.inputs && unmasked.targets == plain.targets && unmasked.positions == plain.positions
                && unmasked.segments == plain.segments)
        let shared = TokenBatch(sharedPrompts: zip(prompts, completions).map { ($0, [$1]) })
        for batch in [unmasked, shared] {
            let rows = Set(prompts.indices.flatMap { batch.completionRange(of: $0, promptLength: prompts[$0].count) })
            #expect(batch.lossMask == (0..<batch.predictionCount).map { rows.contains($0) })
        }
        for batch in [TokenBatch(prompts: prompts, completions: completions, lossMasks: masks),
                      TokenBatch(sharedPrompts: zip(prompts, completions).map { ($0, [$1]) }, lossMasks: masks)] {
            var expected = [Bool](repeating: false, count: batch.predictionCount)
            for s in prompts.indices {
                for (t, row) in batch.completionRange(of: s, promptLength: prompts[s].count).enumerated() { expected[row] = masks[s][t] }
            }
            #expect(batch.lossMask == expected)
            #expect(batch.lossMask.filter { $0 }.count == masks.joined().filter { $0 }.count)
        }
    }
}
