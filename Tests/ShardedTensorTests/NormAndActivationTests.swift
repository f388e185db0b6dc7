import Testing
import ShardedTensor
import TestSupport

@Suite struct NormAndActivationTests {
    @Test func rmsNormMatchesNaiveAndFiniteDifferences() {
        let n = 3, c = 8, eps = 1e-5
        let x = randomValues(n * c, seed: 20), w = randomValues(c, seed: 21).map { 1 + 0.5 * $0 }, dy = randomValues(n * c, seed: 22)
        let fx = floats(x), fw = floats(w), fy = FloatBuffer(count: n * c), rstd = FloatBuffer(count: n)
        let xv = fx.matrix(rows: n, cols: c)
        RMSNorm.forward(xv, weight: fw.base, eps: Float(eps), into: fy.matrix(rows: n, cols: c), rstd: rstd.base)
        let cy = closeness(fy.toArray(), NaiveKernels.rmsNorm(x, weight: w, eps: eps, rows: n, cols: c), atol: 1e-5, rtol: 1e-5, label: "rmsnorm forward")
        #expect(cy.ok, "\(cy)")

        let dx = FloatBuffer([Float](repeating: 1, count: n * c)), dw = FloatBuffer([Float](repeating: 1, count: c))
        let upstream = floats(dy)
        RMSNorm.backward(upstream.matrix(rows: n, cols: c), x: xv, weight: fw.base, rstd: rstd.base,
                         dx: dx.matrix(rows: n, cols: c), dWeight: dw.base)
        let gx = fdGradient(x, upstream: dy) { NaiveKernels.rmsNorm($0, weight: w, eps: eps, rows: n, cols: c) }
        let gw = fdGradient(w, upstream: dy) { NaiveKernels.rmsNorm(x, weight: $0, eps: eps, rows: n, cols: c) }
        let cx = closeness(dx.toArray(), gx.map { $0 + 1 }, atol: 1e-4, rtol: 1e-4, label: "rmsnorm dx")
        let cw = closeness(dw.toArray(), gw.map { $0 + 1 }, atol: 1e-4, rtol: 1e-4, label: "rmsnorm dw")
        #expect(cx.ok, "\(cx)")
        #expect(cw.ok, "\(cw)")
    }

    /// Kernels split their work by index, so several workers give the same bits as one.
    @Test func severalWorkersGiveIdenticalBits() {
        let n = 300, c = 16
        let x = randomValues(n * c, seed: 23), w = randomValues(c, seed: 24), dy = randomValues(n * c, seed: 25)
        let fx = floats(x), fw = floats(w), upstream = floats(dy)
        func run(_ workers: Int) -> ([Float], [Float], [Float]) {
            Parallel.withWorkers(workers) {
                let y = FloatBuffer(count: n * c), rstd = FloatBuffer(count: n), dx = FloatBuffer(count: n * c), dw = FloatBuffer(count: c)
                RMSNorm.forward(fx.matrix(rows: n, cols: c), weight: fw.base, eps: 1e-5, into: y.matrix(rows: n, cols: c), rstd: rstd.base)
                RMSNorm.backward(upstream.matrix(rows: n, cols: c), x: fx.matrix(rows: n, cols: c), weight: fw.base, rstd: rstd.base,
                                 dx: dx.matrix(rows: n, cols: c), dWeight: dw.base)
                let g = FloatBuffer(count: n * c), dg = FloatBuffer(count: n * c), du = FloatBuffer(count: n * c)
                SwiGLU.forward(gate: fx.matrix(rows: n, cols: c), up: upstream.matrix(rows: n, cols: c), into: g.matrix(rows: n, cols: c))
                SwiGLU.backward(upstream.matrix(rows: n, cols: c), gate: fx.matrix(rows: n, cols: c), up: y.matrix(rows: n, cols: c),
                                dGate: dg.matrix(rows: n, cols: c), dUp: du.matrix(rows: n, cols: c))
                return (y.toArray(), dx.toArray() + dw.toArray(), g.toArray() + dg.toArray() + du.toArray())
            }
        }
        let one = run(1), three = run(3)
        #expect(one.0 == three.0)
        #expect(one.1 == three.1)
        #expect(one.2 == three.2)
    }

    @Test func ropeMatchesNaiveAndItsBackwardIsTheTranspose() {
        let n = 5, heads = 3, d = 8, theta = 10_000.0
        let positions = [0, 1, 7, 100, 4095]
        let x = randomValues(n * heads * d, seed: 30), dy = randomValues(n * heads * d, seed: 31)
        let table = RotaryTable(headDim: d, maxPositions: 4096, theta: theta)
        let fx = floats(x), pos = int32s(positions)
        pos.withUnsafeBufferPointer { Rope.forward(fx.matrix(rows: n, cols: heads * d), heads: heads, positions: $0.baseAddress!, table: table) }
        let want = NaiveKernels.rope(x, rows: n, heads: heads, headDim: d, positions: positions, theta: theta)
        // Angles are rounded to Float as in HF, so position 4095 differs from exact Double by ~1e-4.
        let c = closeness(fx.toArray(), want, atol: 1e-3, rtol: 1e-3, label: "rope forward")
        #expect(c.ok, "\(c)")

        let g = floats(dy)
        pos.withUnsafeBufferPointer { Rope.backward(g.matrix(rows: n, cols: heads * d), heads: heads, positions: $0.baseAddress!, table: table) }
        let fd = fdGradient(x, upstream: dy) { NaiveKernels.rope($0, rows: n, heads: heads, headDim: d, positions: positions, theta: theta) }
        let cg = closeness(g.toArray(), fd, atol: 1e-3, rtol: 1e-3, label: "rope backward")
        #expect(cg.ok, "\(cg)")
    }

