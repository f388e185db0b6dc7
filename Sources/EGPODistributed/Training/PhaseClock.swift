import ShardedTensor

/// Wall-clock seconds per phase of a step.
public struct PhaseClock: Sendable {
    public enum Phase: String, CaseIterable, Sendable {
        case sampling, reward, scoring, reference, backward, waiting, communication, optimizer, evaluation, checkpoint
    }

    public private(set) var seconds: [Phase: Double] = [:]

    public init() {}

    /// Runs `body`, adding its duration to `phase`.
    public mutating func measure<R>(_ phase: Phase, _ body: () throws -> R) rethrows -> R {
        let start = ContinuousClock.now
        defer { seconds[phase, default: 0] += (ContinuousClock.now - start).seconds }
        return try body()
    }

    public subscript(_ phase: Phase) -> Double { seconds[phase] ?? 0 }

    public var total: Double { seconds.values.reduce(0, +) }
}
