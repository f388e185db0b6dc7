import Foundation
import Testing
@testable import EGPODistributed

/// A fraction or a 1e100 where a model config wants an integer: before, "invalid JSON at top
/// level" with no key (Foundation's message); now the key and that it must be an integer.
@Suite struct ModelConfigIntegerKeyTests {
    static var base: [String: Any] { ["vocab_size": 280, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                                      "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 64] }

    func message(_ changes: [String: Any], hugging: Bool = false) throws -> String {
        var object = Self.base
        object.merge(changes) { _, new in new }
        if hugging { object["architectures"] = ["LlamaForCausalLM"] }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        do {
            _ = hugging ? try HuggingFaceFolder.parseConfig(text, path: "config.json") : try ModelFile.readConfig(text, path: "m.json")
            return "no error"
        } catch { return "\(error)" }
    }

    @Test func theKeyIsNamed() throws {
        #expect(try message(["hidden_size": 32.5]).hasSuffix("m.json: invalid model config (the 'config' attribute of a model file, or a config JSON): hidden_size must be an integer, got 32.5"))
        #expect(try message(["num_attention_heads": 4.5]).hasSuffix("num_attention_heads must be an integer, got 4.5"))
        #expect(try message(["num_hidden_layers": 1e100]).hasSuffix("num_hidden_layers must be an integer, got 1e+100"))
        #expect(try message(["hidden_size": 32.5], hugging: true) == "config.json: hidden_size must be an integer, got 32.5")
        #expect(try message(["rms_norm_eps": 1e-6]) == "no error")
    }
}
