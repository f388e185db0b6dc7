import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// Data-parallel training gives the same parameters at any world size (ranks as threads of one
/// process; `make test` repeats this under mpirun with the launcher). Tolerance: every parameter
/// within 1e-5 of the largest parameter magnitude after 3 steps; what differs is only the order
/// in which rows and ranks are summed.
@Suite(.serialized) struct DistributedTrainingTests {
    static let architecture = ModelConfig(vocabularySize: 268, hiddenSize: 32, intermediateSize: 64, layerCount: 2, headCount: 2,
                                          kvHeadCount: 1, ropeTheta: 10_000, rmsNormEps: 1e-5, tieWordEmbeddings: false,
                                          maxPositionEmbeddings: 1200)

    static func config() -> TrainerConfig {
        var c = TrainerConfig()
        c.run.seed = 5
        c.rollout.prompts = 2
        c.rollout.groupSize = 8
        c.rollout.maxCompletionTokens = 10
        c.rollout.microBatch = 3
        c.egpo.mu = 2
        c.egpo.beta = 0.01
        c.optimizer.learningRate = 3e-3
        c.sft.batchSize = 8
        c.sft.optimizer.warmupSteps = 0
        return c
    }

    static let tasks: [TrainingTask] = FunctionWorld(seed: 3, split: .train).generate(count: 24)
        .map { TrainingTask(task: $0.task, reference: $0.completion) }
        .filter { PromptFormat.prompt($0.task).utf8.count < 420 }

    /// An untrained model earns this reward about half the time: more even than odd token ids.
    static let parityReward: EGPOTrainer.RewardFunction = { tokens, _ in
        let even = tokens.filter { $0 % 2 == 0 }.count
        return Reward(failure: 2 * even > tokens.count ? nil : .decode, calls: nil)
    }

    struct RankResult: Sendable {
        var parameters: [Float]
        var metrics: [[String: Double]]
    }

    static func train(worldSize: Int, supervised: Bool, steps: Int = 3, zero: TrainerConfig.ZeroStage = .off,
                      gradientPath: TrainerConfig.GradientPath = .allreduce, weightDecay: Float? = nil) throws -> [RankResult] {
        var base = config()
        let tasks = tasks
        if let weightDecay { base.optimizer.weightDecay = weightDecay; base.sft.optimizer.weightDecay = weightDecay }
        let config = base
        return try LocalCommunicator.run(size: worldSize) { comm in
            let model = try Transformer(config: architecture, seed: 11)
            var o = supervised ? config.sft.optimizer : config.optimizer
            o.zero = zero
            o.gradientPath = gradientPath
            let replica = try PolicyReplica(policy: LoadedModel(model: model, tokenizer: ByteTokenizer()), optimizer: o, totalSteps: steps,
                                            communicator: comm)
            let codec = try TaskCodec(tokenizer: ByteTokenizer())
            var metrics: [[String: Double]] = []
            func keep(_ m: MetricsRecord) {
                var d: [String: Double] = [:]
                for (k, v) in m.fields where !k.hasPrefix("seconds") && k != "tokens_per_second" {
                    switch v {
                    case .integer(let i): d[k] = Double(i)
                    case .float(let x): d[k] = x
                    default: break
                    }
                }
                metrics.append(d)
            }
            if supervised {
                let trainer = try SFTTrainer(config: config, replica: replica, tasks: tasks, codec: codec)
                for s in 0..<steps { keep(try trainer.step(s)) }
            } else {
                let trainer = try EGPOTrainer(config: config, replica: replica, tasks: tasks, codec: codec)
                trainer.reward = parityReward
                for s in 0..<steps { keep(try trainer.step(s)) }
            }
            return RankResult(parameters: model.parameters.toArray(), metrics: metrics)
        }
    }

    /// Largest |a - b| over the largest |a|.
    static func relativeGap(_ a: [Float], _ b: [Float]) -> Double {
        let scale = Double(a.map { abs($0) }.max() ?? 1)
        return Double(zip(a, b).map { abs($0 - $1) }.max() ?? 0) / scale
    }

