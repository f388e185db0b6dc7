import ShardedTensor

/// One layer's saved activations for `rows` tokens. Buffers grow and are then reused.
final class LayerActivations {
    private(set) var capacity = 0
    let config: ModelConfig
    var norm1 = FloatBuffer(count: 0), rstd1 = FloatBuffer(count: 0)     // (N, C), (N)
    var q = FloatBuffer(count: 0), k = FloatBuffer(count: 0), v = FloatBuffer(count: 0)  // (N, H*D), (N, K*D) x2, after RoPE
    // Qwen3 only: q and k before their per-head RMSNorm, and its 1/rms per (row, head).
    var qRaw = FloatBuffer(count: 0), kRaw = FloatBuffer(count: 0)      // (N, H*D), (N, K*D)
    var rstdQ = FloatBuffer(count: 0), rstdK = FloatBuffer(count: 0)    // (N*H), (N*K)
    var attention = FloatBuffer(count: 0)                                // (N, H*D) before o_proj
    var logSumExp = FloatBuffer(count: 0)                                // (N, H) attention softmax normalisers
    var mid = FloatBuffer(count: 0)                                      // (N, C) residual after attention
    var norm2 = FloatBuffer(count: 0), rstd2 = FloatBuffer(count: 0)     // (N, C), (N)
    var gate = FloatBuffer(count: 0), up = FloatBuffer(count: 0), act = FloatBuffer(count: 0)  // (N, I) each
    // LoRA only: each target's scale * x A^T, (N, rank) blocks (`loraHidden`).
    var lora = FloatBuffer(count: 0)
    var loraRows = 0

    /// bf16 copies of a product's inputs (`precision: bf16`), shared with the other layers.
    let bf16: BF16Scratch

    init(config: ModelConfig, bf16: BF16Scratch = BF16Scratch()) {
        self.config = config
        self.bf16 = bf16
    }

    /// Floats `reserve(rows:)` allocates per row (MemoryEstimate counts with it; a test checks
    /// it against the buffers).
    static func floatsPerRow(_ config: ModelConfig) -> Int {
        let c = config.hiddenSize, qd = config.headCount * config.headDim, kd = config.kvHeadCount * config.headDim
        let qk = config.hasQKNorm ? qd + kd + config.headCount + config.kvHeadCount : 0
        return (c + 1) + (qd + 2 * kd) + qk + qd + config.headCount + c + (c + 1) + 3 * config.intermediateSize
    }

    /// Floats held now.
    var allocatedFloats: Int {
        [norm1, rstd1, q, k, v, qRaw, kRaw, rstdQ, rstdK, attention, logSumExp, mid, norm2, rstd2, gate, up, act, lora].reduce(0) { $0 + $1.count }
    }

    func reserve(rows: Int) {
        let c = config.hiddenSize, qd = config.headCount * config.headDim, kd = config.kvHeadCount * config.headDim
        let i = config.intermediateSize
        if rows > capacity {
            capacity = rows
            norm1 = FloatBuffer(count: rows * c); rstd1 = FloatBuffer(count: rows)
            q = FloatBuffer(count: rows * qd); k = FloatBuffer(count: rows * kd); v = FloatBuffer(count: rows * kd)
            if config.hasQKNorm {
                qRaw = FloatBuffer(count: rows * qd); kRaw = FloatBuffer(count: rows * kd)
                rstdQ = FloatBuffer(count: rows * config.headCount); rstdK = FloatBuffer(count: rows * config.kvHeadCount)
            }
            attention = FloatBuffer(count: rows * qd)
            logSumExp = FloatBuffer(count: rows * config.headCount)
            mid = FloatBuffer(count: rows * c)
            norm2 = FloatBuffer(count: rows * c); rstd2 = FloatBuffer(count: rows)
            gate = FloatBuffer(count: rows * i); up = FloatBuffer(count: rows * i); act = FloatBuffer(count: rows * i)
        }
    }
}

/// Activations and gradient temporaries of the training forward/backward, reused across steps:
/// buffers grow to the largest batch seen and are never freed in between, so a training loop
/// does not allocate per step.
public final class TrainingWorkspace {
    let config: ModelConfig
    private(set) var capacity = 0
    var layers: [LayerActivations]
    var residual: [FloatBuffer]                 // L + 1 of (N, C): the stream entering each layer, and the last output
    var finalNorm = FloatBuffer(count: 0)       // (N, C)
    var rstdFinal = FloatBuffer(count: 0)       // (N)
    var logits = FloatBuffer(count: 0)          // (N, V), before temperature
    var logProbs = FloatBuffer(count: 0)        // (N)
    var entropies = FloatBuffer(count: 0)       // (N)
    // Backward temporaries.
    var dResidual = FloatBuffer(count: 0), dNorm = FloatBuffer(count: 0)        // (N, C)
    var dAttention = FloatBuffer(count: 0), dq = FloatBuffer(count: 0)          // (N, H*D)
    var dk = FloatBuffer(count: 0), dv = FloatBuffer(count: 0)                  // (N, K*D)
    var dqRaw = FloatBuffer(count: 0), dkRaw = FloatBuffer(count: 0)            // (N, H*D), (N, K*D): Qwen3, before q/k norm
    var dAct = FloatBuffer(count: 0), dGate = FloatBuffer(count: 0), dUp = FloatBuffer(count: 0)  // (N, I)
    var dLogits = FloatBuffer(count: 0)                                         // (N, V)
    var dLoRA = FloatBuffer(count: 0)                                           // (N, rank): LoRA only
    var scratch = FloatBuffer(count: 0)
    /// bf16 copies of a product's inputs, shared by every layer.
    let bf16 = BF16Scratch()

