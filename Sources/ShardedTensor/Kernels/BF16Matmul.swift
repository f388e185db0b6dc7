import COneDNN
import Foundation

/// bf16 values (the top 16 bits of a Float), `count` of them, 64-byte aligned.
public final class BF16Buffer: @unchecked Sendable {
    public let count: Int
    public let base: UnsafeMutablePointer<UInt16>

    public init(count: Int) {
        precondition(count >= 0, "BF16Buffer count \(count)")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 2, alignment: 64)
        base = raw.bindMemory(to: UInt16.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { base.deallocate() }

    /// The first `rows * cols` values as a dense (rows, cols) matrix.
    public func matrix(_ rows: Int, _ cols: Int, offset: Int = 0) -> BF16MatrixView {
        precondition(offset + rows * cols <= count, "BF16Buffer: \(rows)x\(cols) view at \(offset) of \(count)")
        return BF16MatrixView(base + offset, rows: rows, cols: cols)
    }
}

/// A row-major (rows, cols) matrix of bf16 values with a row stride.
public struct BF16MatrixView: @unchecked Sendable {
    public let base: UnsafeMutablePointer<UInt16>
    public let rows: Int, cols: Int, rowStride: Int

    public init(_ base: UnsafeMutablePointer<UInt16>, rows: Int, cols: Int, rowStride: Int? = nil) {
        self.base = base
        self.rows = rows
        self.cols = cols
        self.rowStride = rowStride ?? cols
        precondition(rows >= 0 && cols >= 0 && self.rowStride >= cols, "BF16MatrixView: \(rows)x\(cols) stride \(self.rowStride)")
    }

    /// Element (r, c) as a Float (exact: bf16 is a truncated Float).
    public subscript(r: Int, c: Int) -> Float { Float(bitPattern: UInt32(base[r * rowStride + c]) << 16) }
}

/// Matrix products with bf16 inputs and fp32 accumulation and output, through oneDNN's matmul
/// primitive (its `brg:avx512_core_bf16` kernels on AVX512-BF16 CPUs, AMX where there is AMX).
/// One primitive per shape, made on first use and kept. On a CPU without bf16 instructions
/// (Debian's oneDNN has no bf16 matmul at all on AVX2) the same product is computed by widening
/// the bf16 inputs to fp32, which is exact, and OpenBLAS's sgemm: the same values up to the order
/// of the fp32 sums, slower than a plain fp32 product. Runs do not take that path (they compute
/// in fp32 there, `Precision.onThisCPU`); tests and `bench gemm` do, so they run on every CPU.
public enum BF16Matmul {
    /// True when the CPU multiplies bf16 natively (AVX512-BF16 or AMX); elsewhere `gemm` widens
    /// its inputs to fp32, slower than fp32 itself, so runs compute in fp32 (`Precision.onThisCPU`).
    public static let isNative: Bool = egpo_cpu_has_native_bf16() != 0

    /// oneDNN's name for the CPU's instruction set (`avx512_core_bf16`, `avx2`, ...).
    public static let instructionSet: String = String(cString: egpo_cpu_isa_name())

    struct Shape: Hashable {
        var m: Int, n: Int, k: Int, transposeA: Bool, lda: Int, transposeB: Bool, ldb: Int, ldc: Int, alpha: Float, accumulate: Bool
    }

    final class Primitive: @unchecked Sendable {
        let handle: OpaquePointer
        init(_ handle: OpaquePointer) { self.handle = handle }
        deinit { egpo_bf16_gemm_destroy(handle) }
        var implementation: String { String(cString: egpo_bf16_gemm_implementation(handle)) }
    }

    nonisolated(unsafe) private static var primitives: [Shape: Primitive] = [:]
    private static let lock = NSLock()

    /// `c = alpha * op(a) op(b) (+ c when beta is 1)`: op(a) (m, k), op(b) (k, n), c (m, n) fp32.
    public static func gemm(_ a: BF16MatrixView, transposeA: Bool = false, _ b: BF16MatrixView, transposeB: Bool = false,
                            into c: MatrixView, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.cols : a.rows, k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows, n = transposeB ? b.rows : b.cols
        precondition(k == kb && c.rows == m && c.cols == n, "BF16Matmul.gemm: op(a) \(m)x\(k), op(b) \(kb)x\(n), c \(c.rows)x\(c.cols)")
        precondition(beta == 0 || beta == 1, "BF16Matmul.gemm: beta \(beta) (0 or 1)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.zero() }
            return
        }
        guard isNative else { return widenedGemm(a, transposeA: transposeA, b, transposeB: transposeB, into: c, alpha: alpha, beta: beta) }
        let primitive = self.primitive(Shape(m: m, n: n, k: k, transposeA: transposeA, lda: a.rowStride, transposeB: transposeB,
                                             ldb: b.rowStride, ldc: c.rowStride, alpha: alpha, accumulate: beta == 1))
        var error = [CChar](repeating: 0, count: 256)
        let status = egpo_bf16_gemm_run(primitive.handle, a.base, b.base, c.base, &error, Int32(error.count))
        precondition(status == 0, "BF16Matmul.gemm \(m)x\(n)x\(k): \(text(error))")
    }

