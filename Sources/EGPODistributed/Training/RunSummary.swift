import Foundation

/// What a run reports at the end: `summary.json`, `summary.md` and `plot.svg` in its folder.
public struct RunSummary {
    /// A held-out evaluation at some step.
    public struct Evaluation: Codable {
        public var phase: String
        public var step: Int
        public var report: EvalReport
        public var outcomes: [EvalOutcome]

        public init(phase: String, step: Int, report: EvalReport, outcomes: [EvalOutcome]) {
            self.phase = phase
            self.step = step
            self.report = report
            self.outcomes = outcomes
        }
    }

    /// Change in accuracy between two evaluations of the same tasks.
    public struct Gain: Codable, Equatable {
        public var delta: Double
        /// sqrt(se_before^2 + se_after^2): treats the two as independent samples (conservative).
        public var stderrUnpaired: Double
        /// Standard error of the per-task difference (the same tasks before and after).
        public var stderrPaired: Double
        /// delta / stderrPaired: the change in units of its own standard error (the same tasks
        /// are evaluated before and after, so the paired error is the right one; the unpaired one
        /// is reported beside it as a conservative bound).
        public var standardErrors: Double

        enum CodingKeys: String, CodingKey {
            case delta, stderrUnpaired = "stderr_unpaired", stderrPaired = "stderr_paired", standardErrors = "standard_errors"
        }

