import Testing
import ShardedTensor
import TestSupport

@Suite struct MatmulTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesNaiveInEveryTransposeCase(transposeA: Bool, transposeB: Bool) {
        let m = 7, k = 5, n = 9
        let a = randomValues(m * k, seed: 1), b = randomValues(k * n, seed: 2), c0 = randomValues(m * n, seed: 3)
        let fa = floats(a), fb = floats(b), fc = floats(c0)
        let va = transposeA ? fa.matrix(rows: k, cols: m) : fa.matrix(rows: m, cols: k)
        let vb = transposeB ? fb.matrix(rows: n, cols: k) : fb.matrix(rows: k, cols: n)
        // beta = 1 accumulates onto c0; alpha scales the product.
        Matmul.gemm(va, transposeA: transposeA, vb, transposeB: transposeB, into: fc.matrix(rows: m, cols: n), alpha: 0.5, beta: 1)
        let product = NaiveKernels.matmul(a, b, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB)
        let expected = zip(product, c0).map { 0.5 * $0 + $1 }
        let c = closeness(fc.toArray(), expected, atol: 1e-5, rtol: 1e-5, label: "gemm tA=\(transposeA) tB=\(transposeB)")
        #expect(c.ok, "\(c)")
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func singleRowProductsTakeTheMatrixVectorPath(transposeA: Bool, transposeB: Bool) {
        let k = 6, n = 5
        // a is one row of length k, or a (k, 3) matrix's first column when transposed (stride 3).
        let a = randomValues(k * 3, seed: 6), b = randomValues(k * n, seed: 7), c0 = randomValues(n, seed: 8)
        let fa = floats(a), fb = floats(b), fc = floats(c0)
        let va = transposeA ? fa.matrix(rows: k, cols: 3).columns(0..<1) : fa.matrix(rows: 1, cols: k)
        let vb = transposeB ? fb.matrix(rows: n, cols: k) : fb.matrix(rows: k, cols: n)
        Matmul.gemm(va, transposeA: transposeA, vb, transposeB: transposeB, into: fc.matrix(rows: 1, cols: n), alpha: 2, beta: 1)
        let row = transposeA ? (0..<k).map { a[$0 * 3] } : Array(a.prefix(k))
        let product = NaiveKernels.matmul(row, b, m: 1, k: k, n: n, transposeB: transposeB)
        let c = closeness(fc.toArray(), zip(product, c0).map { 2 * $0 + $1 }, atol: 1e-5, rtol: 1e-5, label: "gemv tA=\(transposeA) tB=\(transposeB)")
        #expect(c.ok, "\(c)")
    }

    /// A linear layer on a few rows (decoding) multiplies the weights in unpacked blocks: the
    /// block edges (a last, shorter block), accumulation, alpha and strided views all give the
    /// naive product. Rows 2, 5 and 16 (the limit) take the blocked path; 17 takes plain sgemm.
    @Test(arguments: [2, 5, 16, 17])
    func fewRowProductsInWeightBlocksMatchNaive(rows m: Int) {
        let k = 40, n = 1301                      // k >= 32; n not a multiple of any block
        #expect(m > Matmul.streamingRowLimit || n > Matmul.streamingBlock(rows: m, k: k), "rows \(m) should take the blocked path")
        let a = randomValues(m * (k + 3), seed: 14), w = randomValues(n * k, seed: 15), c0 = randomValues(m * (n + 2), seed: 16)
        let fa = floats(a), fw = floats(w), fc = floats(c0)
        // x is columns 1..<k+1 of an (m, k+3) matrix; c is columns 0..<n of an (m, n+2) matrix.
        let xv = fa.matrix(rows: m, cols: k + 3).columns(1 ..< k + 1)
        Matmul.gemm(xv, fw.matrix(rows: n, cols: k), transposeB: true,
                    into: fc.matrix(rows: m, cols: n + 2).columns(0 ..< n), alpha: 0.5, beta: 1)
        let width = k + 3
        let x: [Double] = (0..<m).flatMap { (r: Int) -> ArraySlice<Double> in a[r * width + 1 ..< r * width + 1 + k] }
        let product = NaiveKernels.matmul(x, w, m: m, k: k, n: n, transposeB: true)
        var expected = c0
        for r in 0..<m { for j in 0..<n { expected[r * (n + 2) + j] += 0.5 * product[r * n + j] } }
        let c = closeness(fc.toArray(), expected, atol: 1e-5, rtol: 1e-5, label: "blocked few-row gemm, \(m) rows")
        #expect(c.ok, "\(c)")
    }

