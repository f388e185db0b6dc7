import ShardedTensor

extension ModelConfig {
    /// The flat parameter layout with Hugging Face names and shapes (`[out, in]` for linear
    /// weights), in HF's state-dict order: embedding, then per layer input norm, q, k, v, o,
    /// (Qwen3) q_norm, k_norm, post-attention norm, gate, up, down; final norm;
    /// `lm_head.weight` only when untied.
    public var parameterLayout: ParameterLayout {
        let c = hiddenSize, q = headCount * headDim, kv = kvHeadCount * headDim, i = intermediateSize
        var t: [(name: String, shape: [Int])] = [("model.embed_tokens.weight", [vocabularySize, c])]
        for l in 0..<layerCount {
            let p = "model.layers.\(l)."
            t.append((p + "input_layernorm.weight", [c]))
            t.append((p + "self_attn.q_proj.weight", [q, c]))
            if hasQKVBias { t.append((p + "self_attn.q_proj.bias", [q])) }
            t.append((p + "self_attn.k_proj.weight", [kv, c]))
            if hasQKVBias { t.append((p + "self_attn.k_proj.bias", [kv])) }
            t.append((p + "self_attn.v_proj.weight", [kv, c]))
            if hasQKVBias { t.append((p + "self_attn.v_proj.bias", [kv])) }
            t.append((p + "self_attn.o_proj.weight", [c, q]))
            if hasOutputBias { t.append((p + "self_attn.o_proj.bias", [c])) }
            if hasQKNorm {
                t.append((p + "self_attn.q_norm.weight", [headDim]))
                t.append((p + "self_attn.k_norm.weight", [headDim]))
            }
            t.append((p + "post_attention_layernorm.weight", [c]))
            t.append((p + "mlp.gate_proj.weight", [i, c]))
            t.append((p + "mlp.up_proj.weight", [i, c]))
            t.append((p + "mlp.down_proj.weight", [c, i]))
        }
        t.append(("model.norm.weight", [c]))
        if !tieWordEmbeddings { t.append(("lm_head.weight", [vocabularySize, c])) }
        return ParameterLayout(t)
    }

    /// Number of parameters (floats in the flat buffer).
    public var parameterCount: Int { parameterLayout.totalCount }
}

/// Views of one decoder layer's tensors inside a flat buffer (parameters or gradients).
struct LayerTensors {
    let inputNorm: UnsafeMutablePointer<Float>
    let q: MatrixView, k: MatrixView, v: MatrixView, o: MatrixView
    let qBias: UnsafeMutablePointer<Float>?, kBias: UnsafeMutablePointer<Float>?
    let vBias: UnsafeMutablePointer<Float>?, oBias: UnsafeMutablePointer<Float>?
    /// Qwen3's per-head RMSNorm weights on q and k, (D) each; nil for other families.
    let qNorm: UnsafeMutablePointer<Float>?, kNorm: UnsafeMutablePointer<Float>?
    let postNorm: UnsafeMutablePointer<Float>
    let gate: MatrixView, up: MatrixView, down: MatrixView
}

/// Views of every tensor of the model inside its flat parameter buffer, laid out by
/// `parameterLayout`; with tied embeddings `head` is the embedding matrix. The gradients of the
/// trained tensors have their own views (`ModelGradients`), since a frozen tensor has none.
struct ModelTensors {
    let storage: FloatBuffer
    let embedding: MatrixView
    let layers: [LayerTensors]
    let finalNorm: UnsafeMutablePointer<Float>
    let head: MatrixView

    init(_ storage: FloatBuffer, config: ModelConfig, layout: ParameterLayout) {
        precondition(storage.count == layout.totalCount, "ModelTensors: buffer \(storage.count) vs layout \(layout.totalCount)")
        self.storage = storage
        func matrix(_ name: String) -> MatrixView {
            let e = layout[name]
            return MatrixView(storage.base + e.offset, rows: e.shape[0], cols: e.shape[1])
        }
        func vector(_ name: String) -> UnsafeMutablePointer<Float> { storage.base + layout[name].offset }
        func optionalVector(_ name: String) -> UnsafeMutablePointer<Float>? { layout.entry(named: name).map { storage.base + $0.offset } }
        embedding = matrix("model.embed_tokens.weight")
        layers = (0..<config.layerCount).map { l in
            let p = "model.layers.\(l)."
            return LayerTensors(
                inputNorm: vector(p + "input_layernorm.weight"),
                q: matrix(p + "self_attn.q_proj.weight"), k: matrix(p + "self_attn.k_proj.weight"),
                v: matrix(p + "self_attn.v_proj.weight"), o: matrix(p + "self_attn.o_proj.weight"),
                qBias: optionalVector(p + "self_attn.q_proj.bias"), kBias: optionalVector(p + "self_attn.k_proj.bias"),
                vBias: optionalVector(p + "self_attn.v_proj.bias"), oBias: optionalVector(p + "self_attn.o_proj.bias"),
                qNorm: optionalVector(p + "self_attn.q_norm.weight"), kNorm: optionalVector(p + "self_attn.k_norm.weight"),
                postNorm: vector(p + "post_attention_layernorm.weight"),
                gate: matrix(p + "mlp.gate_proj.weight"), up: matrix(p + "mlp.up_proj.weight"), down: matrix(p + "mlp.down_proj.weight"))
        }
        finalNorm = vector("model.norm.weight")
        head = config.tieWordEmbeddings ? embedding : matrix("lm_head.weight")
    }
}
