import CVectorMath
import Foundation
import Testing
import ShardedTensor
import TestSupport

/// CVectorMath's 16-lane kernels: the exp against Double's, and the row kernels against their naive
/// twins at lengths that use the full vectors, the padded tail and both.
@Suite struct VectorMathTests {
    /// Distance in units of the last place of the correctly rounded value.
    private func ulps(_ y: Float, _ exact: Double) -> Double {
        let rounded = Float(exact)
        return abs(Double(y) - exact) / Double(rounded.ulp)
    }

    @Test func expIsWithinTwoUlpsOverItsWholeRange() {
        // Every 1/1024 from -87.3 to 88.7, plus points on either side of each power of two's boundary.
        var x: [Float] = stride(from: -87.3, through: 88.7, by: 1.0 / 1024).map { Float($0) }
        x += [0, -0.0, 1e-30, -1e-30, Float.ulpOfOne, 0.5 * Float(M_LN2), -0.5 * Float(M_LN2), 88.72, -87.33]
        var y = [Float](repeating: 0, count: x.count)
        egpo_exp(x, &y, Int64(x.count))
        var worst = (ulps: 0.0, x: Float(0))
        for (xi, yi) in zip(x, y) {
            let u = ulps(yi, Foundation.exp(Double(xi)))
            if u > worst.ulps { worst = (u, xi) }
        }
        #expect(worst.ulps <= 2, "largest error \(worst.ulps) ulp at x = \(worst.x) (\(x.count) points, \(String(cString: egpo_vector_math_isa())))")
    }

    @Test func expOfEdgeValues() {
        let x: [Float] = [-.infinity, -1000, -88, .infinity, 1000, 89, .nan]
        var y = [Float](repeating: 1, count: x.count)
        egpo_exp(x, &y, Int64(x.count))
        #expect(Array(y[0..<3]) == [0, 0, 0], "below the range: \(y[0..<3])")
        #expect(Array(y[3..<6]) == [.infinity, .infinity, .infinity], "above the range: \(y[3..<6])")
        #expect(y[6].isNaN, "exp(nan) = \(y[6])")
    }

    @Test func theBuildInUseIsNamed() {
        let isa = String(cString: egpo_vector_math_isa())
        #expect(["avx512f", "avx2", "baseline"].contains(isa), "\(isa)")
    }

    @Test(arguments: [1, 5, 16, 17, 31, 32, 40, 1000])
    func softmaxMatchesNaiveAtEveryLength(_ n: Int) {
        let x = randomValues(n, seed: 70 + UInt64(n), scale: 6)
        let p = floats(x)
        let lse = Softmax.forward(p.base, count: n)
        let c = closeness(p.toArray(), NaiveKernels.softmax(x), atol: 1e-7, rtol: 1e-5, label: "softmax of \(n)")
        #expect(c.ok, "\(c)")
        let m = x.max()!
        let want = m + log(x.reduce(0) { $0 + exp($1 - m) })
        #expect(abs(Double(lse) - want) < 2e-6 * max(1, abs(want)), "log-normaliser of \(n): \(lse) vs \(want)")
    }

    @Test(arguments: [1, 16, 23, 49_152])
    func distributionRowMatchesNaive(_ v: Int) {
        let z = randomValues(v, seed: 90 + UInt64(v), scale: 8)
        let fz = floats(z)
        let invT = 1 / 0.7
        let row = TokenDistribution.rowStatistics(fz.base, count: v, inverseTemperature: Float(invT))
        let scaled = z.map { $0 * invT }, m = scaled.max()!
        let s = scaled.reduce(0) { $0 + exp($1 - m) }
        let lse = m + log(s)
        let entropy = -scaled.reduce(0) { $0 + exp($1 - lse) * ($1 - lse) }
        #expect(abs(Double(row.logSumExp) - lse) < 1e-5 * max(1, abs(lse)), "logsumexp of \(v): \(row.logSumExp) vs \(lse)")
        #expect(abs(Double(row.entropy) - entropy) < 2e-5 * max(1, entropy), "entropy of \(v): \(row.entropy) vs \(entropy)")
        #expect(abs(Double(row.sum) - s) < 1e-5 * s, "sum of \(v): \(row.sum) vs \(s)")
    }

    @Test(arguments: [1, 16, 21, 1536])
    func siluMatchesNaiveAtEveryLength(_ n: Int) {
        let g = randomValues(n, seed: 110 + UInt64(n), scale: 12), u = randomValues(n, seed: 111), d = randomValues(n, seed: 112)
        let fg = floats(g), fu = floats(u), fd = floats(d), out = FloatBuffer(count: n), dg = FloatBuffer(count: n), du = FloatBuffer(count: n)
        SwiGLU.forward(gate: fg.matrix(rows: 1, cols: n), up: fu.matrix(rows: 1, cols: n), into: out.matrix(rows: 1, cols: n))
        let c = closeness(out.toArray(), NaiveKernels.swiGLU(gate: g, up: u), atol: 1e-6, rtol: 1e-5, label: "silu of \(n)")
        #expect(c.ok, "\(c)")
        SwiGLU.backward(fd.matrix(rows: 1, cols: n), gate: fg.matrix(rows: 1, cols: n), up: fu.matrix(rows: 1, cols: n),
                        dGate: dg.matrix(rows: 1, cols: n), dUp: du.matrix(rows: 1, cols: n))
        let sig: [Double] = g.map { 1 / (1 + exp(-$0)) }
        let wantUp: [Double] = (0..<n).map { d[$0] * g[$0] * sig[$0] }
        let wantGate: [Double] = (0..<n).map { i -> Double in
            let s = sig[i]
            return d[i] * u[i] * s * (1 + g[i] * (1 - s))
        }
        let cu = closeness(du.toArray(), wantUp, atol: 1e-6, rtol: 1e-5, label: "dUp of \(n)")
        let cg = closeness(dg.toArray(), wantGate, atol: 1e-6, rtol: 1e-5, label: "dGate of \(n)")
        #expect(cu.ok, "\(cu)")
        #expect(cg.ok, "\(cg)")
    }
}
