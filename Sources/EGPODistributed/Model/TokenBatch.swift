import ShardedTensor

/// A batch of token sequences laid out as the rows the model runs on, packed back to back (no
/// padding).
///
/// Sequence s of length n contributes n - 1 predictions: prediction i is
/// log p(tokens[i+1] | tokens[0...i]). Each row is one prediction: its input token, its target,
/// its position, and the attention segment it belongs to, so sequences never attend to each other.
///
/// Two layouts:
/// - `init(_:)`: every sequence is its own causal segment (rows = its first n - 1 tokens).
/// - `init(sharedPrompts:)`: the G completions of a prompt share one run of the prompt. The
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
            b.sequence(b.segment(tokens, firstPosition: 0, prefix: nil), firstPrediction: 0)
        }
        self.init(b)
    }

    /// Packs groups of completions that share a prompt; sequence order is the groups' completions
    /// in order. Prompts and completions must hold at least one token.
    public init(sharedPrompts groups: [(prompt: [Int32], completions: [[Int32]])]) {
        var b = Builder()
        for (gi, group) in groups.enumerated() {
            let m = group.prompt.count
            precondition(m >= 1, "TokenBatch: empty prompt in group \(gi)")
            // The prompt's rows: tokens 0..<m-1 predicting 1..<m (an empty segment when m == 1).
            let prefix = b.segment(group.prompt, firstPosition: 0, prefix: nil)
            for (ci, completion) in group.completions.enumerated() {
                precondition(!completion.isEmpty, "TokenBatch: empty completion \(ci) in group \(gi)")
                let rows = b.segment([group.prompt[m - 1]] + completion, firstPosition: m - 1, prefix: prefix.isEmpty ? nil : prefix)
                b.sequence(rows, firstPrediction: m - 1)
            }
        }
        self.init(b)
    }

    private init(_ b: Builder) {
        inputs = b.inputs
        targets = b.targets
        positions = b.positions
        segments = b.segments
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
        var sequenceRows: [Range<Int>] = [], firstPrediction: [Int] = []
        var maxLength = 0

        /// Appends the rows of `tokens` (all but the last as inputs) as one segment.
        mutating func segment(_ tokens: [Int32], firstPosition: Int, prefix: Range<Int>?) -> Range<Int> {
            let start = inputs.count
            for i in 0 ..< tokens.count - 1 {
                inputs.append(tokens[i])
                targets.append(tokens[i + 1])
                positions.append(Int32(firstPosition + i))
            }
            let rows = start ..< inputs.count
            segments.append(AttentionSegment(start: start, length: rows.count, prefixStart: prefix?.lowerBound ?? 0,
                                             prefixLength: prefix?.count ?? 0))
            maxLength = max(maxLength, firstPosition + tokens.count)
            return rows
        }

        mutating func sequence(_ rows: Range<Int>, firstPrediction first: Int) {
            sequenceRows.append(rows)
            firstPrediction.append(first)
        }
    }
}
