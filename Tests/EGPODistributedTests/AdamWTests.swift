import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

@Suite struct AdamWTests {
    static func gradient(_ step: Int, _ n: Int) -> [Float] {
        (0..<n).map { Float(sin(0.91 * Double($0) + 0.3 * Double(step))) }
    }

    static func run(_ optimizer: inout AdamW, params: inout [Float], m: inout [Float], v: inout [Float], steps: Range<Int>) {
        for s in steps {
            let g = gradient(s, params.count)
            params.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { g in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            optimizer.step(parameters: p, gradients: g, firstMoment: m, secondMoment: v,
                                           range: 0..<p.count, learningRate: 0.01)
                        }
                    }
                }
            }
        }
    }

    @Test func resumingFromSavedStateIsBitIdentical() {
        let n = 37
        let start = (0..<n).map { Float($0) * 0.01 - 0.2 }
        var straight = AdamW(.init(beta2: 0.95, weightDecay: 0.1))
        var p1 = start, m1 = [Float](repeating: 0, count: n), v1 = m1
        Self.run(&straight, params: &p1, m: &m1, v: &v1, steps: 0..<6)

        var first = AdamW(.init(beta2: 0.95, weightDecay: 0.1))
        var p2 = start, m2 = [Float](repeating: 0, count: n), v2 = m2
        Self.run(&first, params: &p2, m: &m2, v: &v2, steps: 0..<3)
        let saved = first.state
        #expect(saved == AdamW.State(step: 3))
        var resumed = AdamW(.init(beta2: 0.95, weightDecay: 0.1), state: saved)
        Self.run(&resumed, params: &p2, m: &m2, v: &v2, steps: 3..<6)
        #expect(p1 == p2, "max diff \(zip(p1, p2).map { abs($0 - $1) }.max() ?? 0)")
        #expect(m1 == m2 && v1 == v2)
    }

    @Test func firstStepMovesEachParameterByTheLearningRate() {
        // At step 1 the bias-corrected m / sqrt(v) is sign(g) (up to eps): every parameter moves
        // by lr against its gradient, plus the decoupled decay lr * wd * p.
        var opt = AdamW(.init(weightDecay: 0.5))
        var p: [Float] = [1, -2, 0.5], m: [Float] = [0, 0, 0], v: [Float] = [0, 0, 0]
        let g: [Float] = [0.3, -4, 1e-3]
        p.withUnsafeMutableBufferPointer { pp in
            g.withUnsafeBufferPointer { gg in
                m.withUnsafeMutableBufferPointer { mm in
                    v.withUnsafeMutableBufferPointer { vv in
                        opt.step(parameters: pp, gradients: gg, firstMoment: mm, secondMoment: vv, range: 0..<3, learningRate: 0.1)
                    }
                }
            }
        }
        let expected: [Double] = [1 * 0.95 - 0.1, -2 * 0.95 + 0.1, 0.5 * 0.95 - 0.1 * 1e-3 / (1e-3 + 1e-8)]
        let c = closeness(p, expected, atol: 1e-6, rtol: 1e-6, label: "first step")
        #expect(c.ok, "\(c)")
    }
}
