import ArgumentParser

/// Range checks for numeric options: every count the command line gives has both bounds, and
/// the error names the flag, the expected form and the value ("--count: expected an integer
/// in 1...4096, got 1000000000").
enum OptionRange {
    /// Largest count of tasks, samples or steps any option accepts.
    static let maxCount = 10_000_000
    /// Largest number of tokens generated per completion.
    static let maxTokens = 1 << 20

    /// Throws unless `min <= value <= max`.
    static func check(_ value: Int, _ flag: String, min: Int = 1, max: Int = maxCount) throws {
        guard value >= min && value <= max else {
            let expected = min == 1 && max == maxCount ? "a positive integer at most \(max)" : "an integer in \(min)...\(max)"
            throw ValidationError("\(flag): expected \(expected), got \(value)")
        }
    }

    /// Throws unless `value` is finite and positive.
    static func positive(_ value: Float, _ flag: String) throws {
        guard value > 0 && value.isFinite else { throw ValidationError("\(flag): expected a positive number, got \(value)") }
    }
}