    /// The batch of the last forward: its rows are the rows of every buffer.
    var batch: TokenBatch?
    var temperature: Float = 1
    /// Vocabulary columns of the output head computed at a time (`model.headChunk`); 0 or at
    /// least the vocabulary: all at once, the (rows, V) logits held whole.
    public let headChunk: Int
    /// Chunked head: per row logsumexp, E[z] and two running sums (4 floats).
    var headStatistics = FloatBuffer(count: 0)

    /// Keep only each layer's input (the residual stream) and recompute the layer's activations
    /// in the backward (`model.recompute`): one layer's activations instead of every layer's.
    public let recompute: Bool

    /// Layer `l`'s activations (with `recompute`, the one set every layer shares).
    @inline(__always) func activations(_ l: Int) -> LayerActivations { layers[recompute ? 0 : l] }

    /// True when the head runs over vocabulary chunks.
    var isHeadChunked: Bool { headChunk > 0 && headChunk < config.vocabularySize }

    /// An empty workspace for models of `config`; it sizes itself on first use.
    /// - Parameter headChunk: vocabulary columns of the head at a time (0: all).
    /// - Parameter recompute: keep one layer's activations and recompute each in the backward.
    public init(config: ModelConfig, headChunk: Int = 0, recompute: Bool = false) {
        precondition(headChunk >= 0, "TrainingWorkspace: headChunk \(headChunk)")
        self.config = config
        self.headChunk = headChunk
        self.recompute = recompute
        let shared = bf16
        layers = (0..<(recompute ? 1 : config.layerCount)).map { _ in LayerActivations(config: config, bf16: shared) }
        residual = (0...config.layerCount).map { _ in FloatBuffer(count: 0) }
    }

    /// Floats `reserve(rows:maxLength:)` allocates per row, beyond the attention scratch.
    static func floatsPerRow(_ config: ModelConfig, headChunk: Int = 0, recompute: Bool = false) -> Int {
        let c = config.hiddenSize, qd = config.headCount * config.headDim, kd = config.kvHeadCount * config.headDim
        let i = config.intermediateSize
        let chunked = headChunk > 0 && headChunk < config.vocabularySize
        let v = chunked ? headChunk : config.vocabularySize
        let own = (config.layerCount + 1) * c + (c + 1) + (v + 2) + 2 * c + 2 * qd + 2 * kd
            + (config.hasQKNorm ? qd + kd : 0) + 3 * i + v + (chunked ? 4 : 0)
        return (recompute ? 1 : config.layerCount) * LayerActivations.floatsPerRow(config) + own
    }

    /// Floats held now (every layer's activations, the stream, the temporaries, the scratch).
    public var allocatedFloats: Int {
        layers.reduce(0) { $0 + $1.allocatedFloats } + residual.reduce(0) { $0 + $1.count }
            + [finalNorm, rstdFinal, logits, logProbs, entropies, dResidual, dNorm, dAttention, dq, dk, dv, dqRaw, dkRaw,
               dAct, dGate, dUp, dLogits, dLoRA, headStatistics, scratch].reduce(0) { $0 + $1.count }
    }

    func reserve(rows n: Int, maxLength: Int) {
        for l in layers { l.reserve(rows: n) }
        let c = config.hiddenSize, qd = config.headCount * config.headDim, kd = config.kvHeadCount * config.headDim
        let v = isHeadChunked ? headChunk : config.vocabularySize, i = config.intermediateSize
        if n > capacity {
            capacity = n
            residual = (0...config.layerCount).map { _ in FloatBuffer(count: n * c) }
            finalNorm = FloatBuffer(count: n * c); rstdFinal = FloatBuffer(count: n)
            logits = FloatBuffer(count: n * v); logProbs = FloatBuffer(count: n); entropies = FloatBuffer(count: n)
            dResidual = FloatBuffer(count: n * c); dNorm = FloatBuffer(count: n * c)
            dAttention = FloatBuffer(count: n * qd); dq = FloatBuffer(count: n * qd)
            dk = FloatBuffer(count: n * kd); dv = FloatBuffer(count: n * kd)
            if config.hasQKNorm { dqRaw = FloatBuffer(count: n * qd); dkRaw = FloatBuffer(count: n * kd) }
            dAct = FloatBuffer(count: n * i); dGate = FloatBuffer(count: n * i); dUp = FloatBuffer(count: n * i)
            dLogits = FloatBuffer(count: n * v)
            if isHeadChunked { headStatistics = FloatBuffer(count: 4 * n) }
        }
        let scratchNeed = CausalAttention.scratchCount(maxLength: maxLength)
        if scratchNeed > scratch.count { scratch = FloatBuffer(count: scratchNeed) }
    }

}

extension FloatBuffer {
    /// The first `rows` rows of this buffer viewed as (rows, cols).
    @inline(__always) func rows(_ rows: Int, _ cols: Int) -> MatrixView {
        precondition(rows * cols <= count, "FloatBuffer: \(rows)x\(cols) view of \(count) floats")
        return MatrixView(base, rows: rows, cols: cols)
    }
}
