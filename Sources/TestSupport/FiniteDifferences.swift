/// Central finite differences in Double, the reference every backward pass is checked against.
public enum FiniteDifferences {
    /// Gradient of a scalar function at `x` by central differences with step `h`.
    public static func gradient(at x: [Double], h: Double = 1e-5, _ f: ([Double]) -> Double) -> [Double] {
        var x = x
        var g = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let saved = x[i]
            x[i] = saved + h
            let plus = f(x)
            x[i] = saved - h
            let minus = f(x)
            x[i] = saved
            g[i] = (plus - minus) / (2 * h)
        }
        return g
    }
}
