import ShardedTensor

/// `model.precision`: what the big matrix products take as inputs. Master weights, gradients,
/// Adam's state, norms, attention and the softmax stay fp32 in both.
public enum Precision: String, ConfigChoice {
    /// fp32 throughout (OpenBLAS sgemm).
    case fp32
    /// bf16 copies of the linear layers' weights (refreshed after every update) and bf16-rounded
    /// inputs, products accumulated and written in fp32 (oneDNN), forward and backward, in
    /// training, the reference policy and sampling alike.
    case bf16
}

/// A model's linear weights rounded to bf16 (q, k, v, o, gate, up, down per layer and the output
/// head), in one buffer, kept equal to the rounding of the fp32 parameters by `refresh`.
final class LowPrecisionWeights: @unchecked Sendable {
    struct Layer {
        let q: BF16MatrixView, k: BF16MatrixView, v: BF16MatrixView, o: BF16MatrixView
        let gate: BF16MatrixView, up: BF16MatrixView, down: BF16MatrixView
    }

    /// bf16 values the copies of a model of `config` hold (its linear weights and head).
    static func count(_ config: ModelConfig) -> Int {
        let c = config.hiddenSize, q = config.headCount * config.headDim, kv = config.kvHeadCount * config.headDim
        let i = config.intermediateSize
        return config.layerCount * (2 * q * c + 2 * kv * c + 3 * i * c) + config.vocabularySize * c
    }

    let buffer: BF16Buffer
    let layers: [Layer]
    let head: BF16MatrixView
    /// (fp32 source, bf16 copy) of every matrix, for `refresh`.
    private let pairs: [(MatrixView, BF16MatrixView)]

    init(_ weights: ModelTensors, config: ModelConfig) {
        var sources: [MatrixView] = []
        for w in weights.layers { sources += [w.q, w.k, w.v, w.o, w.gate, w.up, w.down] }
        sources.append(weights.head)
        buffer = BF16Buffer(count: sources.reduce(0) { $0 + $1.rows * $1.cols })
        var offset = 0, copies: [BF16MatrixView] = []
        for s in sources {
            copies.append(buffer.matrix(s.rows, s.cols, offset: offset))
            offset += s.rows * s.cols
        }
        layers = (0..<config.layerCount).map { l in
            let c = Array(copies[(7 * l)..<(7 * l + 7)])
            return Layer(q: c[0], k: c[1], v: c[2], o: c[3], gate: c[4], up: c[5], down: c[6])
        }
        head = copies.last!
        pairs = Array(zip(sources, copies))
        refresh()
    }

    /// Rounds the fp32 weights into the copies (after an optimizer update or a restore).
    func refresh() {
        for (source, copy) in pairs { BF16Matmul.round(source, into: copy) }
    }

    func weight(_ l: Int, _ target: LoRATarget) -> BF16MatrixView {
        let w = layers[l]
        switch target {
        case .q_proj: return w.q
        case .k_proj: return w.k
        case .v_proj: return w.v
        case .o_proj: return w.o
        case .gate_proj: return w.gate
        case .up_proj: return w.up
        case .down_proj: return w.down
        }
    }
}

/// Grow-only bf16 copies of a product's fp32 inputs (activations, output gradients), shared by
/// the layers of one workspace or sampler.
final class BF16Scratch {
    private var first = BF16Buffer(count: 0), second = BF16Buffer(count: 0)

    /// `x` rounded into the first buffer.
    func first(_ x: MatrixView) -> BF16MatrixView {
        if first.count < x.rows * x.cols { first = BF16Buffer(count: x.rows * x.cols) }
        let view = first.matrix(x.rows, x.cols)
        BF16Matmul.round(x, into: view)
        return view
    }

    /// `x` rounded into the second buffer (while the first is in use).
    func second(_ x: MatrixView) -> BF16MatrixView {
        if second.count < x.rows * x.cols { second = BF16Buffer(count: x.rows * x.cols) }
        let view = second.matrix(x.rows, x.cols)
        BF16Matmul.round(x, into: view)
        return view
    }

    var allocatedBytes: Int { 2 * (first.count + second.count) }
}
