import Foundation
import FunctionCalling
import Testing
@testable import EGPODistributed

/// The pieces of `plot.svg` a reader sees: round ticks, the moving average, a line equal to
/// another named instead of drawn, error bars on evaluations.
@Suite struct SVGPlotTests {
    func expectClose(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12, sourceLocation: SourceLocation = #_sourceLocation) {
        let worst = a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
        #expect(worst <= tolerance, "\(a) vs \(b): largest difference \(worst)", sourceLocation: sourceLocation)
    }

    @Test func ticksFallOnRoundValuesInsideTheRange() {
        #expect(SVGPlot.ticks(from: 0, to: 63, maxCount: 8) == [0, 10, 20, 30, 40, 50, 60])
        #expect(SVGPlot.ticks(from: 0, to: 63, maxCount: 4) == [0, 20, 40, 60])
        let small = SVGPlot.ticks(from: 0.0484, to: 0.212)
        expectClose(small, [0.05, 0.10, 0.15, 0.20])
        #expect(SVGPlot.tickLabels(small) == ["0.05", "0.10", "0.15", "0.20"])
        // The old axis of the issue: -3 ... 63 became -3, 14, 30, 46, 63.
        #expect(SVGPlot.tickLabels(SVGPlot.ticks(from: -3.15, to: 66.15)) == ["0", "10", "20", "30", "40", "50", "60"])
        // A boundary that is a tick despite rounding (0.6 / 0.2 = 2.9999999999999996), and no "-0".
        #expect(SVGPlot.tickLabels(SVGPlot.ticks(from: -0.03, to: 0.6)) == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"])
        #expect(SVGPlot.tickLabels(SVGPlot.ticks(from: 0.00013, to: 0.00341, maxCount: 6)) == ["0.0005", "0.0010", "0.0015", "0.0020", "0.0025", "0.0030"])
        for (lo, hi) in [(0.37, 0.43), (-1.7, 2.2), (12.0, 13_417.0), (1e-7, 9e-6)] {
            let t = SVGPlot.ticks(from: lo, to: hi, maxCount: 6)
            #expect((2...6).contains(t.count), "\(lo)...\(hi): \(t)")
            #expect(t.first! >= lo && t.last! <= hi, "\(lo)...\(hi): \(t)")
            let step = t[1] - t[0]
            #expect(t.first! - lo < step && hi - t.last! < step, "\(lo)...\(hi): \(t) leaves a gap of a whole step")
        }
        #expect(SVGPlot.ticks(from: 5, to: 5) == [5])
    }

    @Test func movingAverageIsCentredAndShrinksAtTheEnds() {
        expectClose(SVGPlot.movingAverage([0, 0, 3, 0, 0], window: 3), [0, 1, 1, 1, 0])
        expectClose(SVGPlot.movingAverage([1, 2, 3, 4], window: 5), [2, 2.5, 2.5, 3])
        expectClose(SVGPlot.movingAverage([1, 5, 2], window: 1), [1, 5, 2])
        #expect(SVGPlot.movingAverage([], window: 7).isEmpty)
        #expect(SVGPlot.smoothingWindow(count: 5) == 1)
        #expect(SVGPlot.smoothingWindow(count: 60) == 7)
        #expect(SVGPlot.smoothingWindow(count: 63) == 7)
    }

    @Test func aLineEqualToAnEarlierOneIsFoundSoItIsNotDrawnOnTop() {
        let reward = (1...5).map { SVGPlot.Point(Double($0), 0.1 * Double($0)) }
        let answer = reward.map { SVGPlot.Point($0.x, $0.y * (1 + 1e-12)) }
        let other = reward.map { SVGPlot.Point($0.x, $0.y + 0.01) }
        let shifted = reward.map { SVGPlot.Point($0.x + 1, $0.y) }
        #expect(SVGPlot.sameLine(reward, answer))
        #expect(!SVGPlot.sameLine(reward, other) && !SVGPlot.sameLine(reward, shifted) && !SVGPlot.sameLine(reward, Array(reward.prefix(4))))
        #expect(!SVGPlot.sameLine([], []))
        let series = [reward, other, answer, answer].enumerated().map { SVGPlot.Series(label: "s\($0.offset)", points: $0.element) }
        #expect(SVGPlot.duplicates(series) == [nil, nil, 0, 0])
    }

    @Test func realisticRunReadsAsIntended() throws {
        let summary = try Self.realisticSummary()
        let svg = summary.plot()
        // Evaluations with a standard error get a bar each; the reward's twin is named, not drawn.
        #expect(svg.components(separatedBy: "class=\"error-bar\"").count - 1 == 2)
        #expect(svg.contains("0.384 ± 0.022") && svg.contains("0.416 ± 0.022"), "the values beside the dots")
        #expect(svg.contains("answer pass (= reward)"))
        #expect(svg.components(separatedBy: "class=\"moving-average\"").count - 1 == 4, "reward, entropy, think entropy, kl")
        #expect(svg.contains("moving average over 7 steps"))
        for tick in [">0<", ">10<", ">60<"] { #expect(svg.contains(tick), "x tick \(tick)") }
        #expect(!svg.contains(">63<") && !svg.contains(">14<"))
        // EGPO_PLOT_SVG=FILE keeps the chart for a person to look at (e.g. rsvg-convert FILE -o plot.png).
        if let out = ProcessInfo.processInfo.environment["EGPO_PLOT_SVG"] {
            try svg.write(toFile: out, atomically: true, encoding: .utf8)
        }
    }

    /// A run as `launcher train` records it (63 steps, 8 x 8 completions, answer pass equal to the
    /// reward, before and after on 500 held-out tasks), read back from a metrics.jsonl.
    static func realisticSummary() throws -> RunSummary {
        var generator = SplitMix64(seed: 7)
        func normal() -> Double {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &generator), v = Double.random(in: 0..<1, using: &generator)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        var lines: [String] = []
        for step in 1...63 {
            let t = Double(step) / 63
            // The mean of 64 binary rewards: about 0.4 rising to 0.5, with sampling noise.
            let reward = (min(1, max(0, 0.4 + 0.1 * t + 0.12 * normal())) * 64).rounded() / 64
            var m = MetricsRecord(step: step)
            m.rewardMean = reward
            m.answerPass = reward
            m.formatPass = min(1, reward + 0.3)
            m.entropy = 0.95 - 0.15 * t + 0.03 * normal()
            m.entropyThink = 1.2 - 0.1 * t + 0.05 * normal()
            m.kl = max(0, 0.003 * t + 0.0004 * normal())
            lines.append(m.jsonLine)
        }
        let metrics = lines.compactMap { MetricsRecord(jsonLine: $0) }
        func evaluation(_ phase: String, step: Int, passing: Int) -> RunSummary.Evaluation {
            let outcomes = (0..<500).map { i in
                EvalOutcome(id: "simple_python_\(i)", category: .simplePython, completion: "", result: "", passed: i < passing,
                            failure: i < passing ? "" : "decode", completionTokens: 3, finish: .stopped)
            }
            return RunSummary.Evaluation(phase: phase, step: step, report: EvalReport(outcomes: outcomes), outcomes: outcomes)
        }
        return RunSummary(title: "EGPO, lambda 0.4, seed 1", steps: 63, seconds: 600, worldSize: 2, metrics: metrics,
                          evaluations: [evaluation("before", step: 0, passing: 192), evaluation("after", step: 63, passing: 208)])
    }
}
