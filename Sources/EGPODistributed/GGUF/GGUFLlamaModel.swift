import ShardedTensor

/// A Llama-architecture GGUF file read as the model's config and parameters (Hugging Face names
/// and shapes, fp32), for `launcher import --from FILE.gguf`.
///
/// The architecture comes from the `llama.*` metadata keys llama.cpp's converter writes
/// (convert_hf_to_gguf.py, gguf-py constants.py `Keys.LLM` / `Keys.Attention` / `Keys.Rope`);
/// the tensors from llama.cpp's names (`token_embd`, `blk.N.attn_q`, ...). The converter permutes
/// the rows of attn_q and attn_k within each head (Hugging Face's rotate-half RoPE layout to
/// llama.cpp's interleaved pairs); `unpermute` undoes that, as transformers' GGUF loader does.
public enum GGUFLlamaModel {
    /// The architectures this import supports (`general.architecture`).
    public static let architectures = ["llama"]

    /// `llama.*` keys read or known not to change the computation at the values given.
    static let readKeys: Set<String> = [
        "block_count", "embedding_length", "feed_forward_length", "context_length", "vocab_size",
        "attention.head_count", "attention.head_count_kv", "attention.layer_norm_rms_epsilon",
        "attention.key_length", "attention.value_length", "rope.dimension_count", "rope.freq_base",
        "rope.scaling.type", "rope.scaling.factor", "rope.scaling.original_context_length", "rope.scaling.finetuned",
        "expert_count", "expert_used_count",
    ]

    /// The config the metadata describes; `vocabularySize` is the token embedding's row count.
    public static func config(_ file: GGUFFile) throws(GGUFError) -> ModelConfig {
        let path = file.path
        guard let architecture = file["general.architecture"]?.string else { throw .missingKey(path: path, key: "general.architecture") }
        guard architectures.contains(architecture) else {
            throw .unsupported(path: path, key: "general.architecture", value: architecture, supported: architectures.joined(separator: ", "))
        }
        let prefix = architecture + "."
        for (key, value) in file.metadata where key.hasPrefix(prefix) && !readKeys.contains(String(key.dropFirst(prefix.count))) {
            throw .unsupported(path: path, key: key, value: value.summary, supported: "absent: this key is unknown to the importer and may change the computation")
        }
        func integer(_ key: String, default fallback: Int? = nil) throws(GGUFError) -> Int {
            guard let value = file[prefix + key] else {
                if let fallback { return fallback }
                throw .missingKey(path: path, key: prefix + key)
            }
            guard let n = value.int, n > 0 else { throw .badMetadata(path: path, key: prefix + key, message: "is \(value.summary), expected a positive integer") }
            return n
        }
        func real(_ key: String, default fallback: Double? = nil) throws(GGUFError) -> Double {
            guard let value = file[prefix + key] else {
                if let fallback { return fallback }
                throw .missingKey(path: path, key: prefix + key)
            }
            guard let x = value.double, x.isFinite else { throw .badMetadata(path: path, key: prefix + key, message: "is \(value.summary), expected a number") }
            return x
        }
        for key in ["expert_count", "expert_used_count"] where (file[prefix + key]?.int ?? 0) != 0 {
            throw .unsupported(path: path, key: prefix + key, value: file[prefix + key]!.summary, supported: "0 (no mixture of experts)")
        }
        let hidden = try integer("embedding_length")
        let heads = try integer("attention.head_count")
        let kvHeads = try integer("attention.head_count_kv", default: heads)
        let headDim = try integer("attention.key_length", default: hidden / heads)
        if let v = file[prefix + "attention.value_length"]?.int, v != headDim {
            throw .unsupported(path: path, key: prefix + "attention.value_length", value: "\(v)", supported: "equal to the key length \(headDim)")
        }
        if let r = file[prefix + "rope.dimension_count"]?.int, r != headDim {
            throw .unsupported(path: path, key: prefix + "rope.dimension_count", value: "\(r)", supported: "the head size \(headDim) (RoPE on every dimension)")
        }
        var scaling: RopeScaling?
        if let type = file[prefix + "rope.scaling.type"]?.string, type != "none" {
            guard type == "linear" else {
                throw .unsupported(path: path, key: prefix + "rope.scaling.type", value: type, supported: "none, linear")
            }
            scaling = .linear(factor: try real("rope.scaling.factor"))
        }
        if file.tensor("rope_freqs.weight") != nil {
            throw .unsupported(path: path, key: "tensor rope_freqs.weight", value: "present (Llama 3.1 RoPE frequency factors)", supported: "absent")
        }
        guard let embedding = file.tensor("token_embd.weight") else { throw .missingTensor(path: path, tensor: "token_embd.weight", shape: []) }
        guard embedding.dimensions.count == 2 else {
            throw .badTensor(path: path, tensor: embedding.name, message: "shape \(embedding.shape), expected [vocabulary, \(hidden)]")
        }
        let vocabulary = embedding.shape[0]
        if let v = file[prefix + "vocab_size"]?.int, v != vocabulary {
            throw .badMetadata(path: path, key: prefix + "vocab_size", message: "is \(v), but token_embd.weight has \(vocabulary) rows")
        }
        let config = ModelConfig(vocabularySize: vocabulary, hiddenSize: hidden, intermediateSize: try integer("feed_forward_length"),
                                 layerCount: try integer("block_count"), headCount: heads, kvHeadCount: kvHeads,
                                 ropeTheta: try real("rope.freq_base", default: 10_000),
                                 rmsNormEps: try real("attention.layer_norm_rms_epsilon"),
                                 tieWordEmbeddings: file.tensor("output.weight") == nil,
                                 maxPositionEmbeddings: try integer("context_length"),
                                 attentionBias: file.tensor("blk.0.attn_q.bias") != nil,
                                 architecture: .llama, headDim: headDim, ropeScaling: scaling)
        do { try config.validate() } catch {
            throw .badMetadata(path: path, key: prefix + "*", message: "\(error)")
        }
        return config
    }

