import ShardedTensor

/// A batch of token sequences laid out as the rows the model runs on, packed back to back (no
/// padding).
///
/// Sequence s of length n contributes n - 1 predictions: prediction i is
/// log p(tokens[i+1] | tokens[0...i]). Each row is one prediction: its input token, its target,
/// its position, and the attention segment it belongs to, so sequences never attend to each other.
///
/// `lossMask` marks the rows whose prediction a loss sees (and with it the KL and the entropy
/// bonus): a completion's tokens, all of them or those its per-token mask keeps (a multi-turn
/// completion leaves out the tool results injected between the policy's turns). Prompt rows are
/// never in it. The trainers put their per-row loss weights on these rows only.
///
/// Three layouts:
/// - `init(_:)`: every sequence is its own causal segment (rows = its first n - 1 tokens), and
///   every row is in the loss mask (the sequence is all completion after its first token).
/// - `init(prompts:completions:lossMasks:)`: prompt + completion, each pair its own segment.
/// - `init(sharedPrompts:lossMasks:)`: the G completions of a prompt share one run of the prompt. The
///   prompt's first m - 1 tokens are one segment; each completion is a segment of its last
///   prompt token and its tokens but the last, which sees the prompt's rows as a prefix. Every
///   row of a completion's segment is a completion prediction, and the prompt runs once instead of
///   G times; the prompt's key/value gradients sum over the G completions in the attention backward.
public struct TokenBatch: Sendable, Equatable {
    /// Input token of each row.
    public let inputs: [Int32]
    /// The token each row predicts.
    public let targets: [Int32]
    /// Position of each row's input in its sequence (RoPE).
    public let positions: [Int32]
    public let segments: [AttentionSegment]
    /// Whether each row's prediction is in the loss (a completion token its mask keeps).
    public let lossMask: [Bool]
    /// Rows holding sequence s's own predictions, in order.
    let sequenceRows: [Range<Int>]
    /// Index, among sequence s's n - 1 predictions, of its first row (0, or m - 1 when its m
    /// prompt tokens run in a shared segment).
    let firstPrediction: [Int]
    /// Tokens of the longest sequence (prefix included).
    public let maxLength: Int

    /// Packs `sequences`, each its own segment; each must hold at least one token.
    public init(_ sequences: [[Int32]]) {
        var b = Builder()
        for (s, tokens) in sequences.enumerated() {
            precondition(!tokens.isEmpty, "TokenBatch: empty sequence \(s)")
            b.sequence(b.segment(tokens, firstPosition: 0, prefix: nil), firstPrediction: 0, completionMask: nil)
        }
        self.init(b)
    }

    /// Packs each prompt followed by its completion as one segment; the rows of completion `s`'s
    /// tokens are in the loss mask where `lossMasks[s]` is true (nil: all of them). Prompts and
    /// completions must hold at least one token.
    public init(prompts: [[Int32]], completions: [[Int32]], lossMasks: [[Bool]]? = nil) {
        precondition(prompts.count == completions.count && (lossMasks?.count ?? completions.count) == completions.count,
                     "TokenBatch: \(prompts.count) prompts, \(completions.count) completions, \(lossMasks?.count ?? completions.count) loss masks")
        var b = Builder()
        for (s, (prompt, completion)) in zip(prompts, completions).enumerated() {
            precondition(!prompt.isEmpty && !completion.isEmpty, "TokenBatch: empty prompt or completion \(s)")
            b.sequence(b.segment(prompt + completion, firstPosition: 0, prefix: nil), firstPrediction: 0,
                       completionMask: Self.mask(lossMasks?[s], count: completion.count, sequence: s))
        }
        self.init(b)
    }

