import Foundation
import Testing
@testable import EGPODistributed

@Suite struct ScheduleTests {
    let schedule = WarmupCosineSchedule(peak: 1e-3, floor: 1e-4, warmupSteps: 10, totalSteps: 110)

    func near(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 1e-6 * max(abs(b), 1e-12) }

    @Test func warmUpRisesLinearlyToThePeak() {
        #expect(near(schedule(0), 1e-4), "step 0: \(schedule(0))")
        #expect(near(schedule(4), 5e-4), "step 4: \(schedule(4))")
        #expect(near(schedule(9), 1e-3), "last warm-up step: \(schedule(9))")
    }

    @Test func cosineGoesFromPeakThroughMidpointToFloor() {
        #expect(near(schedule(10), 1e-3), "decay start: \(schedule(10))")
        #expect(near(schedule(60), 5.5e-4), "midpoint: \(schedule(60))")
        #expect(near(schedule(35), Float(1e-4 + 9e-4 * 0.5 * (1 + cos(Double.pi / 4)))), "quarter: \(schedule(35))")
        #expect(near(schedule(110), 1e-4), "end: \(schedule(110))")
        #expect(near(schedule(500), 1e-4), "after the end: \(schedule(500))")
    }

    @Test func decayIsMonotone() {
        for s in 10..<110 { #expect(schedule(s + 1) <= schedule(s), "step \(s)") }
    }

    @Test func noWarmUpStartsAtPeakAndConstantIsConstant() {
        let s = WarmupCosineSchedule(peak: 2, warmupSteps: 0, totalSteps: 4)
        #expect(s(0) == 2 && near(s(2), 1) && s(4) == 0)
        let c = ConstantSchedule(learningRate: 3e-4)
        #expect(c(0) == 3e-4 && c(123_456) == 3e-4)
        let f: @Sendable (Int) -> Float = schedule.function
        #expect(f(60) == schedule(60))
    }
}
