/// One sampled completion with everything the EGPO objective needs about it (tiny-grpo's
/// `Experience`): the loss below is a pure function of these records and the current log-probs.
///
/// Every per-token array has one entry per completion token. Prompt tokens are never scored;
/// of the completion, `lossMask` says which tokens the loss, the KL and the entropy bonus see:
/// all of them for a single sampled turn (today's rollouts), the policy's own turns but not the
/// tool results injected between them in a multi-turn rollout.
public struct Experience: Sendable, Equatable {
    /// The prompt, as the policy read it.
    public var promptTokens: [Int32]
    /// The sampled completion (its `<|eos|>` included when it stopped).
    public var completionTokens: [Int32]
    /// `thinkMask[t]`: token t lies strictly inside the completion's first closed think block.
    public var thinkMask: [Bool]
    /// Whether the completion has a closed `<think>…</think>` block.
    public var hasClosedThink: Bool
    /// log pi_old(token) at the sampling temperature: the policy that drew the batch.
    public var logpOld: [Float]
    /// log pi_ref(token) under the frozen initial policy; nil when beta = 0 (no reference kept).
    public var logpRef: [Float]?
    /// Full-vocabulary entropy of the sampling distribution at each token (no gradient flows).
    public var entropies: [Float]
    /// `lossMask[t]`: token t was sampled from the policy, so the loss, the KL and the entropy
    /// bonus see it; false for tokens the policy only reads (a tool result inside the completion).
    public var lossMask: [Bool]
    /// The strict binary reward.
    public var reward: Float
    /// The group-relative advantage A (before the entropy bonus).
    public var advantage: Float
    /// Left out of the loss (a zero-std group with `skipZeroStdGroups`).
    public var skipped: Bool

    public init(promptTokens: [Int32], completionTokens: [Int32], thinkMask: [Bool], hasClosedThink: Bool,
                logpOld: [Float], logpRef: [Float]?, entropies: [Float], lossMask: [Bool]? = nil, reward: Float, advantage: Float = 0,
                skipped: Bool = false) {
        let n = completionTokens.count
        precondition(thinkMask.count == n && logpOld.count == n && entropies.count == n && (logpRef?.count ?? n) == n && (lossMask?.count ?? n) == n,
                     "Experience: per-token arrays must have \(n) entries (think \(thinkMask.count), logpOld \(logpOld.count), entropies \(entropies.count), logpRef \(logpRef?.count ?? n), lossMask \(lossMask?.count ?? n))")
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.thinkMask = thinkMask
        self.hasClosedThink = hasClosedThink
        self.logpOld = logpOld
        self.logpRef = logpRef
        self.entropies = entropies
        self.lossMask = lossMask ?? [Bool](repeating: true, count: n)
        self.reward = reward
        self.advantage = advantage
        self.skipped = skipped
    }

    /// Completion tokens, those the loss sees and those it does not.
    public var tokenCount: Int { completionTokens.count }

    /// Tokens the loss sees (`lossMask`): the per-completion length T_i of the aggregation.
    public var lossTokenCount: Int { lossMask.reduce(0) { $1 ? $0 + 1 : $0 } }
}

/// Where a completion's think block lies, from its tokens.
public enum ThinkBlock {
    /// The mask of tokens strictly between the first `open` and the first `close` after it, and
    /// whether such a closed block exists. An unclosed or missing block masks nothing.
    public static func mask(_ tokens: [Int32], open: Int32, close: Int32) -> (mask: [Bool], closed: Bool) {
        var mask = [Bool](repeating: false, count: tokens.count)
        guard let start = tokens.firstIndex(of: open),
              let end = tokens[(start + 1)...].firstIndex(of: close) else { return (mask, false) }
        for t in (start + 1)..<end { mask[t] = true }
        return (mask, true)
    }
}
