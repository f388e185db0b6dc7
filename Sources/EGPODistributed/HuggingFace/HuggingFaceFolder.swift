import FileChecks
import Foundation
import ShardedTensor

/// A Hugging Face model folder (`save_pretrained` output) for LlamaForCausalLM,
/// Qwen2ForCausalLM or Qwen3ForCausalLM: config.json, model.safetensors or shards with
/// model.safetensors.index.json, and the tokenizer / generation files kept as raw JSON text.
public struct HuggingFaceFolder: Sendable {
    public var config: ModelConfig
    /// Parameters in `config.parameterLayout`, converted to Float.
    public var parameters: FloatBuffer
    /// Raw text of the side files present (keys: `sideFiles`), kept for export and the tokenizer.
    public var files: [String: String]
    /// The model's tokenizer, read from `files["tokenizer.json"]` (nil when the folder has none).
    public var tokenizer: BPETokenizer?

    /// The side files carried through import and export unchanged. transformers 5 saves the
    /// chat template as chat_template.jinja rather than inside tokenizer_config.json.
    public static let sideFiles = ["tokenizer.json", "tokenizer_config.json", "generation_config.json", "special_tokens_map.json",
                                   "chat_template.jinja"]

    /// config.json keys that do not change the computation of a forward or backward pass.
    /// Token ids (`unk_token_id` too: transformers 5 writes it for a model loaded from a GGUF) are
    /// the tokenizer's business; `_model_name_or_path` is transformers 5's spelling of
    /// `_name_or_path`; `is_llama_config` is a flag nanotron's exporter writes (SmolLM2's hub
    /// folders) that transformers never reads; `transformers.js_config` holds transformers.js
    /// runtime settings (ONNX KV-cache dtypes), not the model's.
    static let metadataKeys: Set<String> = [
        "architectures", "bos_token_id", "eos_token_id", "pad_token_id", "unk_token_id", "dtype", "torch_dtype", "initializer_range",
        "transformers_version", "use_cache", "_name_or_path", "_model_name_or_path", "max_window_layers", "sliding_window", "tokenizer_class",
        "auto_map", "output_attentions", "output_hidden_states", "return_dict", "chunk_size_feed_forward", "is_llama_config",
        "transformers.js_config",
    ]
    /// Keys `ModelConfig` reads.
    static let modelKeys: Set<String> = [
        "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
        "rope_theta", "rms_norm_eps", "tie_word_embeddings", "max_position_embeddings", "attention_bias", "head_dim",
        "hidden_act", "model_type", "mlp_bias", "rope_scaling", "rope_parameters",
    ]

    public init(config: ModelConfig, parameters: FloatBuffer, files: [String: String] = [:], tokenizer: BPETokenizer? = nil) {
        self.config = config
        self.parameters = parameters
        self.files = files
        self.tokenizer = tokenizer
    }

    /// The tokenizer of a folder's tokenizer.json text (at `path`, for errors), checked to fit
    /// the model: every id it can produce must have a row in the embedding.
    public static func readTokenizer(_ text: String, path: String, config: ModelConfig) throws -> BPETokenizer {
        let tokenizer: BPETokenizer
        do {
            tokenizer = try BPETokenizer(json: text)
        } catch {
            throw HuggingFaceError.badTokenizer(path: path, message: error.description)
        }
        guard tokenizer.vocabSize <= config.vocabularySize else {
            throw HuggingFaceError.badTokenizer(path: path, message: "has ids up to \(tokenizer.vocabSize - 1), "
                                                + "but config.json's vocab_size is \(config.vocabularySize) (expected at most vocab_size ids)")
        }
        return tokenizer
    }