    /// The GGUF name of each Hugging Face parameter name of the Llama layout.
    static func ggufName(_ name: String) -> String? {
        let fixed = ["model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight", "lm_head.weight": "output.weight"]
        if let n = fixed[name] { return n }
        let parts = name.split(separator: ".", maxSplits: 3).map(String.init)   // model, layers, N, rest
        guard parts.count == 4, parts[0] == "model", parts[1] == "layers" else { return nil }
        let rest: [String: String] = [
            "input_layernorm.weight": "attn_norm.weight", "post_attention_layernorm.weight": "ffn_norm.weight",
            "self_attn.q_proj.weight": "attn_q.weight", "self_attn.k_proj.weight": "attn_k.weight",
            "self_attn.v_proj.weight": "attn_v.weight", "self_attn.o_proj.weight": "attn_output.weight",
            "self_attn.q_proj.bias": "attn_q.bias", "self_attn.k_proj.bias": "attn_k.bias",
            "self_attn.v_proj.bias": "attn_v.bias", "self_attn.o_proj.bias": "attn_output.bias",
            "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight",
        ]
        return rest[parts[3]].map { "blk.\(parts[2]).\($0)" }
    }

    /// Reads every parameter of `config`'s layout from `file`, dequantised to fp32, with the q/k
    /// permutation undone. Every layout tensor must be present with its shape; a tensor the
    /// layout does not use is refused; a NaN or infinite weight is refused naming the tensor.
    public static func parameters(_ file: GGUFFile, config: ModelConfig) throws(GGUFError) -> FloatBuffer {
        let path = file.path
        let layout = config.parameterLayout
        let parameters = FloatBuffer(count: layout.totalCount)
        var used: Set<String> = []
        for entry in layout.entries {
            guard let name = ggufName(entry.name) else { preconditionFailure("no GGUF name for layout tensor \(entry.name)") }
            guard let tensor = file.tensor(name) else { throw .missingTensor(path: path, tensor: name, shape: entry.shape) }
            guard tensor.shape == entry.shape else {
                throw .badTensor(path: path, tensor: name, message: "shape \(tensor.shape), expected \(entry.shape) (as \(entry.name))")
            }
            used.insert(name)
            let out = UnsafeMutableBufferPointer(start: parameters.base + entry.offset, count: entry.count)
            try file.read(tensor, into: out)
            if let bad = out.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteWeight(path: path, tensor: name, index: bad, value: out[bad])
            }
            if name.hasSuffix("attn_q.weight") || name.hasSuffix("attn_q.bias") {
                unpermute(out, heads: config.headCount, rowLength: entry.count / (config.headCount * config.headDim))
            } else if name.hasSuffix("attn_k.weight") || name.hasSuffix("attn_k.bias") {
                unpermute(out, heads: config.kvHeadCount, rowLength: entry.count / (config.kvHeadCount * config.headDim))
            }
        }
        for tensor in file.tensors where !used.contains(tensor.name) {
            throw .unexpectedTensor(path: path, tensor: tensor.name)
        }
        return parameters
    }

    /// Undoes llama.cpp's `permute` of q/k rows in place: within each of `heads` heads of D rows,
    /// GGUF row 2i + s holds Hugging Face row s * D/2 + i (s = 0, 1; i < D/2). Each row is
    /// `rowLength` floats (1 for a bias).
    static func unpermute(_ w: UnsafeMutableBufferPointer<Float>, heads: Int, rowLength: Int) {
        let rows = w.count / rowLength, d = rows / heads, half = d / 2
        precondition(rows * rowLength == w.count && d * heads == rows && half * 2 == d, "unpermute: \(w.count) floats, \(heads) heads, rows of \(rowLength)")
        let copy = Array(w)
        for h in 0 ..< heads {
            for s in 0 ..< 2 {
                for i in 0 ..< half {
                    let from = (h * d + 2 * i + s) * rowLength, to = (h * d + s * half + i) * rowLength
                    for c in 0 ..< rowLength { w[to + c] = copy[from + c] }
                }
            }
        }
    }
}
