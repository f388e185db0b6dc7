import Testing
import TestSupport

@Suite struct TestSupportTests {
    @Test func finiteDifferencesOfAQuadratic() {
        // f(x) = sum(x_i^2 * (i+1)) has gradient 2 (i+1) x_i.
        let x: [Double] = [0.5, -1.25, 2.0]
        let g = FiniteDifferences.gradient(at: x) { v in v.enumerated().reduce(0) { $0 + $1.element * $1.element * Double($1.offset + 1) } }
        let c = closeness(g, [1.0, -5.0, 12.0], atol: 1e-8, rtol: 1e-8, label: "fd")
        #expect(c.ok, "\(c)")
    }

    @Test func closenessReportsTheWorstMismatch() {
        let c = closeness([1.0, 2.0, 3.5], [1.0, 2.0, 3.0], atol: 1e-3, rtol: 0, label: "x")
        #expect(!c.ok)
        #expect(c.worstIndex == 2)
        #expect(c.mismatches.count == 1)
    }
}