    @Test func gemmOnStridedColumnViews() {
        // One "head" (columns 2..<5) of a (6, 8) matrix times a (3, 4) matrix.
        let x = randomValues(6 * 8, seed: 4), w = randomValues(3 * 4, seed: 5)
        let fx = floats(x), fw = floats(w), out = FloatBuffer(count: 6 * 4)
        Matmul.gemm(fx.matrix(rows: 6, cols: 8).columns(2..<5), fw.matrix(rows: 3, cols: 4), into: out.matrix(rows: 6, cols: 4))
        let head = (0..<6).flatMap { r in x[r * 8 + 2 ..< r * 8 + 5] }
        let c = closeness(out.toArray(), NaiveKernels.matmul(head, w, m: 6, k: 3, n: 4), atol: 1e-5, rtol: 1e-5, label: "strided gemm")
        #expect(c.ok, "\(c)")
    }

    @Test func linearForwardAndBackwardMatchNaiveAndFiniteDifferences() {
        let n = 4, inputs = 6, outputs = 5
        let x = randomValues(n * inputs, seed: 10), w = randomValues(outputs * inputs, seed: 11), b = randomValues(outputs, seed: 12)
        let dy = randomValues(n * outputs, seed: 13)
        let fx = floats(x), fw = floats(w), fb = floats(b), fy = FloatBuffer(count: n * outputs)
        let xv = fx.matrix(rows: n, cols: inputs), wv = fw.matrix(rows: outputs, cols: inputs)
        Linear.forward(xv, weight: wv, bias: fb.base, into: fy.matrix(rows: n, cols: outputs))
        let y = NaiveKernels.linear(x, weight: w, bias: b, rows: n, inputs: inputs, outputs: outputs)
        let cy = closeness(fy.toArray(), y, atol: 1e-5, rtol: 1e-5, label: "linear forward")
        #expect(cy.ok, "\(cy)")

        // Gradients start from a nonzero value to check that backward accumulates.
        let fdy = floats(dy), dx = FloatBuffer([Float](repeating: 1, count: n * inputs))
        let dw = FloatBuffer([Float](repeating: 1, count: outputs * inputs)), db = FloatBuffer([Float](repeating: 1, count: outputs))
        Linear.backward(fdy.matrix(rows: n, cols: outputs), x: xv, weight: wv, dx: dx.matrix(rows: n, cols: inputs),
                        accumulateInput: true, dWeight: dw.matrix(rows: outputs, cols: inputs), dBias: db.base)
        let gx = fdGradient(x, upstream: dy) { NaiveKernels.linear($0, weight: w, bias: b, rows: n, inputs: inputs, outputs: outputs) }
        let gw = fdGradient(w, upstream: dy) { NaiveKernels.linear(x, weight: $0, bias: b, rows: n, inputs: inputs, outputs: outputs) }
        let gb = fdGradient(b, upstream: dy) { NaiveKernels.linear(x, weight: w, bias: $0, rows: n, inputs: inputs, outputs: outputs) }
        for (label, got, want) in [("dx", dx, gx), ("dW", dw, gw), ("db", db, gb)] {
            let c = closeness(got.toArray(), want.map { $0 + 1 }, atol: 1e-4, rtol: 1e-4, label: "linear \(label)")
            #expect(c.ok, "\(c)")
        }
    }
}

@Suite struct ParameterLayoutTests {
    @Test func packsTensorsBackToBackAndSlicesThem() {
        let layout = ParameterLayout([("a", [2, 3]), ("b", [4]), ("c", [1, 5])])
        #expect(layout.totalCount == 15)
        #expect(layout["b"].offset == 6 && layout["c"].offset == 10 && layout["c"].count == 5)
        #expect(layout.entry(named: "d") == nil)
        let buffer = FloatBuffer((0..<15).map(Float.init))
        #expect(Array(buffer.tensor(layout["b"])) == [6, 7, 8, 9])
        buffer.tensor(layout["c"])[0] = -1
        #expect(buffer[10] == -1)
    }
}
