import Foundation
import ShardedTensor

/// How the sampler draws tokens.
public struct SamplingOptions: Sendable, Equatable {
    /// Take the most probable token (ties to the lowest id) instead of drawing one. Temperature,
    /// top-k, top-p and seed are then ignored, and a token's log-probability and entropy are those
    /// of softmax(logits) at temperature 1: the policy's own distribution, as `score` reports it.
    public var greedy: Bool
    /// Logits are divided by this before the softmax (> 0).
    public var temperature: Float
    /// Keep only the k most probable tokens (nil: all).
    public var topK: Int?
    /// Keep the smallest most-probable set whose probability reaches p, after top-k (nil: all).
    public var topP: Float?
    /// Completion length limit (the stop token, when drawn, counts).
    public var maxNewTokens: Int
    /// Tokens that end a completion; the stop token is kept as its last token.
    public var stopTokens: Set<Int32>
    /// Key of the counter-based generator; draws depend only on (seed, sequence id, token index).
    public var seed: UInt64

    public init(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil, maxNewTokens: Int = 64,
                stopTokens: Set<Int32> = [], seed: UInt64 = 0, greedy: Bool = false) {
        precondition(temperature > 0, "SamplingOptions: temperature \(temperature) must be positive")
        precondition(topK.map { $0 >= 1 } ?? true, "SamplingOptions: topK \(topK!) must be at least 1")
        precondition(topP.map { $0 > 0 && $0 <= 1 } ?? true, "SamplingOptions: topP \(topP!) must be in (0, 1]")
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.maxNewTokens = maxNewTokens
        self.stopTokens = stopTokens
        self.seed = seed
        self.greedy = greedy
    }

    /// Greedy decoding (argmax, ties to the lowest id); see `greedy`.
    public static func greedy(maxNewTokens: Int = 64, stopTokens: Set<Int32> = []) -> SamplingOptions {
        SamplingOptions(maxNewTokens: maxNewTokens, stopTokens: stopTokens, greedy: true)
    }
}

/// One prompt and how many completions to draw from it (a GRPO/EGPO group).
public struct SamplingRequest: Sendable, Equatable {
    public var prompt: [Int32]
    /// G: completions drawn from this prompt; they share the prompt's KV cache.
    public var completionCount: Int
    /// Completion g uses sequence id `firstSequenceId + g` for its random stream; give each
    /// completion in a run a distinct id (e.g. global prompt index * G) so results do not depend
    /// on batching or on which rank samples it.
    public var firstSequenceId: UInt64

    public init(prompt: [Int32], completionCount: Int = 1, firstSequenceId: UInt64) {
        precondition(!prompt.isEmpty, "SamplingRequest: empty prompt")
        precondition(completionCount >= 1, "SamplingRequest: completionCount \(completionCount)")
        self.prompt = prompt
        self.completionCount = completionCount
        self.firstSequenceId = firstSequenceId
    }
}

/// A sampled completion with what the RL objective needs about each token.
public struct Completion: Sendable, Equatable {
    /// Index of its request in the `sample` call.
    public let requestIndex: Int
    public let sequenceId: UInt64
    /// Sampled tokens (prompt not included).
    public var tokens: [Int32]
    /// log-probability of each token under the distribution it was drawn from (temperature,
    /// and top-k/top-p renormalised when set; softmax(logits) at temperature 1 when greedy).
    public var logProbs: [Float]
    /// Full-vocabulary entropy of softmax(logits / temperature) at each token (before top-k/p;
    /// temperature 1 when greedy).
    public var entropies: [Float]
    /// True when it ended on a stop token, false when it hit the length limit.
    public var stopped: Bool
}

/// Draws one token from a row of logits.
enum TokenSampler {
    /// Samples with uniform `u` in (0, 1); returns (token, log-prob under the sampled
    /// distribution, entropy of the full tempered distribution). `work` holds V floats and
    /// `order` V ints of scratch.
    static func draw(logits z: UnsafePointer<Float>, vocabulary v: Int, options: SamplingOptions, u: Double,
                     work p: UnsafeMutablePointer<Float>, order: UnsafeMutablePointer<Int32>) -> (token: Int32, logProb: Float, entropy: Float) {
        if options.greedy { return argmax(logits: z, vocabulary: v) }
        let invT = 1 / options.temperature
        let (lse, entropy, s) = TokenDistribution.rowStatistics(z, count: v, inverseTemperature: invT, exps: p)
        let truncated = (options.topK.map { $0 < v } ?? false) || (options.topP.map { $0 < 1 } ?? false)
        if !truncated {
            // Inverse CDF in vocabulary order, on unnormalised weights.
            let target = Float(u) * s
            var acc: Float = 0, pick = -1
            for i in 0..<v {
                acc += p[i]
                if acc > target && p[i] > 0 { pick = i; break }
            }
            if pick < 0 { pick = (0..<v).last { p[$0] > 0 }! }   // u above the rounded total
            return (Int32(pick), z[pick] * invT - lse, entropy)
        }
        // Sort by probability (ties by id, so the order is deterministic), keep top-k, then the
        // nucleus of the renormalised remainder, and sample from what is kept.
        for i in 0..<v { order[i] = Int32(i) }
        var buffer = UnsafeMutableBufferPointer(start: order, count: v)
        buffer.sort { (a: Int32, b: Int32) -> Bool in
            let pa = p[Int(a)], pb = p[Int(b)]
            return pa > pb || (pa == pb && a < b)
        }
        var kept = min(v, options.topK ?? v)
        var mass: Float = 0
        for j in 0..<kept { mass += p[Int(order[j])] }
        if let topP = options.topP, topP < 1 {
            var acc: Float = 0, j = 0
            while j < kept {
                acc += p[Int(order[j])]
                j += 1
                if acc >= topP * mass { break }
            }
            kept = j
            mass = acc
        }
        let target = Float(u) * mass
        var acc: Float = 0, pick = Int(order[kept - 1])
        for j in 0..<kept {
            acc += p[Int(order[j])]
            if acc > target { pick = Int(order[j]); break }
        }
        return (Int32(pick), logf(p[pick] / mass), entropy)
    }

    /// The most probable token in one O(V) pass (the first maximum, so ties go to the lowest id),
    /// with its log-probability and the entropy under softmax(logits) at temperature 1.
    static func argmax(logits z: UnsafePointer<Float>, vocabulary v: Int) -> (token: Int32, logProb: Float, entropy: Float) {
        var best = 0
        for i in 1..<v where z[i] > z[best] { best = i }
        let row = TokenDistribution.rowStatistics(z, count: v, inverseTemperature: 1)
        return (Int32(best), z[best] - row.logSumExp, row.entropy)
    }
}
