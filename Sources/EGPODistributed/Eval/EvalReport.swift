import Foundation
import FunctionCalling

/// Accuracy per category and overall, as written to `scores.json`:
/// `{"overall": {...}, "categories": {"simple_python": {...}, ...}}`.
public struct EvalReport: Sendable, Equatable, Codable {
    /// The counts and accuracy of one group of tasks.
    public struct Score: Sendable, Equatable, Codable {
        /// Tasks.
        public var n: Int
        /// Tasks that earned the reward.
        public var correct: Int
        /// correct / n (0 when n is 0).
        public var accuracy: Double
        /// Binomial standard error of the accuracy, sqrt(p (1 - p) / n) with p the accuracy
        /// (0 when n is 0). It is 0 at p = 0 or 1, where the normal approximation says nothing.
        public var stderr: Double
        /// Tasks not sampled because the prompt does not fit (counted as failed).
        public var promptTooLong: Int
        /// Tasks whose completion hit the length limit before `<|eos|>`.
        public var truncated: Int

        enum CodingKeys: String, CodingKey {
            case n, correct, accuracy, stderr, truncated
            case promptTooLong = "prompt_too_long"
        }

        public init(n: Int, correct: Int, promptTooLong: Int = 0, truncated: Int = 0) {
            self.n = n
            self.correct = correct
            self.promptTooLong = promptTooLong
            self.truncated = truncated
            accuracy = n == 0 ? 0 : Double(correct) / Double(n)
            stderr = n == 0 ? 0 : (accuracy * (1 - accuracy) / Double(n)).squareRoot()
        }

        public init(_ outcomes: some Collection<EvalOutcome>) {
            n = outcomes.count
            correct = outcomes.count { $0.passed }
            promptTooLong = outcomes.count { $0.finish == .promptTooLong }
            truncated = outcomes.count { $0.finish == .truncated }
            accuracy = n == 0 ? 0 : Double(correct) / Double(n)
            stderr = n == 0 ? 0 : (accuracy * (1 - accuracy) / Double(n)).squareRoot()
        }
    }

    /// Every task.
    public var overall: Score
    /// Each category present, keyed by its BFCL name (`simple_python`).
    public var categories: [String: Score]
    /// BFCL's summary scores of the categories present (`BFCLAggregates`).
    public var aggregates: [String: BFCLAggregate]
    /// How completions were scored: `own` (the project's answer format and reward) or `bfcl`
    /// (BFCL's prompting mode and checker).
    public var format: String

    /// The report of a set of outcomes.
    public init(outcomes: [EvalOutcome], format: String = "own") {
        overall = Score(outcomes)
        categories = Dictionary(grouping: outcomes, by: \.category.rawValue).mapValues { Score($0) }
        aggregates = BFCLAggregate.all(categories)
        self.format = format
    }

    /// One line per category in `TaskCategory` order, then the overall line:
    /// `simple_python  n=150  acc 0.533 ± 0.041`, with truncated and prompt-too-long counts when
    /// there are any; in the `bfcl` formats, BFCL's summary scores after them.
    public var table: String {
        let names = TaskCategory.allCases.map(\.rawValue).filter { categories[$0] != nil }
        let width = (names + ["overall"]).map(\.count).max()!, countWidth = "n=\(overall.n)".count
        func line(_ name: String, _ s: Score) -> String {
            var text = name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + "n=\(s.n)".padding(toLength: countWidth, withPad: " ", startingAt: 0)
                + "  acc " + String(format: "%.3f ± %.3f", s.accuracy, s.stderr)
            if s.truncated > 0 { text += "  truncated \(s.truncated)" }
            if s.promptTooLong > 0 { text += "  prompt_too_long \(s.promptTooLong)" }
            return text
        }
        var lines = names.map { line($0, categories[$0]!) } + [line("overall", overall)]
        // BFCL's summary lines only where the scores are BFCL's (its prompting mode and checker);
        // the project's own format scores irrelevance more strictly, so its aggregates would not be.
        for name in BFCLAggregate.order where format.hasPrefix("bfcl") && aggregates[name] != nil {
            let a = aggregates[name]!
            lines.append(name.padding(toLength: max(width, 24), withPad: " ", startingAt: 0) + "  "
                         + String(format: "%.3f ± %.3f", a.accuracy, a.stderr) + (a.missing.isEmpty ? "" : "  (missing, counted 0: \(a.missing.joined(separator: ", ")))"))
        }
        return lines.joined(separator: "\n")
    }

    /// `scores.json`: pretty-printed with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
