import Foundation
import ShardedTensor
import Testing
@testable import EGPODistributed

@Suite struct ScheduleTests {
    let schedule = WarmupCosineSchedule(peak: 1e-3, floor: 1e-4, warmupSteps: 10, totalSteps: 110)

    func near(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 1e-6 * max(abs(b), 1e-12) }

    @Test func warmUpRisesLinearlyToThePeak() {
        #expect(near(schedule(0), 1e-4), "step 0: \(schedule(0))")
        #expect(near(schedule(4), 5e-4), "step 4: \(schedule(4))")
        #expect(near(schedule(9), 1e-3), "last warm-up step: \(schedule(9))")
    }

    @Test func cosineGoesFromPeakThroughMidpointToFloor() {
        #expect(near(schedule(10), 1e-3), "decay start: \(schedule(10))")
        #expect(near(schedule(60), 5.5e-4), "midpoint: \(schedule(60))")
        #expect(near(schedule(35), Float(1e-4 + 9e-4 * 0.5 * (1 + cos(Double.pi / 4)))), "quarter: \(schedule(35))")
        #expect(near(schedule(110), 1e-4), "end: \(schedule(110))")
        #expect(near(schedule(500), 1e-4), "after the end: \(schedule(500))")
    }

    @Test func decayIsMonotone() {
        for s in 10..<110 { #expect(schedule(s + 1) <= schedule(s), "step \(s)") }
    }

    @Test func noWarmUpStartsAtPeakAndConstantIsConstant() {
        let s = WarmupCosineSchedule(peak: 2, warmupSteps: 0, totalSteps: 4)
        #expect(s(0) == 2 && near(s(2), 1) && s(4) == 0)
        let c = ConstantSchedule(learningRate: 3e-4)
        #expect(c(0) == 3e-4 && c(123_456) == 3e-4)
        let f: @Sendable (Int) -> Float = schedule.function
        #expect(f(60) == schedule(60))
    }
}

/// `run.steps` counts rollout batches and each batch makes `egpo.mu` AdamW updates: the schedule
/// must span all `steps * mu` updates, so at mu 2 the cosine reaches its floor at the last
/// update, not halfway (it did when it was given `run.steps` updates).
@Suite(.serialized) struct ScheduleWithMuTests {
    typealias D = DistributedTrainingTests

    static func cosine(warmup: Int = 0) -> TrainerConfig.Optimizer {
        var o = TrainerConfig.Optimizer()
        o.schedule = .cosine
        o.learningRate = 1e-3
        o.minLearningRateRatio = 0.1
        o.warmupSteps = warmup
        return o
    }

    @Test func theCosineSpansEveryUpdateOfEveryBatch() {
        let steps = 4, mu = 2, floor: Float = 1e-4
        let s = Self.cosine().schedule(totalSteps: steps, updatesPerStep: mu)
        let rates = (0 ..< steps * mu).map { s($0) }
        for u in 1 ..< rates.count { #expect(rates[u] < rates[u - 1], "update \(u): \(rates[u]) after \(rates[u - 1])") }
        #expect(rates.allSatisfy { $0 > floor }, "the floor is reached before the last update: \(rates)")
        // The last update runs within 1 - cos(pi / 8) of the way from the floor; the next would be at it.
        #expect(rates.last! - floor <= (1e-3 - floor) * Float(0.5 * (1 - cos(Double.pi / 8))) * 1.0001, "last update \(rates.last!)")
        #expect(abs(s(steps * mu) - floor) <= 1e-9)
        // Halfway through the batches, halfway down the cosine (the old schedule was at its floor).
        #expect(abs(s(steps * mu / 2) - 5.5e-4) <= 1e-9, "halfway: \(s(steps * mu / 2))")
        // Warm-up is counted in batches too: 2 batches of 2 updates rise to the peak at update 3.
        let w = Self.cosine(warmup: 2).schedule(totalSteps: steps, updatesPerStep: mu)
        #expect(abs(w(0) - 2.5e-4) <= 1e-9 && abs(w(3) - 1e-3) <= 1e-9 && w(4) == 1e-3)
        // mu 1 is the schedule of old, exactly.
        let o = Self.cosine(warmup: 1), one = o.schedule(totalSteps: steps)
        let plain = WarmupCosineSchedule(peak: o.learningRate, floor: o.learningRate * o.minLearningRateRatio, warmupSteps: 1, totalSteps: steps)
        #expect((0...steps).allSatisfy { one($0) == plain($0) })
    }

    /// The trainer's steps at mu 2 report the rate of their last update: step k's is update 2k - 1's.
    @Test func anEGPORunAtMuTwoReachesTheFloorOnlyAtItsLastStep() throws {
        let config = D.config().with { $0.optimizer = Self.cosine() }
        #expect(config.egpo.mu == 2)
        let steps = 3
        let rates = try LocalCommunicator.run(size: 1) { comm -> [Double] in
            let model = try Transformer(config: D.architecture, seed: 11)
            let replica = try PolicyReplica(policy: LoadedModel(model: model, tokenizer: ByteTokenizer()), optimizer: config.optimizer,
                                            totalSteps: steps, updatesPerStep: config.egpo.mu, communicator: comm)
            let trainer = try EGPOTrainer(config: config, replica: replica, tasks: D.tasks, codec: try TaskCodec(tokenizer: ByteTokenizer()))
            trainer.reward = D.parityReward
            let lrs = try (0..<steps).map { try trainer.step($0).lr! }
            #expect(replica.optimizer.adam.step == steps * 2)
            return lrs
        }[0]
        let expected = (1...steps).map { k in 1e-4 + 9e-4 * 0.5 * (1 + cos(Double.pi * Double(2 * k - 1) / Double(2 * steps))) }
        for (k, (got, want)) in zip(rates, expected).enumerated() {
            #expect(abs(got - want) <= 1e-6 * want, "step \(k + 1): lr \(got), expected \(want)")
        }
        #expect(rates[steps - 2] > 2e-4, "the schedule reached its floor before the last step: \(rates)")
        // The last update (5 of 0..<6) runs within 7% of the range above the floor.
        #expect(rates[steps - 1] > 1e-4 && rates[steps - 1] < 1e-4 + 0.07 * 9e-4, "the last step is not next to the floor: \(rates)")
    }
}
