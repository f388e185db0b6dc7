import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// The EGPO objective against independent references (Fixtures/egpo_loss: a float64 PyTorch
/// script of EGPO.md's formulas, and TRL 1.16's own GRPO loss code for lambda 0; both scripts
/// regenerate their JSON, see their docstrings), its stated properties, and finite differences.
@Suite struct ObjectiveGoldenTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/egpo_loss")

    static func cases(_ file: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: folder.appendingPathComponent(file))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return root["cases"] as! [[String: Any]]
    }

    static func floats(_ v: Any?) -> [Float] { (v as? [NSNumber] ?? []).map { $0.floatValue } }
    static func doubles(_ v: Any?) -> [Double] { (v as? [NSNumber] ?? []).map { $0.doubleValue } }

    static func objective(_ c: [String: Any]) -> TrainerConfig.Objective {
        var o = TrainerConfig.Objective()
        o.scaleRewards = .init(rawValue: c["scaleRewards"] as! String)!
        o.skipZeroStdGroups = c["skipZeroStdGroups"] as! Bool
        o.lambda = (c["lambda"] as! NSNumber).floatValue
        o.alpha = (c["alpha"] as! NSNumber).floatValue
        o.bonusPlacement = .init(rawValue: c["bonusPlacement"] as! String)!
        o.bonusGranularity = .init(rawValue: c["bonusGranularity"] as! String)!
        o.epsLow = (c["epsLow"] as! NSNumber).floatValue
        o.epsHigh = (c["epsHigh"] as! NSNumber).floatValue
        o.beta = (c["beta"] as! NSNumber).floatValue
        o.aggregation = .init(rawValue: c["aggregation"] as! String)!
        return o
    }

    /// Everything the objective computes for one case, from the fixture's inputs.
    struct Outcome {
        var advantages: [Float], entropies: [Float], shaped: [[Float]], zeroStd: Int
        var loss: Double, gradients: [[Float]], kl: Double, clipLow: Double, clipHigh: Double, capFraction: Double
    }

    static func run(_ caseObject: [String: Any], fixedAdvantages: Bool = false) -> Outcome {
        let config = caseObject["config"] as! [String: Any]
        let o = objective(config)
        let g = (config["groupSize"] as! NSNumber).intValue
        let maxTokens = ((caseObject["maxCompletionTokens"] ?? config["maxCompletionTokens"]) as! NSNumber).intValue
        let completions = caseObject["completions"] as! [[String: Any]]
        var experiences = completions.map { c -> Experience in
            let logpOld = floats(c["logpOld"]), n = logpOld.count
            let think = (c["thinkMask"] as? [NSNumber])?.map { $0.intValue != 0 } ?? [Bool](repeating: false, count: n)
            return Experience(promptTokens: [1], completionTokens: [Int32](repeating: 5, count: n), thinkMask: think,
                              hasClosedThink: c["closedThink"] as? Bool ?? false, logpOld: logpOld,
                              logpRef: c["logpRef"] is NSNull || c["logpRef"] == nil ? nil : floats(c["logpRef"]),
                              entropies: (c["entropies"] as? [NSNumber]).map { $0.map(\.floatValue) } ?? [Float](repeating: 0, count: n),
                              reward: (c["reward"] as? NSNumber)?.floatValue ?? 0,
                              advantage: (c["advantage"] as? NSNumber)?.floatValue ?? 0)
        }
        var zeroStd = 0
        if !fixedAdvantages {
            let result = GroupAdvantage.compute(rewards: experiences.map(\.reward), groupSize: g, scale: o.scaleRewards,
                                                skipZeroStdGroups: o.skipZeroStdGroups)
            for i in experiences.indices {
                experiences[i].advantage = result.advantages[i]
                experiences[i].skipped = result.skipped[i]
            }
            zeroStd = result.zeroStdGroups
        }
        let shaped = experiences.map { EntropyBonus.shape($0, objective: o) }
        let kept = experiences.filter { !$0.skipped }
        let normalizer = PolicyLoss.Normalizer(completions: kept.count, tokens: kept.reduce(0) { $0 + $1.tokenCount },
                                               maxCompletionTokens: maxTokens)
        var stats = PolicyLoss.Statistics(), gradients: [[Float]] = []
        for (i, e) in experiences.enumerated() {
            var grad: [Float] = []
            stats.add(PolicyLoss.evaluate(logp: floats(completions[i]["logp"]), experience: e, advantages: shaped[i].advantages,
                                          objective: o, normalizer: normalizer, gradient: &grad))
            gradients.append(grad)
        }
        let tokens = Double(max(stats.tokens, 1))
        let units = shaped.reduce(0) { $0 + $1.units }, capped = shaped.reduce(0) { $0 + $1.cappedUnits }
        return Outcome(advantages: experiences.map(\.advantage), entropies: shaped.map(\.sequenceEntropy), shaped: shaped.map(\.advantages),
                       zeroStd: zeroStd, loss: stats.loss, gradients: gradients, kl: stats.klSum / tokens,
                       clipLow: Double(stats.clippedLow) / tokens, clipHigh: Double(stats.clippedHigh) / tokens,
                       capFraction: units == 0 ? 0 : Double(capped) / Double(units))
    }

    static func expectClose(_ a: [Double], _ b: [Double], _ label: String, rtol: Double = 1e-5, atol: Double = 1e-7) {
        let c = closeness(a, b, atol: atol, rtol: rtol, label: label)
        #expect(c.ok, "\(c)")
    }

    @Test func matchesThePyTorchReference() throws {
        let cases = try Self.cases("egpo_loss_cases.json")
        #expect(cases.count >= 30)
        for c in cases {
            let name = c["name"] as! String, e = c["expected"] as! [String: Any]
            let out = Self.run(c)
            Self.expectClose(out.advantages.map(Double.init), Self.doubles(e["advantages"]), "\(name) advantages")
            Self.expectClose(out.entropies.map(Double.init), Self.doubles(e["sequenceEntropy"]), "\(name) sequence entropy")
            Self.expectClose(out.shaped.flatMap { $0 }.map(Double.init),
                             (e["shapedAdvantages"] as! [Any]).flatMap { Self.doubles($0) }, "\(name) shaped advantages")
            #expect(out.zeroStd == (e["zeroStdGroups"] as! NSNumber).intValue, "\(name) zero-std groups")
            Self.expectClose([out.loss], [(e["loss"] as! NSNumber).doubleValue], "\(name) loss")
            Self.expectClose(out.gradients.flatMap { $0 }.map(Double.init),
                             (e["dLossDLogp"] as! [Any]).flatMap { Self.doubles($0) }, "\(name) dloss/dlogp")
            Self.expectClose([out.kl, out.clipLow, out.clipHigh, out.capFraction],
                             ["kl", "clipLowFraction", "clipHighFraction", "bonusCapHitFraction"].map { (e[$0] as! NSNumber).doubleValue },
                             "\(name) metrics")
        }
    }

    @Test func lambdaZeroMatchesTRLsGRPOLoss() throws {
        let cases = try Self.cases("trl_grpo_cases.json")
        #expect(cases.count >= 8)
        for c in cases {
            let name = "\(c["name"] as! String) (TRL \(c["lossType"] as! String))", e = c["expected"] as! [String: Any]
            let out = Self.run(c, fixedAdvantages: true)
            Self.expectClose([out.loss], [(e["loss"] as! NSNumber).doubleValue], "\(name) loss")
            Self.expectClose(out.gradients.flatMap { $0 }.map(Double.init),
                             (e["dLossDLogp"] as! [Any]).flatMap { Self.doubles($0) }, "\(name) dloss/dlogp")
        }
    }
}