        public init(before: Evaluation, after: Evaluation) {
            delta = after.report.overall.accuracy - before.report.overall.accuracy
            stderrUnpaired = (pow(before.report.overall.stderr, 2) + pow(after.report.overall.stderr, 2)).squareRoot()
            let passedBefore = Dictionary(before.outcomes.map { ($0.id, $0.passed) }, uniquingKeysWith: { a, _ in a })
            let d = after.outcomes.compactMap { o in passedBefore[o.id].map { Double(o.passed ? 1 : 0) - Double($0 ? 1 : 0) } }
            if d.count > 1 {
                let mean = d.reduce(0, +) / Double(d.count)
                let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count - 1)
                stderrPaired = (variance / Double(d.count)).squareRoot()
            } else {
                stderrPaired = .nan
            }
            standardErrors = stderrPaired > 0 ? delta / stderrPaired : 0
        }
    }

    public var title: String
    public var steps: Int
    public var seconds: Double
    public var worldSize: Int
    public var metrics: [MetricsRecord]
    public var evaluations: [Evaluation]

    public init(title: String, steps: Int, seconds: Double, worldSize: Int, metrics: [MetricsRecord], evaluations: [Evaluation]) {
        self.title = title
        self.steps = steps
        self.seconds = seconds
        self.worldSize = worldSize
        self.metrics = metrics
        self.evaluations = evaluations
    }

    /// Steps skipped because their loss or gradient was NaN or infinite.
    public var skippedNonFiniteSteps: Int { metrics.filter(\.isNonFinite).count }

    var before: Evaluation? { evaluations.first { $0.phase == "before" } }
    var after: Evaluation? { evaluations.first { $0.phase == "after" } }

    public var gain: Gain? {
        guard let before, let after else { return nil }
        return Gain(before: before, after: after)
    }

    /// `summary.json`: steps, seconds, ranks, and each evaluation's overall and per-category scores, and the gain.
    public func json() -> String {
        struct Document: Encodable {
            var title: String
            var steps: Int
            var seconds: Double
            var ranks: Int
            var eval: [String: EvalReport]
            var evalSteps: [String: Int]
            var gain: Gain?
            var skippedNonFinite: Int
            enum CodingKeys: String, CodingKey {
                case title, steps, seconds, ranks, eval, evalSteps = "eval_steps", gain, skippedNonFinite = "skipped_nonfinite_steps"
            }
        }
        var eval: [String: EvalReport] = [:], evalSteps: [String: Int] = [:]
        for e in evaluations where e.phase == "before" || e.phase == "after" {
            eval[e.phase] = e.report
            evalSteps[e.phase] = e.step
        }
        let doc = Document(title: title, steps: steps, seconds: (seconds * 10).rounded() / 10, ranks: worldSize, eval: eval,
                           evalSteps: evalSteps, gain: gain, skippedNonFinite: skippedNonFiniteSteps)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(doc)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    /// `summary.md`: a human-readable account of the same.
    public func markdown() -> String {
        var md = "# \(title)\n\n\(steps) steps in \(String(format: "%.1f", seconds)) s on \(worldSize) rank(s).\n\n"
        if skippedNonFiniteSteps > 0 {
            md += "\(skippedNonFiniteSteps) step(s) skipped because the loss or gradient was NaN or infinite (no update; metrics.jsonl marks them skipped_nonfinite).\n\n"
        }
        if let before, let after {
            md += "## Held-out accuracy\n\n| category | n | before | after | change |\n|---|---|---|---|---|\n"
            let names = Set(before.report.categories.keys).union(after.report.categories.keys).sorted()
            func cell(_ s: EvalReport.Score?) -> String {
                s.map { String(format: "%.3f ± %.3f", $0.accuracy, $0.stderr) } ?? "-"
            }
            for name in names {
                let b = before.report.categories[name], a = after.report.categories[name]
                let change = (a?.accuracy ?? .nan) - (b?.accuracy ?? .nan)
                md += "| \(name) | \(a?.n ?? b?.n ?? 0) | \(cell(b)) | \(cell(a)) | \(String(format: "%+.3f", change)) |\n"
            }
            md += "| **overall** | \(after.report.overall.n) | \(cell(before.report.overall)) | \(cell(after.report.overall)) | \(String(format: "%+.3f", after.report.overall.accuracy - before.report.overall.accuracy)) |\n\n"
            if let g = gain {
                md += String(format: "Change %+.3f: %.2f standard errors of the paired difference (SE %.3f over the same tasks; treating before and after as independent samples, SE %.3f, %.2f SE). ",
                             g.delta, g.standardErrors, g.stderrPaired, g.stderrUnpaired, g.stderrUnpaired > 0 ? g.delta / g.stderrUnpaired : 0)
                md += g.standardErrors > 2 ? "More than two standard errors: a real gain at this budget.\n\n"
                    : "Within two standard errors: not distinguishable from noise at this budget.\n\n"
            }
            md += "Standard errors are binomial, sqrt(p(1-p)/n).\n\n"
        }
        if let last = metrics.last {
            md += "## Last step\n\n"
            let shown: [(String, KeyPath<MetricsRecord, Double?>)] = [
                ("reward_mean", \.rewardMean), ("answer_pass", \.answerPass), ("format_pass", \.formatPass), ("entropy", \.entropy),
                ("entropy_think", \.entropyThink), ("bonus_mean", \.bonusMean), ("kl", \.kl), ("loss", \.loss),
                ("completion_len_mean", \.completionLenMean), ("tokens_per_second", \.tokensPerSecond), ("seconds_step", \.secondsStep),
            ]
            for (name, path) in shown {
                if let v = last[keyPath: path] { md += "- \(name): \(String(format: "%.4g", v))\n" }
            }
        }
        return md
    }

    /// `plot.svg`: reward, held-out accuracy, entropy and KL against the step. Per-step metrics
    /// are drawn faint under their moving average; evaluations as dots with ±1 standard error.
    public func plot() -> String {
        let window = SVGPlot.smoothingWindow(count: metrics.count)
        func series(_ key: KeyPath<MetricsRecord, Double?>, _ label: String) -> SVGPlot.Series {
            SVGPlot.Series(label: label, points: metrics.compactMap { m in m[keyPath: key].map { SVGPlot.Point(Double(m.step), $0) } },
                           smoothing: window)
        }
        // Before and after score every held-out task; the periodic ones (`step-N`) a subset, so
        // they are a series of their own.
        func accuracy(_ evaluations: [Evaluation], _ what: String) -> SVGPlot.Series? {
            guard let n = evaluations.first?.report.overall.n else { return nil }
            return SVGPlot.Series(label: "\(what) \(n) held-out tasks, ± 1 standard error",
                                  points: evaluations.map { SVGPlot.Point(Double($0.step), $0.report.overall.accuracy, error: $0.report.overall.stderr) },
                                  markers: true)
        }
        let periodic = evaluations.filter { $0.phase.hasPrefix("step-") }
        let full = evaluations.filter { !$0.phase.hasPrefix("step-") }
        return SVGPlot(title: title, panels: [
            .init(title: "reward (batch mean)", series: [series(\.rewardMean, "reward"), series(\.answerPass, "answer pass")]),
            .init(title: "held-out accuracy", series: [accuracy(full, "all"), accuracy(periodic, "first")].compactMap { $0 }),
            .init(title: "entropy (nats per token)", series: [series(\.entropy, "all completion tokens"), series(\.entropyThink, "think block")]),
            .init(title: "KL to the reference (k3)", series: [series(\.kl, "kl")]),
        ]).render()
    }
}
