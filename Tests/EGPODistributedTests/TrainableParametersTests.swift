import Foundation
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// The trained set apart from the model's weights (`TrainableParameters`): frozen tensors get
/// no weight gradient, no moments and no update, the trained ones exactly what full
/// fine-tuning computes for them; full fine-tuning is the set of every tensor, in place.
@Suite(.serialized) struct TrainableParametersTests {
    typealias D = DistributedTrainingTests

    /// The embedding and the head, a linear of layer 0 and a norm of layer 1.
    static let frozen: Set<String> = ["model.embed_tokens.weight", "lm_head.weight", "model.layers.0.self_attn.q_proj.weight",
                                      "model.layers.1.post_attention_layernorm.weight"]

    @Test func nothingFrozenIsTheModelsOwnBuffer() throws {
        let model = try Transformer(config: D.architecture, seed: 11)
        let all = TrainableParameters(model: model) { _ in false }
        #expect(all.isWholeModel && all.values === model.parameters && all.layout == model.layout && all.frozenTensorNames.isEmpty)
        let some = TrainableParameters(model: model) { Self.frozen.contains($0) }
        #expect(!some.isWholeModel && Set(some.frozenTensorNames) == Self.frozen)
        #expect(some.layout.totalCount == model.layout.totalCount - Self.frozen.reduce(0) { $0 + model.layout[$1].count })
        for e in some.layout.entries { #expect(Array(some.values.tensor(e)) == Array(model.parameters.tensor(model.layout[e.name]))) }
    }

    /// EGPO steps (mu 2, weight decay on, so a stepped frozen tensor would move) on 1 rank and on
    /// 2 ranks with ZeRO-1 over the trained parameters.
    @Test(arguments: [(1, 0), (2, 1)])
    func frozenTensorsStayBitwiseUnchangedAndHoldNoOptimizerState(worldSize: Int, zero: Int) throws {
        let config = D.config().with { $0.optimizer.weightDecay = 0.1; $0.optimizer.zero = TrainerConfig.ZeroStage(rawValue: zero)!; $0.optimizer.gradientPath = .reducescatter }
        let initial = try Transformer(config: D.architecture, seed: 11)
        let results = try LocalCommunicator.run(size: worldSize) { comm in
            let model = try Transformer(config: D.architecture, seed: 11)
            let trainable = TrainableParameters(model: model) { Self.frozen.contains($0) }
            let replica = try PolicyReplica(policy: LoadedModel(model: model, tokenizer: ByteTokenizer()), optimizer: config.optimizer,
                                            totalSteps: 2, updatesPerStep: config.egpo.mu, communicator: comm, trainable: trainable)
            let trainer = try EGPOTrainer(config: config, replica: replica, tasks: D.tasks, codec: try TaskCodec(tokenizer: ByteTokenizer()))
            trainer.reward = D.parityReward
            for s in 0..<2 { _ = try trainer.step(s) }
            let n = trainable.layout.totalCount
            #expect(replica.gradients.count == n)
            #expect(replica.optimizer.firstMoment.count == replica.optimizer.shard.count && replica.optimizer.shard.upperBound <= n)
            #expect(replica.optimizer.shard == (zero == 1 ? ShardLayout(count: n, worldSize: worldSize).range(rank: comm.rank) : 0 ..< n))
            #expect(replica.optimizerMemory.replicated == 2 * n * 4)
            // The trained values are what the model reads.
            for e in trainable.layout.entries { #expect(Array(trainable.values.tensor(e)) == Array(model.parameters.tensor(model.layout[e.name]))) }
            return (model.parameters.toArray(), replica.optimizer.shard.count)
        }
        let trainedCount = initial.layout.totalCount - Self.frozen.reduce(0) { $0 + initial.layout[$1].count }
        #expect(results.reduce(0) { $0 + $1.1 } == (zero == 1 ? trainedCount : worldSize * trainedCount), "the moments cover the trained parameters once")
        let after = results[0].0
        for r in results { #expect(r.0 == after, "ranks diverged") }
        for e in initial.layout.entries {
            let before = Array(initial.parameters.tensor(e)), now = Array(after[e.offset ..< e.offset + e.count])
            if Self.frozen.contains(e.name) {
                #expect(now == before, "frozen \(e.name) changed")
            } else {
                #expect(now != before, "trained \(e.name) did not move")
            }
        }
    }

    /// A backward into the trained set's layout gives the trained tensors the bits full
    /// fine-tuning gives them; the frozen ones (biases, Qwen3's q/k norms, a linear, the
    /// embedding) have no place in the buffer, and their weight gradients are not computed.
    @Test(arguments: [false, true])
    func theTrainedTensorsGetTheGradientsOfFullFineTuning(tied: Bool) throws {
        let config = tinyConfig(bias: true, tied: tied, architecture: .qwen3, headDim: 4)
        let model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 31).map { Float($0) }))
        let trainable = TrainableParameters(model: model) { name in
            ParameterRole(name: name) == .bias || name.contains("q_norm") || name.contains("k_norm")
                || name == "model.embed_tokens.weight" || name == "model.layers.1.mlp.up_proj.weight"
        }
        let batch = TokenBatch(sharedPrompts: [([1, 4, 9, 2], [[7, 3], [5, 0, 10]]), ([2, 2], [[6, 1, 3]])])
        let a = testValues(batch.predictionCount, seed: 32).map { Float($0) }, b = testValues(batch.predictionCount, seed: 33).map { Float($0) }
        let ws = TrainingWorkspace(config: config)
        model.forward(batch, temperature: 0.8, workspace: ws)
        let full = model.makeGradientBuffer(), part = trainable.makeGradientBuffer()
        model.backward(batch, logProbWeights: a, entropyWeights: b, gradients: full, workspace: ws)
        model.backward(batch, logProbWeights: a, entropyWeights: b, gradients: part, layout: trainable.layout, workspace: ws)
        #expect(part.count < full.count)
        for e in trainable.layout.entries {
            let got = Array(part.tensor(e)), want = Array(full.tensor(model.layout[e.name]))
            #expect(got == want, "\(e.name): differs from the full backward's gradient")
            #expect(got.contains { $0 != 0 }, "\(e.name) got no gradient")
        }
    }

