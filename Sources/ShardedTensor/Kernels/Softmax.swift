import CVectorMath

/// Row-wise softmax over a contiguous run of floats, and its backward.
public enum Softmax {
    /// In place: `x = exp(x - max) / sum`. Returns the log of the normaliser (`max + log(sum)`).
    /// Vectorised (CVectorMath's `egpo_softmax`): 16 partial sums, added in a fixed order.
    @discardableResult
    public static func forward(_ x: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        egpo_softmax(x, Int64(n))
    }

    /// Backward through probabilities `p`, in place on the incoming gradient `g`:
    /// `g = p * (g - sum(p * g))`.
    public static func backward(probabilities p: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, count n: Int) {
        let dot = Reduce.dot(p, UnsafePointer(g), n)
        for i in 0..<n { g[i] = p[i] * (g[i] - dot) }
    }
}
