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
    /// bf16 values the copies of a model of `config` hold (its linear weights and head).
    static func count(_ config: ModelConfig) -> Int {
        config.layerCount * LoRATarget.allCases.reduce(0) { let (o, i) = $1.shape(config); return $0 + o * i }
            + config.vocabularySize * config.hiddenSize
    }

    let buffer: BF16Buffer
    /// layers[l][target.index]: layer l's linear weights.
    let layers: [[BF16MatrixView]]
    let head: BF16MatrixView
    /// (fp32 source, bf16 copy) of every matrix, for `refresh`.
    private let pairs: [(MatrixView, BF16MatrixView)]

    init(_ weights: ModelTensors, config: ModelConfig) {
        let sources = weights.layers.flatMap { w in LoRATarget.allCases.map { w.matrix($0) } } + [weights.head]
        buffer = BF16Buffer(count: sources.reduce(0) { $0 + $1.rows * $1.cols })
        var offset = 0, copies: [BF16MatrixView] = []
        for s in sources {
            copies.append(buffer.matrix(s.rows, s.cols, offset: offset))
            offset += s.rows * s.cols
        }
        let perLayer = LoRATarget.allCases.count
        layers = (0..<config.layerCount).map { l in Array(copies[(perLayer * l)..<(perLayer * (l + 1))]) }
        head = copies.last!
        pairs = Array(zip(sources, copies))
        refresh()
    }

    /// Rounds the fp32 weights into the copies (after an optimizer update or a restore).
    func refresh() {
        for (source, copy) in pairs { BF16Matmul.round(source, into: copy) }
    }

    @inline(__always) func weight(_ l: Int, _ target: LoRATarget) -> BF16MatrixView { layers[l][target.index] }
}

extension LayerTensors {
    /// The weight of the linear layer `target`.
    func matrix(_ target: LoRATarget) -> MatrixView {
        switch target {
        case .q_proj: q
        case .k_proj: k
        case .v_proj: v
        case .o_proj: o
        case .gate_proj: gate
        case .up_proj: up
        case .down_proj: down
        }
    }
}

/// What a run computes in on this machine, and what it says when that is not what was asked.
extension Precision {
    /// bf16 only where the CPU has bf16 instructions (AVX512-BF16 or AMX): elsewhere oneDNN would
    /// emulate it, slower than fp32, so fp32.
    public var onThisCPU: Precision { self == .bf16 && !BF16Matmul.isNative ? .fp32 : self }

    /// What a command that samples from a model file computes in: `asked` (its --precision) when
    /// given, else the precision the checkpoint was trained in (`recorded`, its model.precision),
    /// else fp32, then `onThisCPU`; with the lines to print: where the choice came from when it was
    /// the checkpoint's, and the fallback notice when bf16 was chosen on a CPU without it.
    public static func resolve(asked: Precision?, recorded: Precision?) -> (precision: Precision, notes: [String]) {
        let chosen = asked ?? recorded ?? .fp32
        var notes: [String] = []
        if asked == nil, let recorded, recorded != .fp32 { notes.append("precision \(recorded.rawValue), from the checkpoint's run config") }
        if let notice = chosen.fallbackNotice { notes.append(notice) }
        return (chosen.onThisCPU, notes)
    }

    /// The line to say when bf16 is asked for on a CPU without it (nil otherwise).
    public var fallbackNotice: String? {
        onThisCPU == self ? nil : "this CPU (\(BF16Matmul.instructionSet)) has no bf16 instructions (AVX512-BF16 or AMX); computing in fp32"
    }
}

/// Grow-only bf16 copies of a product's fp32 inputs (activations, output gradients), shared by
/// the layers of one workspace or sampler.
final class BF16Scratch {
    private var buffers = [BF16Buffer(count: 0), BF16Buffer(count: 0)]

    /// `x` rounded into the first buffer.
    func first(_ x: MatrixView) -> BF16MatrixView { round(x, into: 0) }

    /// `x` rounded into the second buffer (while the first is in use).
    func second(_ x: MatrixView) -> BF16MatrixView { round(x, into: 1) }

    private func round(_ x: MatrixView, into slot: Int) -> BF16MatrixView {
        if buffers[slot].count < x.rows * x.cols { buffers[slot] = BF16Buffer(count: x.rows * x.cols) }
        let view = buffers[slot].matrix(x.rows, x.cols)
        BF16Matmul.round(x, into: view)
        return view
    }

    var allocatedBytes: Int { 2 * buffers.reduce(0) { $0 + $1.count } }
}
