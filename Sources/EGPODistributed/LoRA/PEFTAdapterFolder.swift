import Foundation
import ShardedTensor

/// LoRA adapters as the `peft` library saves them (`PeftModel.save_pretrained`): a folder with
/// `adapter_config.json` and `adapter_model.safetensors`, whose tensors are named
/// `base_model.model.<module>.lora_A.weight` (r, in) and `...lora_B.weight` (out, r), and trained
/// token rows as `base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta` with
/// their ids in `trainable_token_indices` (PEFT's TrainableTokens, tied to the head when the model
/// ties its embeddings). `peft`'s
/// `PeftModel.from_pretrained(base, folder)` loads it onto the same base model exported with
/// `launcher export` and computes what the adapted model computes here.
public enum PEFTAdapterFolder {
    /// The safetensors name of an adapter tensor.
    public static func tensorName(_ name: String) -> String { "base_model.model." + name }

    /// `adapter_config.json`: PEFT's LoraConfig fields for these adapters.
    public static func configJSON(_ config: LoRAConfig, baseModel: String, tokenIDs: [Int32] = []) throws -> String {
        var object: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": baseModel,
            "r": config.rank, "lora_alpha": Double(config.alpha), "lora_dropout": Double(config.dropout),
            "target_modules": config.targets.map(\.rawValue), "bias": "none", "fan_in_fan_out": false,
            "inference_mode": true, "init_lora_weights": true, "use_rslora": false, "use_dora": false,
            "modules_to_save": NSNull(), "layers_to_transform": NSNull(), "rank_pattern": [String: Any](), "alpha_pattern": [String: Any](),
        ]
        if !tokenIDs.isEmpty { object["trainable_token_indices"] = tokenIDs.map(Int.init) }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes `adapters` as a new folder (refused if it exists; written under a temporary name
    /// and renamed). `baseModel` goes into `base_model_name_or_path`.
    public static func write(_ adapters: LoRAAdapters, baseModel: String, to folder: String, dtype: SafeTensors.DType = .f32) throws {
        try HuggingFaceFolder.writeNewFolder(folder) { temporary in
            let tensors = adapters.layout.entries.map { e in
                (name: tensorName(e.name), shape: e.shape, values: UnsafeBufferPointer(start: adapters.values.base + e.offset, count: e.count))
            }
            try SafeTensors.encode(tensors, dtype: dtype).write(to: temporary.appendingPathComponent("adapter_model.safetensors"))
            try configJSON(adapters.config, baseModel: baseModel, tokenIDs: adapters.tokenIDs)
                .write(to: temporary.appendingPathComponent("adapter_config.json"), atomically: false, encoding: .utf8)
        }
    }
}
