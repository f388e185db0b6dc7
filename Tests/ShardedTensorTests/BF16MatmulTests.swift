import Testing
import ShardedTensor
import TestSupport

/// bf16 products with fp32 accumulation (`BF16Matmul`, oneDNN) against the naive Double twin:
/// on inputs rounded to bf16 the product is the twin's up to fp32 accumulation (relative 1e-5 of
/// sum |a||b|); against the unrounded fp32 inputs it is within bf16's rounding (2 x 2^-8 of that
/// sum). Every transpose case, alpha, accumulation, strided views, one row, and the shapes of a
/// 135M model's layers.
@Suite struct BF16MatmulTests {
    static func bf16(_ xs: [Double]) -> (BF16Buffer, [Double]) {
        let f = floats(xs), b = BF16Buffer(count: xs.count)
        BF16Matmul.round(f.matrix(rows: 1, cols: xs.count), into: b.matrix(1, xs.count))
        return (b, (0..<xs.count).map { Double(b.matrix(1, xs.count)[0, $0]) })
    }

    /// sum over k of |op(a)[i, k]| |op(b)[k, j]| for every (i, j): the scale of rounding errors.
    static func magnitudes(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, transposeA: Bool, transposeB: Bool) -> [Double] {
        NaiveKernels.matmul(a.map(abs), b.map(abs), m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productsMatchTheNaiveTwinInEveryTransposeCase(transposeA: Bool, transposeB: Bool) {
        for (m, k, n) in [(7, 5, 9), (1, 64, 33), (40, 96, 24)] {
            let a = randomValues(m * k, seed: 1), b = randomValues(k * n, seed: 2), c0 = randomValues(m * n, seed: 3)
            let (ba, ra) = Self.bf16(a), (bb, rb) = Self.bf16(b)
            let fc = floats(c0)
            let va = transposeA ? ba.matrix(k, m) : ba.matrix(m, k), vb = transposeB ? bb.matrix(n, k) : bb.matrix(k, n)
            BF16Matmul.gemm(va, transposeA: transposeA, vb, transposeB: transposeB, into: fc.matrix(rows: m, cols: n), alpha: 0.5, beta: 1)
            let onRounded = zip(NaiveKernels.matmul(ra, rb, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB), c0).map { 0.5 * $0 + $1 }
            let onExact = zip(NaiveKernels.matmul(a, b, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB), c0).map { 0.5 * $0 + $1 }
            let scale = Self.magnitudes(a, b, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB)
            let got = fc.toArray()
            for i in got.indices {
                #expect(abs(Double(got[i]) - onRounded[i]) <= 1e-5 * (0.5 * scale[i] + abs(c0[i])), "\(m)x\(k)x\(n) tA \(transposeA) tB \(transposeB) [\(i)]")
                #expect(abs(Double(got[i]) - onExact[i]) <= 2 * 0x1p-8 * 0.5 * scale[i] + 1e-6, "\(m)x\(k)x\(n) [\(i)] vs the fp32 inputs")
            }
        }
    }

    /// Overwriting (beta 0) ignores what c held; a strided view of a wider matrix is read in place.
    @Test func overwriteAndStridedViews() {
        let m = 3, k = 8, n = 4
        let a = randomValues(m * 2 * k, seed: 4), b = randomValues(n * k, seed: 5)
        let (ba, ra) = Self.bf16(a), (bb, rb) = Self.bf16(b)
        let c = floats(randomValues(m * 2 * n, seed: 6))
        let view = BF16MatrixView(ba.base + k, rows: m, cols: k, rowStride: 2 * k)   // the right half of (m, 2k)
        BF16Matmul.gemm(view, bb.matrix(n, k), transposeB: true, into: MatrixView(c.base, rows: m, cols: n, rowStride: 2 * n))
        for i in 0..<m {
            for j in 0..<n {
                let want = (0..<k).reduce(0.0) { $0 + ra[i * 2 * k + k + $1] * rb[j * k + $1] }
                #expect(abs(Double(c[i * 2 * n + j]) - want) <= 1e-5 * Double(k))
            }
        }
    }

    /// Rounding is to nearest, ties to even, as torch's `.to(torch.bfloat16)`.
    @Test func roundingIsToNearestEven() {
        #expect(BF16Matmul.rounded(1) == 1)
        #expect(BF16Matmul.rounded(1 + 0x1p-8) == 1)             // a tie: to the even 1.0
        #expect(BF16Matmul.rounded(1 + 3 * 0x1p-8) == 1 + 0x1p-6) // a tie: to the even 1 + 2^-6
        #expect(BF16Matmul.rounded(1 + 0x1p-8 + 0x1p-12) == 1 + 0x1p-7)
        #expect(BF16Matmul.rounded(.infinity) == .infinity && BF16Matmul.rounded(.nan).isNaN)
    }

    /// On the machines this runs on the CPU is named, and where it has AVX512-BF16 oneDNN picks a
    /// native bf16 kernel for a layer's shape.
    @Test func theCPUIsDetected() {
        #expect(!BF16Matmul.instructionSet.isEmpty)
        if BF16Matmul.isNative {
            #expect(BF16Matmul.implementation(m: 64, n: 1536, k: 576).contains("bf16"), "\(BF16Matmul.implementation(m: 64, n: 1536, k: 576))")
        }
    }
}