    /// The implementation oneDNN picks for a product of this shape (for benchmarks and logs).
    public static func implementation(m: Int, n: Int, k: Int, transposeB: Bool = true) -> String {
        guard isNative else { return "widened to fp32, OpenBLAS sgemm (\(instructionSet): no bf16 instructions)" }
        return primitive(Shape(m: m, n: n, k: k, transposeA: false, lda: k, transposeB: transposeB, ldb: transposeB ? k : n, ldc: n,
                        alpha: 1, accumulate: false)).implementation
    }

    private static func primitive(_ shape: Shape) -> Primitive {
        lock.lock()
        defer { lock.unlock() }
        if let p = primitives[shape] { return p }
        var error = [CChar](repeating: 0, count: 256)
        guard let handle = egpo_bf16_gemm_create(Int64(shape.m), Int64(shape.n), Int64(shape.k), shape.transposeA ? 1 : 0, Int64(shape.lda),
                                                 shape.transposeB ? 1 : 0, Int64(shape.ldb), Int64(shape.ldc), shape.alpha,
                                                 shape.accumulate ? 1 : 0, &error, Int32(error.count)) else {
            preconditionFailure("BF16Matmul: no oneDNN matmul for \(shape): \(text(error))")
        }
        let p = Primitive(handle)
        primitives[shape] = p
        return p
    }

    /// `gemm` on a CPU without bf16 instructions: both inputs widened to fp32 (exact, the view's
    /// own subscript), then sgemm.
    private static func widenedGemm(_ a: BF16MatrixView, transposeA: Bool, _ b: BF16MatrixView, transposeB: Bool,
                                    into c: MatrixView, alpha: Float, beta: Float) {
        func widened(_ x: BF16MatrixView) -> FloatBuffer {
            let out = FloatBuffer(count: x.rows * x.cols)
            for r in 0..<x.rows { for j in 0..<x.cols { out[r * x.cols + j] = x[r, j] } }
            return out
        }
        let wa = widened(a), wb = widened(b)
        Matmul.gemm(wa.matrix(rows: a.rows, cols: a.cols), transposeA: transposeA, wb.matrix(rows: b.rows, cols: b.cols),
                    transposeB: transposeB, into: c, alpha: alpha, beta: beta)
    }

    /// A NUL-terminated message buffer as text.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `dst = src` rounded to bf16 (nearest, ties to even), row by row.
    public static func round(_ src: MatrixView, into dst: BF16MatrixView) {
        precondition(src.rows == dst.rows && src.cols == dst.cols, "BF16Matmul.round: \(src.rows)x\(src.cols) into \(dst.rows)x\(dst.cols)")
        egpo_f32_to_bf16_matrix(src.base, Int64(src.rowStride), dst.base, Int64(dst.rowStride), Int64(src.rows), Int64(src.cols))
    }

    /// `src` rounded to bf16 bits into `dst` (`src.count` values).
    public static func round(_ src: UnsafeBufferPointer<Float>, into dst: UnsafeMutablePointer<UInt16>) {
        guard let base = src.baseAddress else { return }
        egpo_f32_to_bf16(base, dst, Int64(src.count))
    }

    /// A Float's bf16 bits (nearest, ties to even; NaN 0x7FC0).
    public static func bits(_ x: Float) -> UInt16 {
        var bits: UInt16 = 0
        var value = x
        egpo_f32_to_bf16(&value, &bits, 1)
        return bits
    }

    /// A Float rounded to bf16 and back (the value a bf16 product sees).
    public static func rounded(_ x: Float) -> Float { Float(bitPattern: UInt32(bits(x)) << 16) }

    /// Threads oneDNN uses in this process (its OpenMP runtime).
    public static func setThreads(_ n: Int) { egpo_onednn_set_threads(Int32(n)) }
}
