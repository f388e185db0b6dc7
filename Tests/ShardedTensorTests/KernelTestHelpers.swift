import ShardedTensor
import TestSupport

/// Deterministic test inputs: uniform in (-scale, scale) from a Philox stream.
func randomValues(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
    (0..<count).map { (Philox.uniform(seed: seed, stream: 7, index: UInt64($0)) * 2 - 1) * scale }
}

/// A Float buffer holding `values`.
func floats(_ values: [Double]) -> FloatBuffer { FloatBuffer(values.map { Float($0) }) }

/// Gradient of `sum(upstream * f(x))` at x by central differences in Double.
func fdGradient(_ x: [Double], upstream: [Double], h: Double = 1e-5, _ f: ([Double]) -> [Double]) -> [Double] {
    FiniteDifferences.gradient(at: x, h: h) { v in zip(f(v), upstream).reduce(0) { $0 + $1.0 * $1.1 } }
}

func int32s(_ xs: [Int]) -> [Int32] { xs.map { Int32($0) } }