    /// Parses config.json text: the architecture must be one of the three, every key either
    /// read by `ModelConfig`, harmless metadata, or a key whose value is the one that keeps the
    /// computation unchanged (dropout 0, no sliding window, pretraining_tp 1, rope_interleaved
    /// false, a GGUF quantization_config over dequantised weights); anything else is refused
    /// naming the key.
    public static func parseConfig(_ text: String, path: String) throws -> ModelConfig {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let root = object as? [String: Any] else {
            throw HuggingFaceError.badConfig(path: path, message: "not a JSON object")
        }
        let supported = ModelArchitecture.allCases.map(\.causalLMClassName).joined(separator: ", ")
        guard let architectures = root["architectures"] as? [String], architectures.count == 1,
              let architecture = ModelArchitecture(causalLMClassName: architectures[0]) else {
            throw HuggingFaceError.unsupportedKey(path: path, key: "architectures", value: "\(root["architectures"] ?? "absent")", supported: supported)
        }
        if let type = root["model_type"] as? String, type != architecture.rawValue {
            throw HuggingFaceError.unsupportedKey(path: path, key: "model_type", value: type, supported: "\(architecture.rawValue) for \(architectures[0])")
        }
        for (key, value) in root.sorted(by: { $0.key < $1.key }) where !metadataKeys.contains(key) && !modelKeys.contains(key) {
            let harmless: Bool
            switch key {
            case "attention_dropout": harmless = (value as? Double) == 0
            case "pretraining_tp": harmless = (value as? Int) == 1
            case "use_sliding_window": harmless = (value as? Bool) == false
            // nanotron's rotary layout: false is rotate-half, what transformers and this trainer compute.
            case "rope_interleaved": harmless = (value as? Bool) == false
            // Written by a model loaded with `gguf_file=` and saved: the safetensors hold the
            // dequantised floats and transformers computes with them as stored. Every other
            // quantisation method changes what the weights mean and is refused.
            case "quantization_config": harmless = ((value as? [String: Any])?["quant_method"] as? String) == "gguf"
            case "layer_types": harmless = (value as? [String])?.allSatisfy { $0 == "full_attention" } ?? false
            default: harmless = false
            }
            guard harmless else {
                throw HuggingFaceError.unsupportedKey(path: path, key: key, value: "\(value)", supported: expected(key))
            }
        }
        var normalised = root
        normalised["model_type"] = architecture.rawValue
        for key in metadataKeys { normalised.removeValue(forKey: key) }
        do {
            return try ModelFile.readConfig(String(decoding: try JSONSerialization.data(withJSONObject: normalised), as: UTF8.self), path: path)
        } catch ModelFileError.badConfig(_, let message) {
            throw HuggingFaceError.badConfig(path: path, message: message)   // the path once, not twice
        } catch let error as ModelFileError {
            throw HuggingFaceError.badConfig(path: path, message: "\(error)")
        }
    }

