import Foundation

/// Row-wise softmax over a contiguous run of floats, and its backward.
public enum Softmax {
    /// In place: `x = exp(x - max) / sum`. Returns the log of the normaliser (`max + log(sum)`).
    @discardableResult
    public static func forward(_ x: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        var m = -Float.infinity
        for i in 0..<n { m = max(m, x[i]) }
        var s: Float = 0
        for i in 0..<n { let e = expf(x[i] - m); x[i] = e; s += e }
        let inv = 1 / s
        for i in 0..<n { x[i] *= inv }
        return m + logf(s)
    }

    /// Backward through probabilities `p`, in place on the incoming gradient `g`:
    /// `g = p * (g - sum(p * g))`.
    public static func backward(probabilities p: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, count n: Int) {
        let dot = Reduce.dot(p, UnsafePointer(g), n)
        for i in 0..<n { g[i] = p[i] * (g[i] - dot) }
    }
}
