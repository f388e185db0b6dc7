@testable import EGPODistributed
import Foundation
import ShardedTensor
import Testing
import TestSupport

/// LoRA adapters on the targeted linear layers (`LoRAAdapters`, `Transformer+LoRA`):
/// - naive twin: base + adapters computes what the Double reference model computes on the merged
///   weights `W + (alpha / r) B A`;
/// - finite differences: the adapters' gradient against central differences of that reference;
/// - fresh adapters (B = 0) leave every output bit as the base model's;
/// - the frozen base: a trained step changes the adapters only, and `base` is the model before.
@Suite struct LoRATests {
    /// Every architecture variant, with some targets only on one of them.
    /// The last two train the embedding rows of tokens 9 and 2 too (both read and predicted in
    /// `testSequences`): tied, so the head's rows are the trained ones; untied, the input only.
    static let cases: [(String, ModelConfig, [LoRATarget], [Int32])] = [
        ("llama all targets", tinyConfig(), LoRATarget.allCases, []),
        ("qwen2 bias, attention only", tinyConfig(architecture: .qwen2), [.q_proj, .k_proj, .v_proj, .o_proj], []),
        ("qwen3 head_dim 4, mlp only", tinyConfig(bias: true, architecture: .qwen3, headDim: 4), [.gate_proj, .up_proj, .down_proj], []),
        ("llama tied, all targets", tinyConfig(tied: true), LoRATarget.allCases, []),
        ("llama tied, q and v, token rows", tinyConfig(tied: true), [.q_proj, .v_proj], [9, 2]),
        ("llama untied, down, token rows", tinyConfig(), [.down_proj], [9, 2]),
    ]

    /// Adapters with random B too (fresh ones have B = 0, which would hide A's gradient); token
    /// rows (for `tokenIDs`, named by stand-in texts) random as well.
    static func adapters(_ config: ModelConfig, targets: [LoRATarget], seed: UInt64, tokenIDs: [Int32] = []) -> (LoRAAdapters, [Double]) {
        let lora = LoRAConfig(rank: 3, alpha: 5, targets: targets, trainableTokens: tokenIDs.map { "<t\($0)>" })
        let values = testValues(LoRAAdapters.layout(config: lora, model: config).totalCount, seed: seed, scale: 0.3)
        return (LoRAAdapters(config: lora, model: config, values: FloatBuffer(values.map { Float($0) }), tokenIDs: tokenIDs), values)
    }

