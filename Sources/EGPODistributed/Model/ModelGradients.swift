import ShardedTensor

/// Views of one decoder layer's gradients; nil for a frozen tensor (or one the family lacks).
struct LayerGradients {
    let inputNorm: UnsafeMutablePointer<Float>?
    let q: MatrixView?, k: MatrixView?, v: MatrixView?, o: MatrixView?
    let qBias: UnsafeMutablePointer<Float>?, kBias: UnsafeMutablePointer<Float>?
    let vBias: UnsafeMutablePointer<Float>?, oBias: UnsafeMutablePointer<Float>?
    let qNorm: UnsafeMutablePointer<Float>?, kNorm: UnsafeMutablePointer<Float>?
    let postNorm: UnsafeMutablePointer<Float>?
    let gate: MatrixView?, up: MatrixView?, down: MatrixView?
}

/// Views of one decoder layer's adapter gradients (LoRA); nil for a layer without an adapter or
/// one not trained.
struct LayerLoRAGradients {
    let q: LoRAPair?, k: LoRAPair?, v: LoRAPair?, o: LoRAPair?
    let gate: LoRAPair?, up: LoRAPair?, down: LoRAPair?
}

/// Views of the gradient of every trained model tensor inside a gradient buffer laid out by the
/// trained set's layout (`TrainableParameters.layout`): a tensor the layout leaves out is frozen,
/// its view nil, and the backward skips its weight gradient. With the model's own layout every
/// view is there (full fine-tuning). With tied embeddings `head` is the embedding's gradient.
struct ModelGradients {
    let embedding: MatrixView?
    let layers: [LayerGradients]
    let finalNorm: UnsafeMutablePointer<Float>?
    let head: MatrixView?
    /// Per layer, the trained adapters' gradients (all nil without LoRA).
    let lora: [LayerLoRAGradients]
    /// The trained token rows' gradient (LoRA with `trainableTokens`), nil otherwise.
    let tokenRows: MatrixView?

    /// - Parameters:
    ///   - storage: the gradient buffer, `layout.totalCount` floats.
    ///   - layout: the trained tensors; each must be a tensor of `modelLayout` or of
    ///     `adapterLayout`, of the same shape.
    init(_ storage: FloatBuffer, layout: ParameterLayout, config: ModelConfig, modelLayout: ParameterLayout, adapterLayout: ParameterLayout? = nil) {
        precondition(storage.count == layout.totalCount, "ModelGradients: buffer \(storage.count) vs layout \(layout.totalCount)")
        for e in layout.entries {
            let known = modelLayout.entry(named: e.name) ?? adapterLayout?.entry(named: e.name)
            precondition(known?.shape == e.shape,
                         "ModelGradients: \(e.name) \(e.shape) is not a tensor of the model or its adapters (\(known?.shape.description ?? "absent"))")
        }
        func matrix(_ name: String) -> MatrixView? {
            layout.entry(named: name).map { MatrixView(storage.base + $0.offset, rows: $0.shape[0], cols: $0.shape[1]) }
        }
        func vector(_ name: String) -> UnsafeMutablePointer<Float>? { layout.entry(named: name).map { storage.base + $0.offset } }
        embedding = matrix("model.embed_tokens.weight")
        layers = (0..<config.layerCount).map { l in
            let p = "model.layers.\(l)."
            return LayerGradients(
                inputNorm: vector(p + "input_layernorm.weight"),
                q: matrix(p + "self_attn.q_proj.weight"), k: matrix(p + "self_attn.k_proj.weight"),
                v: matrix(p + "self_attn.v_proj.weight"), o: matrix(p + "self_attn.o_proj.weight"),
                qBias: vector(p + "self_attn.q_proj.bias"), kBias: vector(p + "self_attn.k_proj.bias"),
                vBias: vector(p + "self_attn.v_proj.bias"), oBias: vector(p + "self_attn.o_proj.bias"),
                qNorm: vector(p + "self_attn.q_norm.weight"), kNorm: vector(p + "self_attn.k_norm.weight"),
                postNorm: vector(p + "post_attention_layernorm.weight"),
                gate: matrix(p + "mlp.gate_proj.weight"), up: matrix(p + "mlp.up_proj.weight"), down: matrix(p + "mlp.down_proj.weight"))
        }
        finalNorm = vector("model.norm.weight")
        head = config.tieWordEmbeddings ? embedding : matrix("lm_head.weight")
        tokenRows = LoRAAdapters.tokenRows(in: storage, layout: layout)
        lora = (0..<config.layerCount).map { l in
            func pair(_ t: LoRATarget) -> LoRAPair? { LoRAAdapters.pair(in: storage, layout: layout, layer: l, target: t) }
            return LayerLoRAGradients(q: pair(.q_proj), k: pair(.k_proj), v: pair(.v_proj), o: pair(.o_proj),
                                      gate: pair(.gate_proj), up: pair(.up_proj), down: pair(.down_proj))
        }
    }
}
