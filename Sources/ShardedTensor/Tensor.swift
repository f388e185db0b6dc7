/// A row-major 2-D view of Float memory: `rows × cols`, consecutive rows `rowStride` floats apart.
///
/// Kernels take these small shaped views instead of raw pointers plus a list of integers. A view
/// does not own its memory: the `FloatBuffer` (or workspace) it points into must outlive it.
public struct MatrixView: @unchecked Sendable {
    /// First element (row 0, column 0).
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let cols: Int
    /// Distance in floats between the starts of consecutive rows (>= cols).
    public let rowStride: Int

    /// A view of `rows × cols` floats at `base`; `rowStride` defaults to `cols` (dense).
    public init(_ base: UnsafeMutablePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil) {
        let stride = rowStride ?? cols
        precondition(rows >= 0 && cols >= 0 && stride >= cols, "MatrixView: rows \(rows) cols \(cols) stride \(stride)")
        self.base = base
        self.rows = rows
        self.cols = cols
        self.rowStride = stride
    }

    /// Pointer to the first element of row `r`.
    @inline(__always) public func row(_ r: Int) -> UnsafeMutablePointer<Float> { base + r * rowStride }

    /// Element at (r, c); no bounds check beyond the caller's preconditions.
    @inline(__always) public subscript(r: Int, c: Int) -> Float {
        get { base[r * rowStride + c] }
        nonmutating set { base[r * rowStride + c] = newValue }
    }

    /// The sub-view of rows `range` (same columns and stride).
    public func rows(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) of \(rows)")
        return MatrixView(base + range.lowerBound * rowStride, rows: range.count, cols: cols, rowStride: rowStride)
    }

    /// The sub-view of columns `range` (same rows and stride): one head of a (N, H*D) matrix.
    public func columns(_ range: Range<Int>) -> MatrixView {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols, "columns \(range) of \(cols)")
        return MatrixView(base + range.lowerBound, rows: rows, cols: range.count, rowStride: rowStride)
    }

    /// Sets every element of the view to zero.
    public func zero() {
        if rowStride == cols { (base).update(repeating: 0, count: rows * cols); return }
        for r in 0..<rows { row(r).update(repeating: 0, count: cols) }
    }

    /// The elements row by row (tests and small outputs).
    public func toArray() -> [Float] {
        var out = [Float]()
        out.reserveCapacity(rows * cols)
        for r in 0..<rows { out.append(contentsOf: UnsafeBufferPointer(start: row(r), count: cols)) }
        return out
    }
}

/// An owned, zero-initialised, 64-byte aligned block of Floats: the flat parameter, gradient or
/// moment buffer, or a workspace array. Reference type so views into it stay valid while it lives.
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let base: UnsafeMutablePointer<Float>

    /// `count` zeros, `alignment` bytes aligned (a power of two; large communication buffers use 2 MiB).
    public init(count: Int, alignment: Int = 64) {
        precondition(count >= 0, "FloatBuffer count \(count)")
        precondition(alignment >= 64 && alignment & (alignment - 1) == 0, "FloatBuffer alignment \(alignment)")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: alignment)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    /// A copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { if let p = $0.baseAddress { base.update(from: p, count: values.count) } }
    }

    deinit { base.deallocate() }

    @inline(__always) public subscript(i: Int) -> Float {
        get { base[i] }
        set { base[i] = newValue }
    }

    /// Sets every element to zero (start of a gradient accumulation).
    public func zero() { base.update(repeating: 0, count: count) }

    /// Copies `other` (same count) into this buffer.
    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "copy: count \(other.count) vs \(count)")
        base.update(from: other.base, count: count)
    }

    /// The whole buffer as an array.
    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The buffer as a mutable buffer pointer (for optimizers and communicators).
    public var bufferPointer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// A `rows × cols` dense view starting at `offset`.
    public func matrix(offset: Int = 0, rows: Int, cols: Int) -> MatrixView {
        precondition(offset >= 0 && offset + rows * cols <= count, "matrix at \(offset) of \(rows)x\(cols) exceeds \(count)")
        return MatrixView(base + offset, rows: rows, cols: cols)
    }
}
