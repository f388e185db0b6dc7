import ShardedTensor

/// One targeted layer's adapter matrices: `a` (rank, in) and `b` (out, rank), as PEFT stores
/// `lora_A.weight` and `lora_B.weight`.
struct LoRAPair {
    let a: MatrixView
    let b: MatrixView
}

/// The adapters of every targeted linear layer of one model, in one flat buffer laid out by
/// `layout` (names `model.layers.L.self_attn.q_proj.lora_A.weight`, ... in layer order, then the
/// order of `config.targets`; A before B), then the trained token rows when `config.trainableTokens`
/// names any (`model.embed_tokens.token_adapter.trainable_tokens_delta`, (tokens, hidden), PEFT's
/// name: despite it, the rows themselves, not a difference). The buffer is what the optimizer
/// trains (`TrainableParameters.adapters`), so an update is seen by the next forward.
public final class LoRAAdapters: @unchecked Sendable {
    public let config: LoRAConfig
    /// The model the adapters belong to.
    public let modelConfig: ModelConfig
    public let layout: ParameterLayout
    public let values: FloatBuffer
    /// The ids of `config.trainableTokens`, in that order (`LoRAConfig.trainableTokenIDs(in:)`).
    public let tokenIDs: [Int32]
    /// pairs[layer][target index] (nil: the target is not adapted).
    let pairs: [[LoRAPair?]]
    /// The trained rows of `tokenIDs`, (tokens, hidden); nil without trainable tokens.
    let tokenRows: MatrixView?

    /// PEFT's name of the trained token rows.
    public static let tokenRowsName = "model.embed_tokens.token_adapter.trainable_tokens_delta"

    /// Wraps `values` (shared, not copied) after checking its size against the layout;
    /// `tokenIDs` are the ids of `config.trainableTokens`.
    public init(config: LoRAConfig, model: ModelConfig, values: FloatBuffer, tokenIDs: [Int32] = []) {
        let layout = Self.layout(config: config, model: model)
        precondition(values.count == layout.totalCount, "LoRAAdapters: \(values.count) values for a layout of \(layout.totalCount)")
        precondition(tokenIDs.count == config.trainableTokens.count && Set(tokenIDs).count == tokenIDs.count
                     && tokenIDs.allSatisfy { $0 >= 0 && Int($0) < model.vocabularySize },
                     "LoRAAdapters: token ids \(tokenIDs) for trainable tokens \(config.trainableTokens) in a vocabulary of \(model.vocabularySize)")
        self.config = config
        modelConfig = model
        self.layout = layout
        self.values = values
        self.tokenIDs = tokenIDs
        pairs = (0..<model.layerCount).map { l in
            LoRATarget.allCases.map { t in
                guard config.targets.contains(t) else { return nil }
                return Self.pair(in: values, layout: layout, layer: l, target: t)
            }
        }
        tokenRows = Self.tokenRows(in: values, layout: layout)
    }

    /// Fresh adapters as PEFT initialises them: `A` uniform on ±1/sqrt(in) (kaiming_uniform_ with
    /// a = sqrt(5)), `B` zero, so the adapted model starts as the base model exactly. Element i of
    /// tensor `name` is Philox(seed, FNV-1a(name), i), so every rank draws the same values.
    /// Trained token rows start as `base`'s embedding rows of `tokenIDs` (PEFT's default).
    public static func initial(config: LoRAConfig, base: Transformer, seed: UInt64, tokenIDs: [Int32] = []) -> LoRAAdapters {
        let adapters = initial(config: config, model: base.config, seed: seed, tokenIDs: tokenIDs)
        if let rows = adapters.tokenRows {
            for (k, id) in tokenIDs.enumerated() { rows.row(k).update(from: base.weights.embedding.row(Int(id)), count: rows.cols) }
        }
        return adapters
    }

    /// Fresh adapters for a model of `model` with the token rows (if any) zero, to be filled.
    public static func initial(config: LoRAConfig, model: ModelConfig, seed: UInt64, tokenIDs: [Int32] = []) -> LoRAAdapters {
        let layout = Self.layout(config: config, model: model)
        let values = FloatBuffer(count: layout.totalCount)
        for e in layout.entries where e.name.hasSuffix("lora_A.weight") {
            let bound = 1 / Double(e.shape[1]).squareRoot(), stream = fnv1a64(e.name), p = values.base + e.offset
            for i in 0..<e.count {
                p[i] = Float((2 * Philox.uniform(seed: seed, stream: stream, index: UInt64(i)) - 1) * bound)
            }
        }
        return LoRAAdapters(config: config, model: model, values: values, tokenIDs: tokenIDs)
    }