    /// The kernels: a frozen weight's gradient is left out and the input gradient is the same.
    @Test func aFrozenLinearOrNormStillPassesTheInputGradientOn() {
        let n = 5, i = 6, o = 4
        let x = FloatBuffer(testValues(n * i, seed: 41).map { Float($0) }), w = FloatBuffer(testValues(o * i, seed: 42).map { Float($0) })
        let dy = FloatBuffer(testValues(n * o, seed: 43).map { Float($0) })
        let dxA = FloatBuffer(count: n * i), dxB = FloatBuffer(count: n * i), dW = FloatBuffer(count: o * i)
        let dbA = FloatBuffer(count: o), dbB = FloatBuffer(count: o)
        Linear.backward(dy.matrix(rows: n, cols: o), x: x.matrix(rows: n, cols: i), weight: w.matrix(rows: o, cols: i),
                        dx: dxA.matrix(rows: n, cols: i), accumulateInput: false, dWeight: dW.matrix(rows: o, cols: i), dBias: dbA.base)
        Linear.backward(dy.matrix(rows: n, cols: o), x: x.matrix(rows: n, cols: i), weight: w.matrix(rows: o, cols: i),
                        dx: dxB.matrix(rows: n, cols: i), accumulateInput: false, dWeight: nil, dBias: dbB.base)
        #expect(dxA.toArray() == dxB.toArray() && dbA.toArray() == dbB.toArray() && dW.toArray().contains { $0 != 0 })
        // RMSNorm over rows of width i.
        let g = FloatBuffer(testValues(i, seed: 44).map { Float(1 + 0.3 * $0) }), rstd = FloatBuffer(count: n), y = FloatBuffer(count: n * i)
        RMSNorm.forward(x.matrix(rows: n, cols: i), weight: g.base, eps: 1e-5, into: y.matrix(rows: n, cols: i), rstd: rstd.base)
        let dyN = FloatBuffer(testValues(n * i, seed: 45).map { Float($0) })
        let dxC = FloatBuffer(count: n * i), dxD = FloatBuffer(count: n * i), dg = FloatBuffer(count: i)
        RMSNorm.backward(dyN.matrix(rows: n, cols: i), x: x.matrix(rows: n, cols: i), weight: g.base, rstd: rstd.base,
                         dx: dxC.matrix(rows: n, cols: i), dWeight: dg.base)
        RMSNorm.backward(dyN.matrix(rows: n, cols: i), x: x.matrix(rows: n, cols: i), weight: g.base, rstd: rstd.base,
                         dx: dxD.matrix(rows: n, cols: i), dWeight: nil)
        #expect(dxC.toArray() == dxD.toArray() && dg.toArray().contains { $0 != 0 })
    }

