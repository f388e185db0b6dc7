@testable import EGPODistributed
import Foundation
import ShardedTensor
import Testing
import TestSupport

/// Qwen2 (q, k, v biases), Qwen3 (q/k norm, explicit head_dim) and RoPE scaling: forward against
/// the Double reference, backward against its finite differences, and the sampler's KV-cache
/// path against the training forward, for each variant of `architectureVariants`.
@Suite struct ArchitectureTests {
    @Test(arguments: architectureVariants.indices)
    func forwardMatchesTheDoubleReference(variant: Int) throws {
        let (name, config) = architectureVariants[variant]
        let p = testParameters(config, seed: 31)
        let model = try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }))
        let got = model.forward(TokenBatch(testSequences), temperature: 0.9, workspace: TrainingWorkspace(config: config))
        let want = ReferenceModel(config).scores(p, sequences: testSequences.map { $0.map(Int.init) }, temperature: 0.9)
        let cl = closeness(got.logProbs, want.logProbs, atol: 2e-5, rtol: 1e-5, label: "log-probs \(name)")
        let ce = closeness(got.entropies, want.entropies, atol: 2e-5, rtol: 1e-5, label: "entropies \(name)")
        #expect(cl.ok, "\(cl)")
        #expect(ce.ok, "\(ce)")
    }

    @Test(arguments: architectureVariants.indices)
    func backwardMatchesFiniteDifferences(variant: Int) throws {
        let (name, config) = architectureVariants[variant]
        try expectWholeModelGradientMatchesFiniteDifferences(config, seed: 32, temperature: 1, label: name)
    }

    @Test(arguments: architectureVariants.indices)
    func samplerMatchesTheTrainingForward(variant: Int) throws {
        let (name, config) = architectureVariants[variant]
        let model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 35).map { Float($0) }))
        let requests = [SamplingRequest(prompt: [1, 4, 9, 2, 7], completionCount: 2, firstSequenceId: 0),
                        SamplingRequest(prompt: [5], completionCount: 1, firstSequenceId: 2)]
        let completions = try Sampler(model: model).sample(requests, options: SamplingOptions(temperature: 1, maxNewTokens: 8, seed: 5))
        let sequences = completions.map { requests[$0.requestIndex].prompt + $0.tokens }
        let batch = TokenBatch(sequences)
        let scores = model.forward(batch, temperature: 1, workspace: TrainingWorkspace(config: config))
        for (s, comp) in completions.enumerated() {
            let range = batch.completionRange(of: s, promptLength: requests[comp.requestIndex].prompt.count)
            let c = closeness(comp.logProbs, Array(scores.logProbs[range]), atol: 1e-4, rtol: 0, label: "sampler vs training \(name) seq \(s)")
            #expect(c.ok, "\(c)")
        }
    }

    @Test func layoutHasTheFamilysTensors() {
        let qwen2 = tinyConfig(architecture: .qwen2).parameterLayout
        #expect(qwen2.entry(named: "model.layers.0.self_attn.q_proj.bias") != nil)
        #expect(qwen2.entry(named: "model.layers.0.self_attn.o_proj.bias") == nil)
        let qwen3 = tinyConfig(architecture: .qwen3, headDim: 4).parameterLayout
        #expect(qwen3["model.layers.1.self_attn.q_norm.weight"].shape == [4])
        #expect(qwen3["model.layers.1.self_attn.k_norm.weight"].shape == [4])
        #expect(qwen3["model.layers.1.self_attn.q_proj.weight"].shape == [16, 8])
        #expect(qwen3["model.layers.1.self_attn.k_proj.weight"].shape == [8, 8])
        #expect(qwen3["model.layers.1.self_attn.o_proj.weight"].shape == [8, 16])
        #expect(qwen3.entry(named: "model.layers.0.self_attn.q_proj.bias") == nil)
    }

    @Test func configDecodesFamiliesAndRefusesUnknownKinds() throws {
        func decode(_ extra: String) throws -> ModelConfig {
            let json = #"{"vocab_size": 16, "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2"# + extra + "}"
            return try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        }
        #expect(try decode("").architecture == .llama)
        let qwen2 = try decode(#", "model_type": "qwen2""#)
        #expect(qwen2.architecture == .qwen2 && qwen2.hasQKVBias && !qwen2.hasOutputBias)
        let qwen3 = try decode(#", "model_type": "qwen3", "head_dim": 6"#)
        #expect(qwen3.headDim == 6 && qwen3.hasQKNorm && !qwen3.hasQKVBias)
        let llama3 = try decode(#", "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}"#)
        #expect(llama3.ropeScaling == .llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192))
        let v5 = try decode(#", "rope_parameters": {"rope_type": "linear", "factor": 2.0, "rope_theta": 500000.0}"#)
        #expect(v5.ropeScaling == .linear(factor: 2) && v5.ropeTheta == 500_000)
        #expect(try decode(#", "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0}"#).ropeScaling == nil)
        #expect(throws: ModelConfigError.unsupported(key: "rope_scaling.rope_type", value: "yarn", supported: "default, linear, llama3")) {
            try decode(#", "rope_scaling": {"type": "yarn", "factor": 4.0}"#)
        }
        #expect(throws: ModelConfigError.unsupported(key: "model_type", value: "mistral", supported: "llama, qwen2, qwen3")) {
            try decode(#", "model_type": "mistral""#)
        }
        // Round trip keeps the family, head_dim and the scaling.
        for (_, config) in architectureVariants {
            #expect(try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(config)) == config)
        }
    }

    /// transformers' `_compute_llama3_parameters` for D = 64, theta 500000, factor 8, low 1,
    /// high 4, original 8192, printed by torch 2.x in float32 (values at i = 0, 20, 26, 31).
    @Test func llama3FrequenciesMatchTransformers() {
        let inv = RopeScaling.llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192)
            .inverseFrequencies(headDim: 64, theta: 500_000)
        #expect(inv.count == 32)
        #expect(inv[0] == 1)
        let base = RopeScaling.defaultInverseFrequencies(headDim: 64, theta: 500_000)
        // High frequencies (wavelength < 2048) are unchanged, low ones (> 8192) divided by 8.
        for i in 0..<32 {
            let wavelen = 2 * Float.pi / base[i]
            if wavelen < 2048 { #expect(inv[i] == base[i]) }
            if wavelen > 8192 { #expect(inv[i] == base[i] / 8) }
            if wavelen >= 2048 && wavelen <= 8192 { #expect(inv[i] < base[i] && inv[i] > base[i] / 8) }
        }
    }
}
