/// Global gradient-norm clipping, split so a distributed trainer can all-reduce in the middle:
///
///     var local = GradientClipping.sumOfSquares(grads, range: myShard)   // each rank
///     communicator.allReduceSum(&local)                                    // caller
///     let coef = GradientClipping.clipCoefficient(globalNorm: local.squareRoot(), maxNorm: 1)
///     // then AdamW.update(..., gradientScale: coef) or GradientClipping.scale(...)
///
/// Same rule as `torch.nn.utils.clip_grad_norm_`: scale by min(1, maxNorm / (norm + 1e-6)).
public enum GradientClipping {
    /// Sum of squares of `gradients[range]`, accumulated in Double across blocks (Float SIMD
    /// lanes within a block of 1024, so the fast path stays vectorised).
    public static func sumOfSquares(_ gradients: UnsafeBufferPointer<Float>, range: Range<Int>) -> Double {
        precondition(range.lowerBound >= 0 && range.upperBound <= gradients.count,
                     "range \(range) outside gradients (\(gradients.count))")
        guard !range.isEmpty else { return 0 }
        let g = gradients.baseAddress! + range.lowerBound
        let n = range.count
        var total = 0.0
        let vectorEnd = n - n % 8
        var i = 0
        while i < vectorEnd {
            let blockEnd = min(i + 1024, vectorEnd)
            var acc = SIMD8<Float>()
            while i < blockEnd {
                let x = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                acc.addProduct(x, x)
                i += 8
            }
            total += Double(acc.sum())
        }
        while i < n {
            total += Double(g[i]) * Double(g[i])
            i += 1
        }
        return total
    }

    /// The naive twin of `sumOfSquares`: one Double per element.
    public static func sumOfSquaresNaive(_ gradients: UnsafeBufferPointer<Float>, range: Range<Int>) -> Double {
        var total = 0.0
        for i in range { total += Double(gradients[i]) * Double(gradients[i]) }
        return total
    }

    /// min(1, maxNorm / (globalNorm + 1e-6)), PyTorch's clip coefficient; 1 when maxNorm is infinite.
    public static func clipCoefficient(globalNorm: Double, maxNorm: Double) -> Float {
        precondition(maxNorm > 0, "maxNorm \(maxNorm) must be positive")
        return Float(min(1.0, maxNorm / (globalNorm + 1e-6)))
    }

    /// Multiplies `gradients[range]` by `factor`.
    public static func scale(_ gradients: UnsafeMutableBufferPointer<Float>, range: Range<Int>, by factor: Float) {
        precondition(range.lowerBound >= 0 && range.upperBound <= gradients.count,
                     "range \(range) outside gradients (\(gradients.count))")
        guard factor != 1, !range.isEmpty else { return }
        let g = gradients.baseAddress! + range.lowerBound
        for i in 0..<range.count { g[i] *= factor }
    }
}
