import EGPODistributed
import Foundation
import ShardedTensor
import Testing
import TestSupport

@Suite struct ModelConfigTests {
    @Test func decodesHuggingFaceKeysWithDefaultsAndRoundTrips() throws {
        let json = #"{"vocab_size": 300, "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 2, "num_attention_heads": 4, "model_type": "llama"}"#
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        #expect(config == ModelConfig(vocabularySize: 300, hiddenSize: 64, intermediateSize: 160, layerCount: 2, headCount: 4))
        #expect(config.kvHeadCount == 4 && config.ropeTheta == 10_000 && config.rmsNormEps == 1e-6 && !config.tieWordEmbeddings)
        let encoded = try JSONEncoder().encode(config)
        let object = try JSONSerialization.jsonObject(with: encoded) as! [String: Any]
        for key in ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                    "rope_theta", "rms_norm_eps", "tie_word_embeddings", "max_position_embeddings", "attention_bias"] {
            #expect(object[key] != nil, "encoded config lacks \(key)")
        }
        #expect(try JSONDecoder().decode(ModelConfig.self, from: encoded) == config)
    }

    @Test func rejectsInconsistentSizesWithTypedErrors() {
        var c = tinyConfig()
        c.kvHeadCount = 3
        #expect(throws: ModelConfigError.notDivisible(key: "num_attention_heads", value: 4, by: "num_key_value_heads", divisor: 3)) { try c.validate() }
        // Without an explicit head_dim, hidden_size must split evenly into the heads.
        let uneven = #"{"vocab_size": 8, "hidden_size": 10, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4}"#
        #expect(throws: ModelConfigError.notDivisible(key: "hidden_size", value: 10, by: "num_attention_heads", divisor: 4)) {
            try JSONDecoder().decode(ModelConfig.self, from: Data(uneven.utf8))
        }
        c = tinyConfig()
        c.layerCount = 0
        #expect(throws: ModelConfigError.notPositive(key: "num_hidden_layers", value: 0)) { try c.validate() }
        let json = #"{"vocab_size": 8, "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "hidden_act": "gelu"}"#
        #expect(throws: ModelConfigError.unsupported(key: "hidden_act", value: "gelu", supported: "silu")) {
            try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        }
        #expect(throws: ModelConfigError.parameterCount(expected: tinyConfig().parameterCount, actual: 3)) {
            try Transformer(config: tinyConfig(), parameters: FloatBuffer(count: 3))
        }
        #expect(ModelConfigError.notPositive(key: "rope_theta", value: -1).description.contains("rope_theta"))
    }

    @Test func layoutUsesHuggingFaceNamesAndShapes() {
        let config = tinyConfig(bias: true)
        let layout = config.parameterLayout
        #expect(layout["model.embed_tokens.weight"].shape == [11, 8])
        #expect(layout["model.layers.1.self_attn.q_proj.weight"].shape == [8, 8])
        #expect(layout["model.layers.1.self_attn.k_proj.weight"].shape == [4, 8])
        #expect(layout["model.layers.1.self_attn.k_proj.bias"].shape == [4])
        #expect(layout["model.layers.0.self_attn.o_proj.weight"].shape == [8, 8])
        #expect(layout["model.layers.0.mlp.down_proj.weight"].shape == [8, 12])
        #expect(layout["model.layers.0.mlp.gate_proj.weight"].shape == [12, 8])
        #expect(layout["lm_head.weight"].shape == [11, 8])
        #expect(tinyConfig(tied: true).parameterLayout.entry(named: "lm_head.weight") == nil)
        #expect(tinyConfig().parameterLayout.entry(named: "model.layers.0.self_attn.q_proj.bias") == nil)
        // Packed back to back: offsets are running sums and the total is their sum.
        var offset = 0
        for e in layout.entries { #expect(e.offset == offset); offset += e.count }
        #expect(layout.totalCount == offset)
        // Bench config: 12.85M per 4 layers + 2 x 264 x 512 embedding/head + norms.
        #expect(ModelConfig.bench.parameterCount == 4 * (4 * 512 * 512 + 3 * 512 * 1408 + 2 * 512) + 2 * 264 * 512 + 512)
    }

    @Test func initialisationFollowsTheRecipeAndIsDeterministic() throws {
        let config = ModelConfig(vocabularySize: 64, hiddenSize: 128, intermediateSize: 256, layerCount: 8, headCount: 4, attentionBias: true)
        let a = Transformer.initialParameters(config: config, seed: 7), b = Transformer.initialParameters(config: config, seed: 7)
        let other = Transformer.initialParameters(config: config, seed: 8)
        #expect(a.toArray() == b.toArray())
        #expect(a.toArray() != other.toArray())
        let layout = config.parameterLayout
        func std(_ name: String) -> Double {
            let e = layout[name]
            let xs = (e.offset ..< e.offset + e.count).map { Double(a[$0]) }
            return (xs.reduce(0) { $0 + $1 * $1 } / Double(xs.count)).squareRoot()
        }
        #expect(abs(std("model.layers.2.self_attn.q_proj.weight") - 0.02) < 0.001)
        #expect(abs(std("model.embed_tokens.weight") - 0.02) < 0.001)
        #expect(abs(std("model.layers.2.mlp.down_proj.weight") - 0.02 / 4) < 0.0003)   // 1/sqrt(2 * 8) = 1/4
        #expect(abs(std("model.layers.0.self_attn.o_proj.weight") - 0.02 / 4) < 0.0003)
        let norm = layout["model.layers.3.post_attention_layernorm.weight"], bias = layout["model.layers.3.self_attn.v_proj.bias"]
        #expect((norm.offset ..< norm.offset + norm.count).allSatisfy { a[$0] == 1 })
        #expect((bias.offset ..< bias.offset + bias.count).allSatisfy { a[$0] == 0 })
    }
}