    /// Packs groups of completions that share a prompt; sequence order is the groups' completions
    /// in order, and `lossMasks` (nil: every completion token) has one mask per sequence in that
    /// order. Prompts and completions must hold at least one token.
    public init(sharedPrompts groups: [(prompt: [Int32], completions: [[Int32]])], lossMasks: [[Bool]]? = nil) {
        precondition(lossMasks == nil || lossMasks!.count == groups.reduce(0) { $0 + $1.completions.count },
                     "TokenBatch: \(lossMasks?.count ?? 0) loss masks for \(groups.reduce(0) { $0 + $1.completions.count }) completions")
        var b = Builder()
        var s = 0
        for (gi, group) in groups.enumerated() {
            let m = group.prompt.count
            precondition(m >= 1, "TokenBatch: empty prompt in group \(gi)")
            // The prompt's rows: tokens 0..<m-1 predicting 1..<m (an empty segment when m == 1).
            let prefix = b.segment(group.prompt, firstPosition: 0, prefix: nil)
            for (ci, completion) in group.completions.enumerated() {
                precondition(!completion.isEmpty, "TokenBatch: empty completion \(ci) in group \(gi)")
                let rows = b.segment([group.prompt[m - 1]] + completion, firstPosition: m - 1, prefix: prefix.isEmpty ? nil : prefix)
                b.sequence(rows, firstPrediction: m - 1, completionMask: Self.mask(lossMasks?[s], count: completion.count, sequence: s))
                s += 1
            }
        }
        self.init(b)
    }

    /// The loss mask of a completion of `count` tokens: `mask`, checked, or all of them.
    private static func mask(_ mask: [Bool]?, count: Int, sequence s: Int) -> [Bool] {
        guard let mask else { return [Bool](repeating: true, count: count) }
        precondition(mask.count == count, "TokenBatch: loss mask of \(mask.count) entries for completion \(s) of \(count) tokens")
        return mask
    }

    private init(_ b: Builder) {
        inputs = b.inputs
        targets = b.targets
        positions = b.positions
        segments = b.segments
        lossMask = b.lossMask
        sequenceRows = b.sequenceRows
        firstPrediction = b.firstPrediction
        maxLength = b.maxLength
    }

    /// Rows of sequence `s`'s predictions; only in the unshared layout, where they are all its own.
    public func predictionRange(of s: Int) -> Range<Int> {
        precondition(firstPrediction[s] == 0, "predictionRange: sequence \(s) shares its prompt's rows")
        return sequenceRows[s]
    }

    /// Rows of the tokens after the first `promptLength` of sequence `s` (a completion's tokens).
    public func completionRange(of s: Int, promptLength: Int) -> Range<Int> {
        let skip = promptLength - 1 - firstPrediction[s]
        precondition(promptLength >= 1 && skip >= 0 && skip <= sequenceRows[s].count,
                     "completionRange: prompt length \(promptLength) for sequence \(s), whose rows start at prediction \(firstPrediction[s])")
        return sequenceRows[s].lowerBound + skip ..< sequenceRows[s].upperBound
    }

    public var sequenceCount: Int { sequenceRows.count }
    /// Rows the model runs on (one prediction each).
    public var predictionCount: Int { inputs.count }

    private struct Builder {
        var inputs: [Int32] = [], targets: [Int32] = [], positions: [Int32] = []
        var segments: [AttentionSegment] = []
        var lossMask: [Bool] = []
        var sequenceRows: [Range<Int>] = [], firstPrediction: [Int] = []
        var maxLength = 0

        /// Appends the rows of `tokens` (all but the last as inputs) as one segment.
        mutating func segment(_ tokens: [Int32], firstPosition: Int, prefix: Range<Int>?) -> Range<Int> {
            let start = inputs.count
            for i in 0 ..< tokens.count - 1 {
                inputs.append(tokens[i])
                targets.append(tokens[i + 1])
                positions.append(Int32(firstPosition + i))
                lossMask.append(false)
            }
            let rows = start ..< inputs.count
            segments.append(AttentionSegment(start: start, length: rows.count, prefixStart: prefix?.lowerBound ?? 0,
                                             prefixLength: prefix?.count ?? 0))
            maxLength = max(maxLength, firstPosition + tokens.count)
            return rows
        }

        /// Records a sequence's rows; its last rows predict its completion's tokens, which join the
        /// loss mask where `completionMask` says (nil: every row of the sequence, `init(_:)`; an
        /// array: one entry per completion token, the last rows).
        mutating func sequence(_ rows: Range<Int>, firstPrediction first: Int, completionMask: [Bool]?) {
            sequenceRows.append(rows)
            firstPrediction.append(first)
            let mask = completionMask ?? [Bool](repeating: true, count: rows.count)
            for (t, keep) in mask.enumerated() { lossMask[rows.upperBound - mask.count + t] = keep }
        }
    }
}