    func checkWorldSizesAgree(supervised: Bool) throws {
        let initial = try Transformer(config: Self.architecture, seed: 11).parameters.toArray()
        let one = try Self.train(worldSize: 1, supervised: supervised)[0]
        // Not vacuous: the parameters moved, and (EGPO) rewards were mixed.
        #expect(Self.relativeGap(initial, one.parameters) > 1e-3, "3 steps did not move the parameters")
        if !supervised {
            let rewards = one.metrics.map { $0["reward_mean"]! }
            #expect(rewards.contains { $0 > 0 && $0 < 1 }, "rewards \(rewards) give no advantage")
        }
        for size in [2, 4] {
            let ranks = try Self.train(worldSize: size, supervised: supervised)
            for r in ranks { #expect(r.parameters == ranks[0].parameters, "ranks of a \(size)-rank world diverged") }
            let gap = Self.relativeGap(one.parameters, ranks[0].parameters)
            #expect(gap <= 1e-5, "\(size) ranks vs 1: parameters differ by \(gap) of the largest parameter")
            for (a, b) in zip(one.metrics, ranks[0].metrics) {
                for key in ["reward_mean", "frac_zero_std", "completion_len_mean", "step", "epoch", "tokens"] where a[key] != nil {
                    #expect(a[key] == b[key], "\(key): \(a[key]!) on 1 rank, \(b[key]!) on \(size)")
                }
                for key in ["loss", "grad_norm", "kl", "entropy"] where a[key] != nil {
                    #expect(abs(a[key]! - b[key]!) <= 1e-4 * max(1, abs(a[key]!)), "\(key): \(a[key]!) on 1 rank, \(b[key]!) on \(size)")
                }
            }
        }
    }

    /// ZeRO-1 with the all-reduce path computes exactly what replicated training computes; with
    /// reduce-scatter the sums may round differently. Weight decay is on, so a shard that cuts
    /// through a norm weight must still leave that part undecayed.
    @Test(arguments: [true, false])
    func zeroOneAgreesWithReplicatedTraining(supervised: Bool) throws {
        for size in [2, 4] {
            let plain = try Self.train(worldSize: size, supervised: supervised, weightDecay: 0.1)[0]
            let viaAllReduce = try Self.train(worldSize: size, supervised: supervised, zero: .stage1, gradientPath: .allreduce, weightDecay: 0.1)
            for r in viaAllReduce { #expect(r.parameters == plain.parameters, "ZeRO-1 (all-reduce) on \(size) ranks differs from replicated") }
            let viaReduceScatter = try Self.train(worldSize: size, supervised: supervised, zero: .stage1, gradientPath: .reducescatter, weightDecay: 0.1)
            for r in viaReduceScatter { #expect(r.parameters == viaReduceScatter[0].parameters, "ZeRO-1 ranks diverged") }
            let gap = Self.relativeGap(plain.parameters, viaReduceScatter[0].parameters)
            #expect(gap <= 1e-5, "ZeRO-1 (reduce-scatter) on \(size) ranks vs replicated: \(gap) of the largest parameter")
        }
    }

    @Test func egpoReachesTheSameParametersOnOneTwoAndFourRanks() throws {
        try checkWorldSizesAgree(supervised: false)
    }

    @Test func sftReachesTheSameParametersOnOneTwoAndFourRanks() throws {
        try checkWorldSizesAgree(supervised: true)
    }

    @Test func aFailingRankReleasesItsPeers() throws {
        #expect(throws: (any Error).self) {
            _ = try LocalCommunicator.run(size: 3) { comm -> Int in
                if comm.rank == 1 { throw TrainingError.data("rank 1 fails on purpose") }
                var x = [Float(1)]
                try comm.allReduce(&x, op: .sum)
                return 0
            }
        }
    }
}
