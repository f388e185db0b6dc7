import Foundation
import FunctionCalling

/// One step's metrics: the line `metrics.jsonl` gets for it, and what the console, the summary
/// and the plot read. Fields a phase does not measure stay nil and are left out of the line (SFT
/// has no rewards, EGPO no token count). The JSON keys are the snake_case names in `Key`; a
/// non-finite number is written as null and reads back as nil.
public struct MetricsRecord: Codable, Sendable, Equatable {
    /// The step, 1-based.
    public var step = 0
    /// The data cursor's epoch after the step.
    public var epoch = 0

    // The batch (EGPO).
    public var rewardMean: Double?
    public var rewardStd: Double?
    /// Groups whose rewards were all equal (no learning signal).
    public var fracZeroStd: Double?
    public var formatPass: Double?
    public var answerPass: Double?
    public var advantageMean: Double?
    public var advantageMin: Double?
    public var advantageMax: Double?
    /// Mean entropy of the sampled tokens, and of those inside the think block.
    public var entropy: Double?
    public var entropyThink: Double?
    /// EGPO's entropy bonus per token, and the share of think tokens where the cap |A|/alpha bound.
    public var bonusMean: Double?
    public var bonusCapFrac: Double?
    public var kl: Double?
    public var clipLowFrac: Double?
    public var clipHighFrac: Double?
    public var completionLenMean: Double?
    public var completionLenMin: Double?
    public var completionLenMax: Double?
    public var truncatedFrac: Double?

    // The update (both phases).
    public var loss: Double?
    /// Tokens trained on over all ranks (SFT).
    public var tokens: Int?
    public var gradNorm: Double?
    public var lr: Double?
    /// The largest difference between the sampler's and the training forward's log-probability
    /// of a sampled token (EGPO; rounding level when both agree).
    public var logpGapMax: Double?

    /// Seconds this rank spent per phase of the step, and on the whole step.
    public var seconds: [PhaseClock.Phase: Double] = [:]
    public var secondsStep: Double?
    public var tokensPerSecond: Double?
    /// 1 when the loss or gradient was NaN or infinite and the update was skipped, else 0.
    public var skippedNonFinite: Int?
    /// Accuracy on the held-out subset, on steps where `eval.every` measured it.
    public var heldoutAccuracy: Double?

    public init(step: Int = 0, epoch: Int = 0) {
        self.step = step
        self.epoch = epoch
    }

    /// Whether the step was skipped for a NaN or infinite loss or gradient.
    public var isNonFinite: Bool {
        get { skippedNonFinite == 1 }
        set { skippedNonFinite = newValue ? 1 : 0 }
    }

    /// The number fields in line order, with their JSON keys.
    static let numbers: [(key: String, path: WritableKeyPath<MetricsRecord, Double?> & Sendable)] = [
        ("reward_mean", \.rewardMean), ("reward_std", \.rewardStd), ("frac_zero_std", \.fracZeroStd),
        ("format_pass", \.formatPass), ("answer_pass", \.answerPass), ("advantage_mean", \.advantageMean),
        ("advantage_min", \.advantageMin), ("advantage_max", \.advantageMax), ("entropy", \.entropy),
        ("entropy_think", \.entropyThink), ("bonus_mean", \.bonusMean), ("bonus_cap_frac", \.bonusCapFrac), ("kl", \.kl),
        ("clip_low_frac", \.clipLowFrac), ("clip_high_frac", \.clipHighFrac), ("loss", \.loss),
        ("completion_len_mean", \.completionLenMean), ("completion_len_min", \.completionLenMin),
        ("completion_len_max", \.completionLenMax), ("truncated_frac", \.truncatedFrac), ("grad_norm", \.gradNorm),
        ("lr", \.lr), ("logp_gap_max", \.logpGapMax),
    ]
    /// The fields after the phase seconds, in line order.
    static let closing: [(key: String, path: WritableKeyPath<MetricsRecord, Double?> & Sendable)] = [
        ("seconds_step", \.secondsStep), ("tokens_per_second", \.tokensPerSecond), ("heldout_accuracy", \.heldoutAccuracy),
    ]
    static func secondsKey(_ phase: PhaseClock.Phase) -> String { "seconds_" + phase.rawValue }

    /// A JSON key (the field names are fixed; `seconds_<phase>` are made from the phases).
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        step = try c.decode(Int.self, forKey: Key("step"))
        epoch = try c.decodeIfPresent(Int.self, forKey: Key("epoch")) ?? 0
        for (key, path) in Self.numbers + Self.closing { self[keyPath: path] = try c.decodeIfPresent(Double.self, forKey: Key(key)) }
        tokens = try c.decodeIfPresent(Int.self, forKey: Key("tokens"))
        skippedNonFinite = try c.decodeIfPresent(Int.self, forKey: Key("skipped_nonfinite"))
        for phase in PhaseClock.Phase.allCases {
            if let s = try c.decodeIfPresent(Double.self, forKey: Key(Self.secondsKey(phase))) { seconds[phase] = s }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for (key, value) in fields {
            switch value {
            case .integer(let i): try c.encode(i, forKey: Key(key))
            case .float(let x) where x.isFinite: try c.encode(x, forKey: Key(key))
            default: try c.encodeNil(forKey: Key(key))
            }
        }
    }

    /// The fields that are set, in line order.
    var fields: [(key: String, value: Value)] {
        var out: [(String, Value)] = [("step", .integer(step)), ("epoch", .integer(epoch))]
        for (key, path) in Self.numbers { if let v = self[keyPath: path] { out.append((key, .float(v))) } }
        if let tokens { out.append(("tokens", .integer(tokens))) }
        for phase in PhaseClock.Phase.allCases { if let s = seconds[phase] { out.append((Self.secondsKey(phase), .float(s))) } }
        for (key, path) in Self.closing { if let v = self[keyPath: path] { out.append((key, .float(v))) } }
        if let skippedNonFinite { out.append(("skipped_nonfinite", .integer(skippedNonFinite))) }
        return out
    }

    /// `{"step": 1, "epoch": 0, "reward_mean": 0.25, ...}`: the line `metrics.jsonl` gets, with
    /// numbers in their shortest round-tripping form and non-finite ones as null.
    public var jsonLine: String {
        "{" + fields.map { key, value in
            let v: String
            switch value {
            case .integer(let i): v = "\(i)"
            case .float(let x): v = x.isFinite ? formatNumber(x) : "null"
            default: v = "null"
            }
            return JSON.quoted(key) + ": " + v
        }.joined(separator: ", ") + "}"
    }

    /// A record read back from a `jsonLine`, or nil when the line is not one (not JSON, not an
    /// object, no step, a value of the wrong type).
    public init?(jsonLine line: String) {
        guard let r = try? JSONDecoder().decode(MetricsRecord.self, from: Data(line.utf8)) else { return nil }
        self = r
    }
}

/// Shortest round-tripping decimal of a Double (Swift's description), as JSON.
func formatNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