    /// A test model (`testParameters`, seed) with random adapters (seed + 1): its parameters and
    /// adapter values in Double for the reference, the adapters and the adapted model.
    static func adaptedModel(_ config: ModelConfig, targets: [LoRATarget], seed: UInt64, tokenIDs: [Int32] = []) throws
        -> (p: [Double], av: [Double], adapters: LoRAAdapters, model: Transformer) {
        let p = testParameters(config, seed: seed)
        let (adapters, av) = Self.adapters(config, targets: targets, seed: seed + 1, tokenIDs: tokenIDs)
        return (p, av, adapters, try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }), adapters: adapters))
    }

    /// The model parameters with W += scale * B A for every adapter and the trained token rows
    /// written over the embedding's (the head's too when tied: the same tensor), in Double.
    static func merged(_ p: [Double], adapters: [Double], lora: LoRAConfig, config: ModelConfig, tokenIDs: [Int32] = []) -> [Double] {
        var out = p
        let layout = config.parameterLayout, al = LoRAAdapters.layout(config: lora, model: config)
        for l in 0..<config.layerCount {
            for t in lora.targets {
                let w = layout["model.layers.\(l).\(t.module).weight"]
                let a = al[LoRAAdapters.name(layer: l, target: t, matrix: "A")], b = al[LoRAAdapters.name(layer: l, target: t, matrix: "B")]
                let (rows, cols) = (w.shape[0], w.shape[1])
                for i in 0..<rows {
                    for j in 0..<cols {
                        var s = 0.0
                        for k in 0..<lora.rank { s += adapters[b.offset + i * lora.rank + k] * adapters[a.offset + k * cols + j] }
                        out[w.offset + i * cols + j] += Double(lora.scale) * s
                    }
                }
            }
        }
        if let rows = al.entry(named: LoRAAdapters.tokenRowsName) {
            let e = layout["model.embed_tokens.weight"], c = config.hiddenSize
            for (k, id) in tokenIDs.enumerated() {
                for j in 0..<c { out[e.offset + Int(id) * c + j] = adapters[rows.offset + k * c + j] }
            }
        }
        return out
    }

    static let requests = [SamplingRequest(prompt: [1, 2, 3], completionCount: 2, firstSequenceId: 0),
                           SamplingRequest(prompt: [4, 5], firstSequenceId: 2)]

    @Test(arguments: 0..<6)
    func adaptedScoresAreTheMergedReferenceModels(_ index: Int) throws {
        let (label, config, targets, tokens) = Self.cases[index]
        let (p, av, adapters, model) = try Self.adaptedModel(config, targets: targets, seed: 31, tokenIDs: tokens)
        let want = ReferenceModel(config).scores(Self.merged(p, adapters: av, lora: adapters.config, config: config, tokenIDs: tokens),
                                                 sequences: testSequences.map { $0.map(Int.init) }, temperature: 0.9)
        // The whole head, and the head over vocabulary chunks (a chunk boundary inside the rows).
        for ws in [TrainingWorkspace(config: config), TrainingWorkspace(config: config, headChunk: 4)] {
            let got = model.forward(TokenBatch(testSequences), temperature: 0.9, workspace: ws)
            let c = closeness(got.logProbs, want.logProbs, atol: 2e-5, rtol: 1e-5, label: "\(label) log-probs, chunk \(ws.headChunk)")
            #expect(c.ok, "\(c)")
            let e = closeness(got.entropies, want.entropies, atol: 2e-5, rtol: 1e-5, label: "\(label) entropies, chunk \(ws.headChunk)")
            #expect(e.ok, "\(e)")
        }
    }

    /// d(sum a_i logp_i + b_i H_i)/d(adapters) against central differences of the Double
    /// reference on the merged weights; every adapter tensor gets a gradient, and the backward
    /// into a buffer laid out by the adapters computes no base-weight gradient at all.
    @Test(arguments: 0..<6)
    func adapterGradientsMatchFiniteDifferences(_ index: Int) throws {
        let (label, config, targets, tokens) = Self.cases[index]
        let (p, av, adapters, model) = try Self.adaptedModel(config, targets: targets, seed: 41, tokenIDs: tokens)
        let trainable = TrainableParameters.adapters(of: model)
        #expect(trainable.isAdapters && !trainable.isWholeModel && trainable.layout == adapters.layout)
        let batch = TokenBatch(testSequences)
        let a = testValues(batch.predictionCount, seed: 43), b = testValues(batch.predictionCount, seed: 44, scale: 0.5)
        let reference = ReferenceModel(config), seqs = testSequences.map { $0.map(Int.init) }
        let fd = FiniteDifferences.gradient(at: av, h: 1e-5) { x in
            let r = reference.scores(Self.merged(p, adapters: x, lora: adapters.config, config: config, tokenIDs: tokens), sequences: seqs,
                                     temperature: 0.8)
            var loss = 0.0
            for i in 0..<a.count { loss += a[i] * r.logProbs[i] + b[i] * r.entropies[i] }
            return loss
        }
        for ws in [TrainingWorkspace(config: config), TrainingWorkspace(config: config, headChunk: 4)] {
            model.forward(batch, temperature: 0.8, workspace: ws)
            let grads = trainable.makeGradientBuffer()
            model.backward(batch, logProbWeights: a.map { Float($0) }, entropyWeights: b.map { Float($0) }, gradients: grads,
                           layout: trainable.layout, workspace: ws)
            let c = closeness(grads.toArray(), fd, atol: 5e-5, rtol: 1e-3, label: "\(label) adapter gradient, chunk \(ws.headChunk)")
            #expect(c.ok, "\(c)")
            for e in adapters.layout.entries {
                #expect(grads.tensor(e).contains { $0 != 0 }, "\(label): \(e.name) received no gradient")
            }
        }
    }

    /// Fresh adapters (PEFT's init: B = 0) add exact zeros: log-probs, entropies and sampled
    /// tokens are the base model's bit for bit, and A is uniform within ±1/sqrt(in).
    @Test func freshAdaptersLeaveTheBaseModelsBits() throws {
        let config = tinyConfig(bias: true)
        let base = try Transformer(config: config, seed: 5)
        let lora = LoRAConfig(rank: 4, alpha: 8)
        let adapters = LoRAAdapters.initial(config: lora, model: config, seed: 9)
        for e in adapters.layout.entries {
            let v = adapters.values.tensor(e)
            if e.name.hasSuffix("lora_B.weight") { #expect(v.allSatisfy { $0 == 0 }) }
            else { #expect(v.allSatisfy { abs($0) <= 1 / Float(e.shape[1]).squareRoot() } && Set(v).count > e.count / 2) }
        }
        #expect(LoRAAdapters.initial(config: lora, model: config, seed: 9).values.toArray() == adapters.values.toArray())
        let adapted = base.with(adapters: adapters)
        let batch = TokenBatch(testSequences)
        let want = base.forward(batch, workspace: TrainingWorkspace(config: config))
        let got = adapted.forward(batch, workspace: TrainingWorkspace(config: config))
        #expect(got == want)
        let options = SamplingOptions(temperature: 1, maxNewTokens: 6, seed: 3)
        #expect(try Sampler(model: adapted).sample(Self.requests, options: options).map(\.tokens)
                == Sampler(model: base).sample(Self.requests, options: options).map(\.tokens))
    }

    /// Sampling reads the adapters too: greedy decoding of the adapted model equals greedy
    /// decoding of the merged model (the same function, up to rounding: checked on the logits
    /// of what was sampled).
    @Test func theSamplerDecodesTheAdaptedModel() throws {
        let config = tinyConfig()
        let (p, _, adapters, model) = try Self.adaptedModel(config, targets: LoRATarget.allCases, seed: 51)
        let mergedBuffer = FloatBuffer(p.map { Float($0) })
        adapters.merge(into: mergedBuffer, layout: config.parameterLayout)
        let merged = try Transformer(config: config, parameters: mergedBuffer)
        let options = SamplingOptions(temperature: 1, maxNewTokens: 8, seed: 3)
        let a = try Sampler(model: model).sample(Self.requests, options: options)
        let b = try Sampler(model: merged).sample(Self.requests, options: options)
        #expect(a.map(\.tokens) == b.map(\.tokens))
        let base = try Sampler(model: model.base).sample(Self.requests, options: options)
        #expect(base.map(\.tokens) != a.map(\.tokens), "the adapters should change what is sampled")
    }

    /// Trained token rows in decoding: fresh ones (copies of the base rows) leave the base's
    /// bits; random ones sample what the merged model samples, with the tied head's rows too.
    @Test func theSamplerReadsTrainedTokenRows() throws {
        let config = tinyConfig(tied: true)
        let base = try Transformer(config: config, seed: 5)
        let lora = LoRAConfig(rank: 2, alpha: 4, targets: [.q_proj], trainableTokens: ["<a>", "<b>"])
        let fresh = base.with(adapters: LoRAAdapters.initial(config: lora, base: base, seed: 9, tokenIDs: [9, 2]))
        let batch = TokenBatch(testSequences)
        #expect(fresh.forward(batch, workspace: TrainingWorkspace(config: config)) == base.forward(batch, workspace: TrainingWorkspace(config: config)))
        let options = SamplingOptions(temperature: 1, maxNewTokens: 8, seed: 3)
        #expect(try Sampler(model: fresh).sample(Self.requests, options: options).map(\.tokens)
                == Sampler(model: base).sample(Self.requests, options: options).map(\.tokens))

        let (p, _, adapters, model) = try Self.adaptedModel(config, targets: [.q_proj], seed: 61, tokenIDs: [9, 2])
        let mergedBuffer = FloatBuffer(p.map { Float($0) })
        adapters.merge(into: mergedBuffer, layout: config.parameterLayout)
        let merged = try Transformer(config: config, parameters: mergedBuffer)
        let a = try Sampler(model: model).sample(Self.requests, options: options)
        #expect(a.map(\.tokens) == (try Sampler(model: merged).sample(Self.requests, options: options)).map(\.tokens))
        // The sampler's log-probs are the training forward's.
        let scored = model.forward(TokenBatch(a.map { Self.requests[$0.requestIndex].prompt + $0.tokens }), workspace: TrainingWorkspace(config: config))
        var k = 0
        for (i, c) in a.enumerated() {
            let promptLength = Self.requests[c.requestIndex].prompt.count
            let sequenceStart = k
            k += promptLength + c.tokens.count - 1
            let fromForward = Array(scored.logProbs[(sequenceStart + promptLength - 1)..<k])
            let close = closeness(c.logProbs, fromForward.map(Double.init), atol: 2e-5, rtol: 1e-5, label: "completion \(i)")
            #expect(close.ok, "\(close)")
        }
    }

    /// A token text the tokenizer splits cannot have its row trained; the error says so.
    @Test func aTokenThatIsNotOneTokenIsRefused() throws {
        let lora = LoRAConfig(rank: 2, trainableTokens: ["<think>", "<tool>"])
        #expect(throws: TrainableTokenError.notOneToken("<tool>", ids: ByteTokenizer().encode("<tool>"))) {
            try lora.trainableTokenIDs(in: ByteTokenizer())
        }
        let think = try #require(ByteTokenizer().specialTokenID("<think>"))
        #expect(try LoRAConfig(rank: 2, trainableTokens: ["<think>", "a"]).trainableTokenIDs(in: ByteTokenizer()) == [think] + ByteTokenizer().encode("a"))
        #expect(TrainableTokenError.notOneToken("<tool>", ids: [60, 116]).description.contains("launcher import --add-token"))
    }

    /// A LoRA step through the replica: the base weights keep every bit, the adapters move, the
    /// optimizer holds moments for the adapters only, and `base` scores as the model did before.
    @Test func aStepTrainsTheAdaptersAndLeavesTheBase() throws {
        let config = tinyConfig()
        let base = try Transformer(config: config, seed: 7)
        let before = base.parameters.toArray()
        let (adapters, _) = Self.adapters(config, targets: LoRATarget.allCases, seed: 8)
        let model = base.with(adapters: adapters)
        let adaptersBefore = adapters.values.toArray()
        let trainable = TrainableParameters.adapters(of: model)
        var o = TrainerConfig.Optimizer()
        o.weightDecay = 0.1
        let optimizer = o, batch = TokenBatch(testSequences)
        let scoresBefore = base.forward(batch, workspace: TrainingWorkspace(config: config))
        let (applied, stateBytes) = try LocalCommunicator.run(size: 1) { comm in
            let replica = try PolicyReplica(policy: LoadedModel(model: model, tokenizer: ByteTokenizer()), optimizer: optimizer,
                                            totalSteps: 4, communicator: comm, trainable: trainable)
            replica.model.forward(batch, workspace: replica.workspace)
            replica.backward(batch, logProbWeights: [Float](repeating: -0.1, count: batch.predictionCount))
            var clock = PhaseClock()
            return (try replica.synchronizeAndStep(clock: &clock).applied, replica.optimizerMemory.replicated)
        }[0]
        #expect(applied)
        #expect(model.parameters.toArray() == before)
        #expect(adapters.values.toArray() != adaptersBefore)
        #expect(stateBytes == 2 * adapters.layout.totalCount * 4)
        #expect(model.base.forward(batch, workspace: TrainingWorkspace(config: config)) == scoresBefore)
    }

    /// A non-finite adapter weight is refused before training, naming the adapter tensor.
    @Test func aNaNAdapterIsNamed() throws {
        let config = tinyConfig()
        let adapters = LoRAAdapters.initial(config: LoRAConfig(rank: 2), model: config, seed: 1)
        let e = adapters.layout.entries[3]
        adapters.values.base[e.offset + 1] = .nan
        let model = try Transformer(config: config, seed: 1).with(adapters: adapters)
        #expect {
            try ModelFile.requireFiniteWeights(model, path: "x.h5")
        } throws: { "\($0)" == "x.h5: weight \(e.name)[1] is nan; training needs finite weights (start from an earlier checkpoint or re-import the model)" }
    }

    /// Bad values in a run config name their key, value and what is allowed.
    @Test func badValuesAreNamed() {
        func problem(_ edit: (inout LoRAConfig) -> Void) -> String {
            var c = TrainerConfig()
            c.model.lora.rank = 8
            edit(&c.model.lora)
            do { try c.validate(worldSize: 1, purpose: .reinforcement) } catch { return "\(error)" }
            return "accepted"
        }
        #expect(problem { _ in } == "accepted")
        #expect(problem { $0.rank = -1 }.contains("model.lora.rank"))
        #expect(problem { $0.dropout = 0.1 }.contains("model.lora.dropout"))
        #expect(problem { $0.targets = [.q_proj, .q_proj] }.contains("model.lora.targets"))
        #expect(problem { $0.targets = [] }.contains("model.lora.targets"))
        #expect(problem { $0.alpha = .nan }.contains("model.lora.alpha"))
        #expect(problem { $0.trainableTokens = ["<think>", "<think>"] }.contains("model.lora.trainableTokens"))
        #expect(problem { $0.trainableTokens = [""] }.contains("model.lora.trainableTokens"))
        #expect(problem { $0.rank = 0; $0.trainableTokens = ["<think>"] }.contains("model.lora.trainableTokens"))
        #expect(problem { $0.trainableTokenRateScale = 0 }.contains("model.lora.trainableTokenRateScale"))
        #expect(problem { $0.trainableTokenRateScale = .infinity }.contains("model.lora.trainableTokenRateScale"))
        #expect(TrainerConfig().model.lora.isEnabled == false)
    }
}