    /// A checkpoint of a run with frozen tensors names them and holds the trained part's moments;
    /// it restores into a replica that trains the same set, and its model file has the frozen
    /// weights as they were.
    @Test func aCheckpointHoldsTheTrainedSetsMoments() throws {
        let dir = try Fixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("frozen.h5")
        let config = D.config()
        let zero = D.config().with { $0.optimizer.zero = .stage1 }.optimizer
        let saved = try LocalCommunicator.run(size: 2) { comm in
            let model = try Transformer(config: D.architecture, seed: 11)
            let trainable = TrainableParameters(model: model) { Self.frozen.contains($0) }
            let replica = try PolicyReplica(policy: LoadedModel(model: model, tokenizer: ByteTokenizer()),
                                            optimizer: zero, totalSteps: 2, communicator: comm,
                                            trainable: trainable)
            let trainer = try EGPOTrainer(config: config, replica: replica, tasks: D.tasks, codec: try TaskCodec(tokenizer: ByteTokenizer()))
            trainer.reward = D.parityReward
            _ = try trainer.step(0)
            try TrainingCheckpoint.save(to: comm.rank == 0 ? url : nil, replica: replica, state: TrainingState(kind: .egpo, step: 1,
                                        worldSize: 2, config: config, cursor: trainer.cursor, metricsLines: []), reference: nil)
            return (replica.optimizer.firstMoment.toArray(), replica.optimizer.shard, trainable.layout)
        }
        let loaded = try TrainingCheckpoint.load(url.path)
        let layout = saved[0].2
        #expect(loaded.trainableTensors == layout.entries.map(\.name))
        #expect(loaded.firstMoment.count == layout.totalCount && loaded.secondMoment.count == layout.totalCount)
        for r in 0..<2 { #expect(Array(loaded.firstMoment[saved[r].1]) == saved[r].0, "rank \(r)'s shard of m") }
        let initial = try Transformer(config: D.architecture, seed: 11)
        for name in Self.frozen {
            #expect(Array(loaded.policy.model.parameters.tensor(loaded.policy.model.layout[name])) == Array(initial.parameters.tensor(initial.layout[name])))
        }
        let restored = try LocalCommunicator.run(size: 1) { comm in
            let trainable = TrainableParameters(model: loaded.policy.model) { Self.frozen.contains($0) }
            let replica = try PolicyReplica(policy: loaded.policy, optimizer: config.optimizer, totalSteps: 2, communicator: comm, trainable: trainable)
            TrainingCheckpoint.restore(loaded, into: replica)
            return replica.optimizer.firstMoment.toArray()
        }[0]
        #expect(restored == loaded.firstMoment)
    }
}
