import Testing
import TestSupport
@testable import EGPODistributed

@Suite struct GradClipTests {
    @Test func sumOfSquaresMatchesNaiveTwin() {
        var state: UInt64 = 99
        let g: [Float] = (0..<10_007).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2000 - 1000) / 300
        }
        g.withUnsafeBufferPointer { b in
            for range in [0..<10_007, 3..<5, 1..<9_999, 8..<8, 5000..<10_007] {
                let fast = GradientClipping.sumOfSquares(b, range: range)
                let naive = GradientClipping.sumOfSquaresNaive(b, range: range)
                #expect(abs(fast - naive) <= 1e-6 * max(naive, 1e-30), "\(range): \(fast) vs \(naive)")
            }
            // Shards add up to the whole: what the all-reduce relies on.
            let parts = [0..<4001, 4001..<7777, 7777..<10_007].map { GradientClipping.sumOfSquares(b, range: $0) }.reduce(0, +)
            let whole = GradientClipping.sumOfSquaresNaive(b, range: 0..<10_007)
            #expect(abs(parts - whole) <= 1e-6 * whole, "\(parts) vs \(whole)")
        }
    }

    @Test func clipCoefficientIsPyTorchs() {
        #expect(GradientClipping.clipCoefficient(globalNorm: 0.5, maxNorm: 1) == 1)
        #expect(GradientClipping.clipCoefficient(globalNorm: 4, maxNorm: 1) == Float(1 / (4 + 1e-6)))
        #expect(GradientClipping.clipCoefficient(globalNorm: 0, maxNorm: 1) == 1)
    }

    @Test func scaleMultipliesOnlyTheRange() {
        var g: [Float] = [1, 2, 3, 4]
        g.withUnsafeMutableBufferPointer { GradientClipping.scale($0, range: 1..<3, by: 0.5) }
        #expect(g == [1, 1, 1.5, 4])
    }
}
