/// Why a completion earned no reward: the kept reason for metrics.
public enum RewardFailure: Sendable, Hashable, CustomStringConvertible {
    /// Not exactly one `<think>…</think>` followed by one `<answer>…</answer>` with only
    /// whitespace around them.
    case format(FormatProblem)
    /// The answer block does not decode in the expected output form.
    case decode
    /// The calls decode but BFCL's checker rejects them.
    case checker(CheckErrorType)

    /// What is wrong with the completion's layout.
    public enum FormatProblem: String, Error, Sendable, Hashable {
        case missingThink = "missing_think"
        case missingAnswer = "missing_answer"
        case repeatedBlock = "repeated_block"
        case textOutsideBlocks = "text_outside_blocks"
        case wrongOrder = "wrong_order"
        case unclosedBlock = "unclosed_block"
    }

    /// A short label for metrics: `format:missing_answer`, `decode`, or the checker's error type.
    public var label: String {
        switch self {
        case .format(let p): "format:\(p.rawValue)"
        case .decode: "decode"
        case .checker(let t): t.rawValue
        }
    }

    public var description: String { label }
}

/// The reward of one completion: 1 when the layout is right and the answer passes BFCL's checker.
public struct Reward: Sendable, Hashable {
    /// nil when the completion earns the reward.
    public var failure: RewardFailure?
    /// The answer's decoded calls, when it decoded.
    public var calls: [FunctionCall]?

    public init(failure: RewardFailure?, calls: [FunctionCall]?) {
        self.failure = failure
        self.calls = calls
    }

    /// 1 or 0.
    public var value: Float { failure == nil ? 1 : 0 }
    public var passed: Bool { failure == nil }

    /// Scores a raw completion for a task.
    ///
    /// The completion must be exactly `<think>…</think>` then `<answer>…</answer>`, with nothing but
    /// whitespace before, between and after. The answer is decoded in `format` and checked with
    /// BFCL's rules; for irrelevance tasks the right answer is no call at all (`[]` in Python form,
    /// an empty answer in tool-call form), and for relevance tasks any call.
    public static func score(completion: String, task: FunctionTask, format: OutputFormat, checker: ASTChecker = ASTChecker()) -> Reward {
        score(split(completion), task: task, checker: checker, decode: format.decode)
    }

    /// Scores an answer already cut from its completion (or the layout problem found instead),
    /// decoding it with `decode`: the shared tail of every answer form (`ChatTemplate.score`).
    public static func score(_ answer: Result<Substring, RewardFailure.FormatProblem>, task: FunctionTask, checker: ASTChecker,
                             decode: (String) throws(DecodeError) -> [FunctionCall]) -> Reward {
        let text: Substring
        switch answer {
        case .failure(let problem): return Reward(failure: .format(problem), calls: nil)
        case .success(let a): text = a
        }
        let calls: [FunctionCall]
        do {
            calls = try decode(String(text))
        } catch {
            return Reward(failure: .decode, calls: nil)
        }
        let verdict = checker.check(calls: calls, task: task)
        return Reward(failure: verdict.errorType.map(RewardFailure.checker), calls: calls)
    }

    /// The answer block's content, or what is wrong with the layout.
    public static func split(_ completion: String) -> Result<Substring, RewardFailure.FormatProblem> {
        let s = Substring(completion)
        func count(_ tag: String) -> Int { s.ranges(of: tag).count }
        let thinkOpen = count("<think>"), thinkClose = count("</think>")
        let answerOpen = count("<answer>"), answerClose = count("</answer>")
        if thinkOpen == 0 && thinkClose == 0 { return .failure(.missingThink) }
        if answerOpen == 0 && answerClose == 0 { return .failure(.missingAnswer) }
        if thinkOpen > 1 || thinkClose > 1 || answerOpen > 1 || answerClose > 1 { return .failure(.repeatedBlock) }
        if thinkOpen != thinkClose || answerOpen != answerClose { return .failure(.unclosedBlock) }
        let to = s.range(of: "<think>")!, tc = s.range(of: "</think>")!
        let ao = s.range(of: "<answer>")!, ac = s.range(of: "</answer>")!
        guard to.upperBound <= tc.lowerBound, tc.upperBound <= ao.lowerBound, ao.upperBound <= ac.lowerBound else {
            return .failure(.wrongOrder)
        }
        let outside = [s[..<to.lowerBound], s[tc.upperBound..<ao.lowerBound], s[ac.upperBound...]]
        if outside.contains(where: { !$0.allSatisfy(\.isWhitespace) }) { return .failure(.textOutsideBlocks) }
        return .success(s[ao.upperBound..<ac.lowerBound])
    }

    /// The answer of a chat-template completion: exactly one `<think>…</think>` with only
    /// whitespace before it; the answer is everything after `</think>` (the Qwen and Llama forms
    /// put their calls there, with no answer block).
    public static func splitAfterThink(_ completion: String) -> Result<Substring, RewardFailure.FormatProblem> {
        let s = Substring(completion)
        let open = s.ranges(of: "<think>").count, close = s.ranges(of: "</think>").count
        if open == 0 && close == 0 { return .failure(.missingThink) }
        if open > 1 || close > 1 { return .failure(.repeatedBlock) }
        if open != close { return .failure(.unclosedBlock) }
        let to = s.range(of: "<think>")!, tc = s.range(of: "</think>")!
        guard to.upperBound <= tc.lowerBound else { return .failure(.wrongOrder) }
        if !s[..<to.lowerBound].allSatisfy(\.isWhitespace) { return .failure(.textOutsideBlocks) }
        return .success(s[tc.upperBound...])
    }
}

/// Counts of rewards by outcome, for metrics: how many passed and how many failed for each reason.
public struct RewardTally: Sendable, Equatable {
    public private(set) var total = 0
    public private(set) var passed = 0
    /// Failure label (`RewardFailure.label`) → count.
    public private(set) var failures: [String: Int] = [:]

    public init() {}

    public mutating func add(_ reward: Reward) {
        total += 1
        if let f = reward.failure { failures[f.label, default: 0] += 1 } else { passed += 1 }
    }

    /// Adds another tally (for example another rank's).
    public mutating func merge(_ other: RewardTally) {
        total += other.total
        passed += other.passed
        for (k, v) in other.failures { failures[k, default: 0] += v }
    }

    /// Fraction passed (0 when empty).
    public var passRate: Double { total == 0 ? 0 : Double(passed) / Double(total) }
}