@Suite struct ObjectivePropertyTests {
    /// A deterministic stream of test values.
    struct Stream {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    func experience(_ s: inout Stream, reward: Float, advantage: Float, length: Int) -> Experience {
        let closed = s.next() < 0.8
        let think = (0..<length).map { t in closed && t > 0 && t < length - 1 }
        return Experience(promptTokens: [1], completionTokens: [Int32](repeating: 3, count: length), thinkMask: think,
                          hasClosedThink: closed, logpOld: (0..<length).map { _ in Float(-3 * s.next()) },
                          logpRef: (0..<length).map { _ in Float(-3 * s.next()) },
                          entropies: (0..<length).map { _ in Float(4 * s.next()) }, reward: reward, advantage: advantage)
    }

    @Test func bonusIsNonNegativeZeroAtZeroAdvantageAndNeverFlipsTheSign() {
        var s = Stream(state: 1)
        for placement in TrainerConfig.BonusPlacement.allCases {
            for granularity in TrainerConfig.BonusGranularity.allCases {
                var o = TrainerConfig.Objective()
                o.bonusPlacement = placement
                o.bonusGranularity = granularity
                for trial in 0..<400 {
                    o.lambda = Float(1.9 * s.next())
                    o.alpha = Float(1.0001 + 3 * s.next())
                    if placement == .outside, o.lambda >= o.alpha { o.lambda = o.alpha * 0.99 }
                    let a = trial % 5 == 0 ? 0 : Float(4 * s.next() - 2)
                    let e = experience(&s, reward: 1, advantage: a, length: 1 + trial % 9)
                    let shaped = EntropyBonus.shape(e, objective: o)
                    for v in shaped.advantages {
                        #expect(v - a >= 0, "bonus \(v - a) < 0")
                        if a == 0 { #expect(v == 0) }
                        if a > 0 { #expect(v > 0) }
                        if a < 0 { #expect(v < 0, "A \(a) became \(v) (lambda \(o.lambda), alpha \(o.alpha), \(placement))") }
                    }
                }
            }
        }
    }

    @Test func lambdaZeroIsGRPOBitForBit() {
        var s = Stream(state: 2)
        var egpo = TrainerConfig.Objective(), grpo = TrainerConfig.Objective()
        egpo.lambda = 0
        grpo.lambda = 0.4
        for trial in 0..<100 {
            let a = Float(2 * s.next() - 1)
            let e = experience(&s, reward: 1, advantage: a, length: 1 + trial % 7)
            let shaped = EntropyBonus.shape(e, objective: egpo)
            #expect(shaped.advantages == [Float](repeating: a, count: e.tokenCount))
            #expect(shaped.bonusSum == 0)
            // And the loss with lambda 0 is the loss on the plain advantage.
            let n = PolicyLoss.Normalizer(completions: 1, tokens: e.tokenCount, maxCompletionTokens: 8)
            var g1: [Float] = [], g2: [Float] = []
            let l1 = PolicyLoss.evaluate(logp: e.logpOld, experience: e, advantages: shaped.advantages, objective: egpo, normalizer: n, gradient: &g1)
            let l2 = PolicyLoss.evaluate(logp: e.logpOld, experience: e, advantages: [Float](repeating: a, count: e.tokenCount),
                                         objective: grpo, normalizer: n, gradient: &g2)
            #expect(l1 == l2 && g1 == g2)
        }
    }

    @Test func degenerateBatchesGiveNoNaN() {
        var s = Stream(state: 3)
        for scale in TrainerConfig.ScaleRewards.allCases {
            for skip in [false, true] {
                // G = 1, and groups whose rewards are all equal.
                for (rewards, g) in [([Float](repeating: 1, count: 4), 1), ([0, 0, 0, 1, 1, 1], 3), ([0, 0], 2)] {
                    let r = GroupAdvantage.compute(rewards: rewards, groupSize: g, scale: scale, skipZeroStdGroups: skip)
                    #expect(r.advantages.allSatisfy { $0 == 0 })
                    #expect(r.zeroStdGroups == rewards.count / g)
                    #expect(r.skipped.allSatisfy { $0 == skip })
                    var o = TrainerConfig.Objective()
                    o.skipZeroStdGroups = skip
                    var experiences = rewards.map { experience(&s, reward: $0, advantage: 0, length: 3) }
                    for i in experiences.indices { experiences[i].skipped = r.skipped[i] }
                    let kept = experiences.filter { !$0.skipped }
                    let n = PolicyLoss.Normalizer(completions: kept.count, tokens: kept.reduce(0) { $0 + $1.tokenCount }, maxCompletionTokens: 4)
                    for agg in TrainerConfig.Aggregation.allCases {
                        o.aggregation = agg
                        for e in experiences {
                            var grad: [Float] = []
                            let st = PolicyLoss.evaluate(logp: e.logpOld, experience: e, advantages: EntropyBonus.shape(e, objective: o).advantages,
                                                         objective: o, normalizer: n, gradient: &grad)
                            #expect(st.loss.isFinite && grad.allSatisfy(\.isFinite))
                        }
                    }
                }
            }
        }
        // A closed but empty think block, and no think block at all.
        let empty = EntropyBonus.sequenceEntropy(entropies: [1, 2], thinkMask: [false, false], hasClosedThink: true)
        let none = EntropyBonus.sequenceEntropy(entropies: [1, 2], thinkMask: [false, false], hasClosedThink: false)
        #expect(empty == 0 && none == 1.5)
        #expect(ThinkBlock.mask([9, 4, 5, 7], open: 4, close: 5) == ([false, false, false, false], true))
        #expect(ThinkBlock.mask([4, 1, 2, 5, 3], open: 4, close: 5) == ([false, true, true, false, false], true))
        #expect(ThinkBlock.mask([4, 1, 2], open: 4, close: 5).closed == false)
        #expect(ThinkBlock.mask([5, 1, 4], open: 4, close: 5).closed == false)
    }

    /// d(loss)/d(logp) against central differences of the loss, for every aggregation, clipping
    /// on both sides (logp away from logpOld) and the KL term.
    @Test func gradientMatchesFiniteDifferences() {
        var s = Stream(state: 4)
        for agg in TrainerConfig.Aggregation.allCases {
            var o = TrainerConfig.Objective()
            o.aggregation = agg
            o.beta = 0.05
            o.epsHigh = 0.28
            for trial in 0..<20 {
                let a = Float(2 * s.next() - 1)
                let e = experience(&s, reward: 1, advantage: a, length: 2 + trial % 6)
                let adv = EntropyBonus.shape(e, objective: o).advantages
                let n = PolicyLoss.Normalizer(completions: 3, tokens: 17, maxCompletionTokens: 9)
                // Off-policy logp, kept away from the clip boundaries where the loss has a kink.
                var logp = e.logpOld.map { $0 + Float(0.6 * s.next() - 0.3) }
                for t in logp.indices {
                    let ratio = exp(Double(logp[t] - e.logpOld[t]))
                    if abs(ratio - 0.8) < 0.02 || abs(ratio - 1.28) < 0.02 { logp[t] = e.logpOld[t] }
                }
                var grad: [Float] = [], scratch: [Float] = []
                _ = PolicyLoss.evaluate(logp: logp, experience: e, advantages: adv, objective: o, normalizer: n, gradient: &grad)
                let h: Float = 1e-3
                for t in logp.indices {
                    var up = logp, down = logp
                    up[t] += h
                    down[t] -= h
                    let lu = PolicyLoss.evaluate(logp: up, experience: e, advantages: adv, objective: o, normalizer: n, gradient: &scratch).loss
                    let ld = PolicyLoss.evaluate(logp: down, experience: e, advantages: adv, objective: o, normalizer: n, gradient: &scratch).loss
                    let fd = (lu - ld) / Double(up[t] - down[t])
                    #expect(abs(fd - Double(grad[t])) <= 1e-4 * max(1, abs(fd)), "\(agg) token \(t): fd \(fd) vs \(grad[t])")
                }
            }
        }
    }
}