    /// The adapter tensors' names and shapes for `config` on a model of `model`.
    public static func layout(config: LoRAConfig, model: ModelConfig) -> ParameterLayout {
        var t: [(name: String, shape: [Int])] = []
        for l in 0..<model.layerCount {
            for target in LoRATarget.allCases where config.targets.contains(target) {
                let (out, inputs) = target.shape(model)
                t.append((name(layer: l, target: target, matrix: "A"), [config.rank, inputs]))
                t.append((name(layer: l, target: target, matrix: "B"), [out, config.rank]))
            }
        }
        if !config.trainableTokens.isEmpty { t.append((tokenRowsName, [config.trainableTokens.count, model.hiddenSize])) }
        return ParameterLayout(t)
    }

    /// The token rows inside `storage` (parameters or gradients) laid out by `layout`; nil when
    /// the layout has none.
    static func tokenRows(in storage: FloatBuffer, layout: ParameterLayout) -> MatrixView? {
        layout.entry(named: tokenRowsName).map { MatrixView(storage.base + $0.offset, rows: $0.shape[0], cols: $0.shape[1]) }
    }

    /// True when these adapters change nothing on `base` (every B zero, every trained token row
    /// equal to the base's): the adapted model computes what the base computes, bit for bit.
    public func isIdentity(on base: Transformer) -> Bool {
        for e in layout.entries where e.name.hasSuffix("lora_B.weight") {
            if values.tensor(e).contains(where: { $0 != 0 }) { return false }
        }
        guard let rows = tokenRows else { return true }
        return tokenIDs.enumerated().allSatisfy { k, id in
            (0..<rows.cols).allSatisfy { rows.row(k)[$0] == base.weights.embedding.row(Int(id))[$0] }
        }
    }

    /// `model.layers.L.<module>.lora_<matrix>.weight`.
    public static func name(layer: Int, target: LoRATarget, matrix: String) -> String {
        "model.layers.\(layer).\(target.module).lora_\(matrix).weight"
    }

    /// Views of one layer's pair inside `storage` (parameters or gradients) laid out by `layout`;
    /// nil when the layout has no such pair.
    static func pair(in storage: FloatBuffer, layout: ParameterLayout, layer: Int, target: LoRATarget) -> LoRAPair? {
        guard let a = layout.entry(named: name(layer: layer, target: target, matrix: "A")),
              let b = layout.entry(named: name(layer: layer, target: target, matrix: "B")) else { return nil }
        return LoRAPair(a: MatrixView(storage.base + a.offset, rows: a.shape[0], cols: a.shape[1]),
                        b: MatrixView(storage.base + b.offset, rows: b.shape[0], cols: b.shape[1]))
    }

    /// The pair of `target` in layer `l`, if adapted.
    @inline(__always) func pair(_ l: Int, _ target: LoRATarget) -> LoRAPair? { pairs[l][target.index] }

    /// `W += scale * B A` for every adapted layer of `parameters` (a buffer in the model's layout),
    /// and the trained token rows written over the embedding's: the merged model computes what
    /// base + adapters compute (up to rounding).
    public func merge(into parameters: FloatBuffer, layout modelLayout: ParameterLayout) {
        for l in 0..<modelConfig.layerCount {
            for target in LoRATarget.allCases {
                guard let p = pair(l, target) else { continue }
                let e = modelLayout["model.layers.\(l).\(target.module).weight"]
                let w = MatrixView(parameters.base + e.offset, rows: e.shape[0], cols: e.shape[1])
                Matmul.gemm(p.b, p.a, into: w, alpha: config.scale, beta: 1)
            }
        }
        if let rows = tokenRows {
            // The embedding's rows; with a tied head that is the head's too.
            let e = modelLayout["model.embed_tokens.weight"]
            for (k, id) in tokenIDs.enumerated() {
                (parameters.base + e.offset + Int(id) * e.shape[1]).update(from: rows.row(k), count: rows.cols)
            }
        }
    }
}

extension LoRATarget {
    /// Position in `allCases`.
    var index: Int {
        switch self {
        case .q_proj: 0
        case .k_proj: 1
        case .v_proj: 2
        case .o_proj: 3
        case .gate_proj: 4
        case .up_proj: 5
        case .down_proj: 6
        }
    }
}