    /// The tensor dtype config.json names (`dtype`, as transformers 5 writes it, else
    /// `torch_dtype`): the key, its value and the safetensors dtype; nil when it names none.
    static func declaredDType(_ configText: String) -> (key: String, value: String, dtype: SafeTensors.DType)? {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(configText.utf8))) as? [String: Any] else { return nil }
        for key in ["dtype", "torch_dtype"] {
            guard let value = root[key] as? String else { continue }
            let dtype: SafeTensors.DType? = switch value {
            case "float32": .f32
            case "float16": .f16
            case "bfloat16": .bf16
            default: nil
            }
            if let dtype { return (key, value, dtype) }
        }
        return nil
    }

    private static func expected(_ key: String) -> String {
        switch key {
        case "attention_dropout": return "0.0"
        case "pretraining_tp": return "1"
        case "use_sliding_window": return "false"
        case "layer_types": return "all full_attention"
        case "rope_interleaved": return "false"
        case "quantization_config": return "absent, or quant_method gguf (weights already dequantised); quantised weights are not supported"
        default: return "this key is unknown to the importer; it may change the computation"
        }
    }

    /// Reads `folder`. Every tensor of the layout must be present with its exact shape and finite
    /// values; a tensor outside the layout is refused (except `lm_head.weight` equal to a tied
    /// embedding, which some writers store). Shards are found through model.safetensors.index.json. A
    /// tokenizer.json is read as the model's tokenizer (Qwen2/Qwen2.5/Qwen3 and Llama-3.x files;
    /// an unsupported one is refused naming its field).
    public static func read(from folder: String) throws -> HuggingFaceFolder {
        let dir = URL(fileURLWithPath: folder)
        func text(_ name: String) -> String? {
            FileManager.default.contents(atPath: dir.appendingPathComponent(name).path).map { String(decoding: $0, as: UTF8.self) }
        }
        let configPath = dir.appendingPathComponent("config.json").path
        guard let configText = text("config.json") else { throw HuggingFaceError.unreadable(path: configPath, message: "cannot read config.json") }
        let config = try parseConfig(configText, path: configPath)

        var shardNames: [String] = []
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) {
            shardNames = ["model.safetensors"]
        } else {
            let indexPath = dir.appendingPathComponent("model.safetensors.index.json").path
            guard let indexText = text("model.safetensors.index.json") else {
                throw HuggingFaceError.unreadable(path: dir.path, message: "neither model.safetensors nor model.safetensors.index.json is there")
            }
            guard let index = try? JSONSerialization.jsonObject(with: Data(indexText.utf8)) as? [String: Any],
                  let map = index["weight_map"] as? [String: String] else {
                throw HuggingFaceError.badConfig(path: indexPath, message: "expected {\"weight_map\": {tensor: file}}")
            }
            shardNames = Array(Set(map.values)).sorted()
            for name in shardNames where name.contains("/") || name.hasPrefix(".") {
                throw HuggingFaceError.badConfig(path: indexPath, message: "shard name \(name) is not a file in the folder")
            }
        }
        var owner: [String: SafeTensors.File] = [:]
        for name in shardNames {
            let file = try SafeTensors.File(path: dir.appendingPathComponent(name).path)
            for tensor in file.entries.keys {
                if let other = owner[tensor] { throw HuggingFaceError.badTensor(path: file.path, tensor: tensor, message: "also in \(other.path)") }
                owner[tensor] = file
            }
        }
        let layout = config.parameterLayout
        let parameters = FloatBuffer(count: layout.totalCount)
        let declared = declaredDType(configText)
        for entry in layout.entries {
            guard let file = owner[entry.name] else { throw HuggingFaceError.missingTensor(path: dir.path, tensor: entry.name, shape: entry.shape) }
            let stored = file.entries[entry.name]!
            guard stored.shape == entry.shape else {
                throw HuggingFaceError.badTensor(path: file.path, tensor: entry.name, message: "shape \(stored.shape), expected \(entry.shape)")
            }
            // F16 and BF16 both take 2 bytes, so byte lengths cannot tell them apart: a header
            // naming the other one reads every weight wrong. config.json says which it is.
            if let (key, name, dtype) = declared, dtype != stored.dtype, dtype.byteCount == 2, stored.dtype.byteCount == 2 {
                throw HuggingFaceError.badTensor(path: file.path, tensor: entry.name, message: "dtype \(stored.dtype.rawValue), but config.json's \(key) is "
                                                 + "\(name) (expected \(dtype.rawValue): read as \(stored.dtype.rawValue), \(dtype.rawValue) data give wrong weights; "
                                                 + "correct the header's dtype or config.json's \(key))")
            }
            let values = UnsafeMutableBufferPointer(start: parameters.base + entry.offset, count: entry.count)
            try file.read(entry.name, into: values)
            // As training refuses them: a NaN or infinite weight makes every output NaN.
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw HuggingFaceError.badTensor(path: file.path, tensor: entry.name, message: "element \(bad) is \(values[bad]) "
                                                 + "(expected finite weights; the file is damaged or holds a diverged model)")
            }
        }
        let known = Set(layout.entries.map(\.name))
        for (tensor, file) in owner.sorted(by: { $0.key < $1.key }) where !known.contains(tensor) {
            if tensor == "lm_head.weight" && config.tieWordEmbeddings { continue }
            if tensor.hasSuffix("rotary_emb.inv_freq") { continue }   // a buffer older writers saved
            throw HuggingFaceError.unexpectedTensor(path: file.path, tensor: tensor)
        }
        var files: [String: String] = [:]
        for name in sideFiles { if let t = text(name) { files[name] = t } }
        let tokenizer = try files["tokenizer.json"].map {
            try readTokenizer($0, path: dir.appendingPathComponent("tokenizer.json").path, config: config)
        }
        return HuggingFaceFolder(config: config, parameters: parameters, files: files, tokenizer: tokenizer)
    }

    /// config.json in the form transformers 5 writes for this architecture.
    public static func configJSON(_ config: ModelConfig, dtype: SafeTensors.DType, generation: String?) throws -> String {
        var c: [String: Any] = [
            "architectures": [config.architecture.causalLMClassName], "model_type": config.architecture.rawValue,
            "vocab_size": config.vocabularySize, "hidden_size": config.hiddenSize, "intermediate_size": config.intermediateSize,
            "num_hidden_layers": config.layerCount, "num_attention_heads": config.headCount, "num_key_value_heads": config.kvHeadCount,
            "head_dim": config.headDim, "rms_norm_eps": config.rmsNormEps, "tie_word_embeddings": config.tieWordEmbeddings,
            "max_position_embeddings": config.maxPositionEmbeddings, "hidden_act": "silu", "attention_dropout": 0.0,
            "initializer_range": 0.02, "use_cache": true,
            "dtype": ["F32": "float32", "F16": "float16", "BF16": "bfloat16"][dtype.rawValue]!,
        ]
        var rope: [String: Any] = config.ropeScaling?.dictionary ?? ["rope_type": "default"]
        rope["rope_theta"] = config.ropeTheta
        c["rope_parameters"] = rope
        switch config.architecture {
        case .llama: c["attention_bias"] = config.attentionBias; c["mlp_bias"] = false
        case .qwen2: c["use_sliding_window"] = false
        case .qwen3: c["attention_bias"] = config.attentionBias; c["use_sliding_window"] = false
        }
        // Token ids transformers puts in config.json come from generation_config.json when present.
        if let generation, let g = try? JSONSerialization.jsonObject(with: Data(generation.utf8)) as? [String: Any] {
            for key in ["bos_token_id", "eos_token_id", "pad_token_id"] { if let v = g[key] { c[key] = v } }
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: c, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self) + "\n"
    }

    /// Writes the folder: model.safetensors in `dtype` (tensors in layout order), config.json and
    /// the side files. The folder is built under a temporary name beside `folder` and renamed into
    /// place, so a failure leaves no half-written folder; an existing `folder` is refused.
    public func write(to folder: String, dtype: SafeTensors.DType) throws {
        try Self.writeNewFolder(folder) { temporary in
            let layout = config.parameterLayout
            let tensors = layout.entries.map { e in
                (name: e.name, shape: e.shape, values: UnsafeBufferPointer(start: parameters.base + e.offset, count: e.count))
            }
            try SafeTensors.encode(tensors, dtype: dtype).write(to: temporary.appendingPathComponent("model.safetensors"))
            try HuggingFaceFolder.configJSON(config, dtype: dtype, generation: files["generation_config.json"])
                .write(to: temporary.appendingPathComponent("config.json"), atomically: false, encoding: .utf8)
            for (name, text) in files.sorted(by: { $0.key < $1.key }) {
                try text.write(to: temporary.appendingPathComponent(name), atomically: false, encoding: .utf8)
            }
        }
    }

    /// Creates `folder`, which must not exist, by filling a temporary sibling with `fill` and
    /// renaming it: a failure leaves nothing behind and names why (a full disk, a read-only file
    /// system).
    static func writeNewFolder(_ folder: String, fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: folder)
        if fm.fileExists(atPath: target.path) {
            throw HuggingFaceError.unreadable(path: target.path, message: "already exists; export writes a new folder")
        }
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())")
        try? fm.removeItem(at: temporary)
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
            try fill(temporary)
            try fm.moveItem(at: temporary, to: target)
        } catch {
            try? fm.removeItem(at: temporary)
            guard !(error is HuggingFaceError) else { throw error }
            let reason = WriteFailure.reason(folder: target.deletingLastPathComponent().path, after: error) ?? error.localizedDescription
            throw HuggingFaceError.notWritten(path: target.path, reason: reason)
        }
    }
}