    @Test func ropeOfSmallPositionsIsTight() {
        let n = 4, d = 4
        let x = randomValues(n * d, seed: 32)
        let table = RotaryTable(headDim: d, maxPositions: 8, theta: 500_000)
        let fx = floats(x), pos = int32s([0, 1, 2, 3])
        pos.withUnsafeBufferPointer { Rope.forward(fx.matrix(rows: n, cols: d), heads: 1, positions: $0.baseAddress!, table: table) }
        let c = closeness(fx.toArray(), NaiveKernels.rope(x, rows: n, heads: 1, headDim: d, positions: [0, 1, 2, 3], theta: 500_000),
                          atol: 1e-6, rtol: 1e-5, label: "rope small positions")
        #expect(c.ok, "\(c)")
    }

    @Test func swiGLUMatchesNaiveAndFiniteDifferences() {
        let n = 3, i = 7
        let g = randomValues(n * i, seed: 40, scale: 3), u = randomValues(n * i, seed: 41), dy = randomValues(n * i, seed: 42)
        let fg = floats(g), fu = floats(u), out = FloatBuffer(count: n * i)
        SwiGLU.forward(gate: fg.matrix(rows: n, cols: i), up: fu.matrix(rows: n, cols: i), into: out.matrix(rows: n, cols: i))
        let c = closeness(out.toArray(), NaiveKernels.swiGLU(gate: g, up: u), atol: 1e-5, rtol: 1e-5, label: "swiglu forward")
        #expect(c.ok, "\(c)")
        let dg = FloatBuffer(count: n * i), du = FloatBuffer(count: n * i)
        let upstream = floats(dy)
        SwiGLU.backward(upstream.matrix(rows: n, cols: i), gate: fg.matrix(rows: n, cols: i), up: fu.matrix(rows: n, cols: i),
                        dGate: dg.matrix(rows: n, cols: i), dUp: du.matrix(rows: n, cols: i))
        let cg = closeness(dg.toArray(), fdGradient(g, upstream: dy) { NaiveKernels.swiGLU(gate: $0, up: u) }, atol: 1e-4, rtol: 1e-4, label: "swiglu dgate")
        let cu = closeness(du.toArray(), fdGradient(u, upstream: dy) { NaiveKernels.swiGLU(gate: g, up: $0) }, atol: 1e-4, rtol: 1e-4, label: "swiglu dup")
        #expect(cg.ok, "\(cg)")
        #expect(cu.ok, "\(cu)")
    }

    @Test func softmaxMatchesNaiveAndFiniteDifferences() {
        let x = randomValues(11, seed: 50, scale: 4), dy = randomValues(11, seed: 51)
        let p = floats(x)
        let lse = Softmax.forward(p.base, count: 11)
        let c = closeness(p.toArray(), NaiveKernels.softmax(x), atol: 1e-6, rtol: 1e-5, label: "softmax")
        #expect(c.ok, "\(c)")
        let m = x.max()!
        let wantLse = m + log(x.reduce(0) { $0 + exp($1 - m) })
        #expect(abs(Double(lse) - wantLse) < 1e-5, "log-normaliser \(lse) vs \(wantLse)")
        let g = floats(dy)
        Softmax.backward(probabilities: p.base, gradient: g.base, count: 11)
        let cg = closeness(g.toArray(), fdGradient(x, upstream: dy) { NaiveKernels.softmax($0) }, atol: 1e-5, rtol: 1e-4, label: "softmax backward")
        #expect(cg.ok, "\(cg)")
    }

    @Test func embeddingGatherAndScatterAdd() {
        let v = 6, c = 4, tokens = [3, 1, 3, 5]
        let table = randomValues(v * c, seed: 60), dy = randomValues(tokens.count * c, seed: 61)
        let ft = floats(table), out = FloatBuffer(count: tokens.count * c), tk = int32s(tokens)
        tk.withUnsafeBufferPointer { Embedding.forward(table: ft.matrix(rows: v, cols: c), tokens: $0.baseAddress!, into: out.matrix(rows: tokens.count, cols: c)) }
        let co = closeness(out.toArray(), NaiveKernels.embedding(table: table, cols: c, tokens: tokens), atol: 1e-7, rtol: 1e-7, label: "embedding")
        #expect(co.ok, "\(co)")
        let dt = FloatBuffer([Float](repeating: 1, count: v * c))
        let upstream = floats(dy)
        tk.withUnsafeBufferPointer { Embedding.backward(upstream.matrix(rows: tokens.count, cols: c), tokens: $0.baseAddress!, dTable: dt.matrix(rows: v, cols: c)) }
        let fd = fdGradient(table, upstream: dy) { NaiveKernels.embedding(table: $0, cols: c, tokens: tokens) }
        let cd = closeness(dt.toArray(), fd.map { $0 + 1 }, atol: 1e-5, rtol: 1e-5, label: "embedding backward")
        #expect(cd.ok, "\(cd)")
    }
}

import Foundation
