@testable import EGPODistributed
import ShardedTensor
import Testing

/// A NaN or infinite gradient changes nothing and is counted; `maxNonFiniteSteps` of them in a
/// row end the loop naming the steps (the multi-rank version, with one rank's gradient poisoned,
/// is in cluster/multirank-faults.sh).
@Suite struct NonFiniteStepTests {
    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func aNonFiniteGradientLeavesParametersMomentsAndStepCountAlone(poison: Float) {
        let layout = tinyConfig(bias: true).parameterLayout
        var step = TrainerConfig.Optimizer().step(layout: layout, totalSteps: 10)
        let parameters = FloatBuffer(testValues(layout.totalCount, seed: 5).map { Float($0) })
        let good = FloatBuffer(testValues(layout.totalCount, seed: 6).map { Float($0) })
        #expect(step.apply(parameters: parameters, gradients: good).applied)
        let (p, m, v) = (parameters.toArray(), step.firstMoment.toArray(), step.secondMoment.toArray())
        var values = testValues(layout.totalCount, seed: 7).map { Float($0) }
        values[layout.totalCount / 2] = poison
        let report = step.apply(parameters: parameters, gradients: FloatBuffer(values))
        #expect(!report.applied && !report.gradNorm.isFinite)
        #expect(parameters.toArray() == p && step.firstMoment.toArray() == m && step.secondMoment.toArray() == v)
        #expect(step.adam.step == 1)
        // The learning rate reported is the one the next real update will use.
        #expect(report.learningRate == step.schedule(1))
    }

    static func record(step: Int, nonFinite: Bool) -> MetricsRecord {
        var m = MetricsRecord(step: step)
        m.isNonFinite = nonFinite
        return m
    }

    @Test func stepsInARowEndTheLoopAndAFiniteStepResetsTheCount() throws {
        let poisoned: Set<Int> = [1, 2, 4, 5, 6]   // 0-based: steps 2, 3, then 5, 6, 7 in a row
        var saved: [Int] = []
        let loop = TrainingLoop(steps: 10, saveEvery: 1, maxNonFiniteSteps: 3, folder: nil, log: nil, onProgress: { _ in })
        #expect(throws: TrainingError.nonFiniteSteps(first: 5, last: 7, limit: 3)) {
            try loop.run({ s in Self.record(step: s + 1, nonFinite: poisoned.contains(s)) }, save: { done, _ in saved.append(done) })
        }
        // Checkpoints up to the step before the one that ended the run; none after it.
        #expect(saved == [1, 2, 3, 4, 5, 6])
        #expect("\(TrainingError.nonFiniteSteps(first: 5, last: 7, limit: 3))".hasPrefix(
            "steps 5-7: the loss or gradient was NaN or infinite in 3 steps in a row (run.maxNonFiniteSteps 3); each was skipped, so the parameters are those after step 4"))
        let tolerant = TrainingLoop(steps: 10, saveEvery: 0, maxNonFiniteSteps: 4, folder: nil, log: nil, onProgress: { _ in })
        #expect(try tolerant.run({ s in Self.record(step: s + 1, nonFinite: poisoned.contains(s)) }, save: { _, _ in }) == .finished)
    }

    @Test func theSummaryCountsSkippedSteps() {
        let metrics = (1...6).map { Self.record(step: $0, nonFinite: $0 == 2 || $0 == 5) }
        let summary = RunSummary(title: "t", steps: 6, seconds: 1, worldSize: 2, metrics: metrics, evaluations: [])
        #expect(summary.skippedNonFiniteSteps == 2)
        #expect(summary.json().contains("\"skipped_nonfinite_steps\" : 2"))
        #expect(summary.markdown().contains("2 step(s) skipped because the loss or gradient was NaN or infinite"))
    }

    @Test func maxNonFiniteStepsIsChecked() {
        #expect(throws: ConfigError.self) {
            try TrainerConfig.resolve(file: nil, overrides: [.init(key: "run.maxNonFiniteSteps", value: "0")])
        }
    }
}
