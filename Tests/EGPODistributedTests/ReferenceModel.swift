import EGPODistributed
import Foundation
import ShardedTensor

/// The same Llama/Qwen2/Qwen3 computation written in Double from the naive kernel twins, one sequence at a
/// time, with parameters taken from a flat array by name. It is the independent reference the
/// fast Float model is compared with, and what finite differences are taken of.
struct ReferenceModel {
    let config: ModelConfig
    let layout: ParameterLayout
    /// Round every linear layer's input and weight to bf16 before its (Double) product, as
    /// `precision: bf16` does: the naive twin of the bf16 model.
    var bf16Products = false

    init(_ config: ModelConfig, bf16Products: Bool = false) {
        self.config = config
        layout = config.parameterLayout
        self.bf16Products = bf16Products
    }

    /// `xs` rounded to bf16 when `bf16Products` is set.
    func productInput(_ xs: [Double]) -> [Double] {
        bf16Products ? xs.map { Double(BF16Matmul.rounded(Float($0))) } : xs
    }

    func tensor(_ p: [Double], _ name: String) -> [Double] {
        let e = layout[name]
        return Array(p[e.offset ..< e.offset + e.count])
    }

    func optionalTensor(_ p: [Double], _ name: String) -> [Double]? {
        layout.entry(named: name) == nil ? nil : tensor(p, name)
    }

    /// Logits (n-1, V) of one sequence: the distributions of tokens 1..<n.
    func logits(_ p: [Double], sequence: [Int]) -> [Double] {
        let c = config.hiddenSize, d = config.headDim, h = config.headCount, kvh = config.kvHeadCount
        let i = config.intermediateSize, eps = config.rmsNormEps
        let n = sequence.count - 1
        if n == 0 { return [] }
        let positions = Array(0..<n)
        let shape = AttentionShape(heads: h, kvHeads: kvh, headDim: d)
        var x = NaiveKernels.embedding(table: tensor(p, "model.embed_tokens.weight"), cols: c, tokens: Array(sequence.prefix(n)))
        for l in 0..<config.layerCount {
            let pre = "model.layers.\(l)."
            func lin(_ input: [Double], _ name: String, _ inputs: Int, _ outputs: Int) -> [Double] {
                NaiveKernels.linear(productInput(input), weight: productInput(tensor(p, pre + name + ".weight")),
                                    bias: optionalTensor(p, pre + name + ".bias"), rows: n, inputs: inputs, outputs: outputs)
            }
            let h1 = NaiveKernels.rmsNorm(x, weight: tensor(p, pre + "input_layernorm.weight"), eps: eps, rows: n, cols: c)
            var q = lin(h1, "self_attn.q_proj", c, h * d), k = lin(h1, "self_attn.k_proj", c, kvh * d)
            if config.hasQKNorm {
                // Qwen3: RMSNorm over each head's D values, before RoPE.
                q = NaiveKernels.rmsNorm(q, weight: tensor(p, pre + "self_attn.q_norm.weight"), eps: eps, rows: n * h, cols: d)
                k = NaiveKernels.rmsNorm(k, weight: tensor(p, pre + "self_attn.k_norm.weight"), eps: eps, rows: n * kvh, cols: d)
            }
            if let scaling = config.ropeScaling {
                let inv = scaling.inverseFrequencies(headDim: d, theta: config.ropeTheta).map(Double.init)
                q = NaiveKernels.rope(q, rows: n, heads: h, headDim: d, positions: positions, inverseFrequencies: inv)
                k = NaiveKernels.rope(k, rows: n, heads: kvh, headDim: d, positions: positions, inverseFrequencies: inv)
            } else {
                q = NaiveKernels.rope(q, rows: n, heads: h, headDim: d, positions: positions, theta: config.ropeTheta)
                k = NaiveKernels.rope(k, rows: n, heads: kvh, headDim: d, positions: positions, theta: config.ropeTheta)
            }
            let v = lin(h1, "self_attn.v_proj", c, kvh * d)
            let att = NaiveKernels.causalAttention(q: q, k: k, v: v, rows: n, segments: [AttentionSegment(start: 0, length: n)], shape: shape)
            x = zip(x, lin(att, "self_attn.o_proj", h * d, c)).map(+)
            let h2 = NaiveKernels.rmsNorm(x, weight: tensor(p, pre + "post_attention_layernorm.weight"), eps: eps, rows: n, cols: c)
            let act = NaiveKernels.swiGLU(gate: lin(h2, "mlp.gate_proj", c, i), up: lin(h2, "mlp.up_proj", c, i))
            x = zip(x, lin(act, "mlp.down_proj", i, c)).map(+)
        }
        let xf = NaiveKernels.rmsNorm(x, weight: tensor(p, "model.norm.weight"), eps: eps, rows: n, cols: c)
        let head = tensor(p, config.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight")
        return NaiveKernels.linear(productInput(xf), weight: productInput(head), bias: nil, rows: n, inputs: c, outputs: config.vocabularySize)
    }

    /// Per-prediction log-probs and entropies of every sequence, concatenated.
    func scores(_ p: [Double], sequences: [[Int]], temperature: Double) -> (logProbs: [Double], entropies: [Double]) {
        var lp: [Double] = [], ent: [Double] = []
        for s in sequences where s.count > 1 {
            let r = NaiveKernels.tokenDistribution(logits: logits(p, sequence: s), vocabulary: config.vocabularySize,
                                                   targets: Array(s.dropFirst()), temperature: temperature)
            lp += r.logProbs
            ent += r.entropies
        }
        return (lp, ent)
    }
}
