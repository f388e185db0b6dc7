import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

@Suite struct DataCursorTests {
    @Test func anEpochVisitsEveryTaskOnceWhateverTheBatchSize() throws {
        for batch in [1, 3, 7, 10] {
            var cursor = DataCursor(shuffleSeed: 9)
            var seen: [Int] = []
            while seen.count < 10 { seen += try cursor.next(batch, of: 10) }
            #expect(Set(seen.prefix(10)).count == 10, "batch \(batch): \(seen.prefix(10))")
            // The order is a property of (seed, epoch), not of how it was cut into batches.
            #expect(Array(seen.prefix(10)) == DataCursor.order(count: 10, seed: 9, epoch: 0))
        }
        var cursor = DataCursor(shuffleSeed: 9)
        let two = try cursor.next(25, of: 10)
        #expect(cursor.epoch == 2 && cursor.position == 5)
        #expect(Array(two[10..<20]) == DataCursor.order(count: 10, seed: 9, epoch: 1))
        #expect(DataCursor.order(count: 10, seed: 9, epoch: 0) != DataCursor.order(count: 10, seed: 9, epoch: 1))
    }

    @Test func sharesCoverTheBatchInOrder() {
        for count in [0, 1, 7, 64] {
            for size in [1, 2, 3, 8] {
                let ranges = (0..<size).map { ShardLayout(count: count, worldSize: size).range(rank: $0) }
                #expect(ranges.first!.lowerBound == 0 && ranges.last!.upperBound == count)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                #expect(ranges.map(\.count).max()! - ranges.map(\.count).min()! <= 1)
            }
        }
    }
}

@Suite struct RunSummaryTests {
    func evaluation(_ phase: String, passed: [Bool]) -> RunSummary.Evaluation {
        let outcomes = passed.enumerated().map { i, p in
            EvalOutcome(id: "simple_python_\(i)", category: .simplePython, completion: "", result: "", passed: p,
                        failure: p ? "" : "decode", completionTokens: 3, finish: .stopped)
        }
        return RunSummary.Evaluation(phase: phase, step: phase == "before" ? 0 : 10, report: EvalReport(outcomes: outcomes), outcomes: outcomes)
    }

    @Test func gainHasUnpairedAndPairedStandardErrors() throws {
        // 100 tasks: 40 pass before; after, 10 more pass and none regress.
        let before = (0..<100).map { $0 < 40 }, after = (0..<100).map { $0 < 50 }
        let g = RunSummary.Gain(before: evaluation("before", passed: before), after: evaluation("after", passed: after))
        #expect(abs(g.delta - 0.10) < 1e-12)
        let unpaired = (0.4 * 0.6 / 100 + 0.5 * 0.5 / 100).squareRoot()
        #expect(abs(g.stderrUnpaired - unpaired) < 1e-12)
        // d is 1 on 10 tasks, 0 elsewhere: sample variance 0.1 * 0.9 * 100 / 99.
        #expect(abs(g.stderrPaired - (0.09 * 100 / 99 / 100).squareRoot()) < 1e-12)
        #expect(abs(g.standardErrors - 0.10 / (0.09 * 100 / 99 / 100).squareRoot()) < 1e-9)
    }

    @Test func filesNameWhatTheyShow() throws {
        var m = MetricsRecord(step: 1)
        m.rewardMean = 0.25
        m.kl = .nan
        m.entropy = 0.5
        m.entropyThink = 0.75
        m.seconds[.sampling] = 2
        m.isNonFinite = false
        #expect(m.jsonLine == #"{"step": 1, "epoch": 0, "reward_mean": 0.25, "entropy": 0.5, "entropy_think": 0.75, "kl": null, "seconds_sampling": 2, "skipped_nonfinite": 0}"#)
        // Read back: the same record, with the null as nil; a line that is not a record is nil.
        var back = m
        back.kl = nil
        #expect(MetricsRecord(jsonLine: m.jsonLine) == back)
        #expect(MetricsRecord(jsonLine: "not json") == nil && MetricsRecord(jsonLine: #"{"epoch": 1}"#) == nil)
        #expect(MetricsRecord(jsonLine: #"{"step": 1, "kl": "high"}"#) == nil)
        let s = RunSummary(title: "t <&>", steps: 1, seconds: 2, worldSize: 2, metrics: [m],
                           evaluations: [evaluation("before", passed: [true, false]), evaluation("after", passed: [true, true])])
        let svg = s.plot()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        for title in ["reward", "held-out accuracy", "entropy", "KL"] { #expect(svg.contains(title)) }
        #expect(svg.contains("t &lt;&amp;&gt;"))
        let json = try JSONSerialization.jsonObject(with: Data(s.json().utf8)) as! [String: Any]
        #expect(json["steps"] as? Int == 1 && json["ranks"] as? Int == 2)
        #expect(((json["eval"] as! [String: Any])["after"] as! [String: Any])["overall"] != nil)
        let md = s.markdown()
        #expect(md.contains("| simple_python | 2 | 0.500 ± 0.354 | 1.000 ± 0.000 | +0.500 |"), "\(md)")
    }
}

@Suite struct PassRateFilterTests {
    @Test func keepsTasksStrictlyBetweenZeroAndOne() {
        let r = PassRateFilter.Result(passes: [0, 3, 8, 1, 8, 0, 7], k: 8)
        #expect(r.kept == [1, 3, 6])
        #expect(r.histogram == [2, 1, 0, 1, 0, 0, 0, 1, 2])
    }
}
