/// A batch of variable-length token sequences, packed back to back (no padding).
///
/// For training and scoring, sequence s of length n contributes n - 1 predictions:
/// prediction i is log p(tokens[i+1] | tokens[0...i]). The model runs on each sequence's
/// first n - 1 tokens as one causal segment, so sequences never attend to each other.
public struct TokenBatch: Sendable, Equatable {
    /// All sequences concatenated.
    public let tokens: [Int32]
    /// Sequence s is `tokens[sequenceStarts[s] ..< sequenceStarts[s + 1]]`.
    public let sequenceStarts: [Int]
    /// Sequence s's predictions are rows `predictionStarts[s] ..< predictionStarts[s + 1]` of
    /// every per-prediction output (log-probs, entropies, weights).
    public let predictionStarts: [Int]

    /// Packs `sequences`; each must hold at least one token.
    public init(_ sequences: [[Int32]]) {
        var tokens: [Int32] = [], starts = [0], predictions = [0]
        for s in sequences {
            precondition(!s.isEmpty, "TokenBatch: empty sequence \(starts.count - 1)")
            tokens.append(contentsOf: s)
            starts.append(tokens.count)
            predictions.append(predictions.last! + s.count - 1)
        }
        self.tokens = tokens
        sequenceStarts = starts
        predictionStarts = predictions
    }

    /// Rows of sequence `s` in every per-prediction output.
    public func predictionRange(of s: Int) -> Range<Int> { predictionStarts[s] ..< predictionStarts[s + 1] }

    /// Rows of the tokens after the first `promptLength` of sequence `s` (a completion's tokens).
    public func completionRange(of s: Int, promptLength: Int) -> Range<Int> {
        precondition(promptLength >= 1, "completionRange: prompt length \(promptLength) must be at least 1")
        return predictionStarts[s] + promptLength - 1 ..< predictionStarts[s + 1]
    }

    public var sequenceCount: Int { sequenceStarts.count - 1 }
    /// Total predictions (rows the model runs on): sum of (length - 1).
    public var predictionCount: Int { predictionStarts.last! }
    /// Length of the longest sequence.
    public var maxLength: Int { (0..<sequenceCount).map { sequenceStarts[$0 + 1] - sequenceStarts[$0] }.max() ?? 0 }
}
