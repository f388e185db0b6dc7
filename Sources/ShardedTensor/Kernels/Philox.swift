import Foundation

/// Philox4x32-10, the counter-based generator of Salmon et al. (SC'11, "Parallel random numbers:
/// as easy as 1, 2, 3"; constants from Random123). A draw is a pure function of
/// (seed, stream, index): no state to carry, so a sequence's samples do not depend on how
/// sequences are batched, and a parameter's initial value does not depend on thread order.
public enum Philox {
    /// The four 32-bit words of block (`stream`, `index`) under key `seed`.
    @inline(__always)
    public static func block(seed: UInt64, stream: UInt64, index: UInt64) -> SIMD4<UInt32> {
        var c0 = UInt32(truncatingIfNeeded: index), c1 = UInt32(truncatingIfNeeded: index >> 32)
        var c2 = UInt32(truncatingIfNeeded: stream), c3 = UInt32(truncatingIfNeeded: stream >> 32)
        var k0 = UInt32(truncatingIfNeeded: seed), k1 = UInt32(truncatingIfNeeded: seed >> 32)
        for round in 0..<10 {
            if round > 0 { k0 &+= 0x9E37_79B9; k1 &+= 0xBB67_AE85 }
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
        }
        return SIMD4(c0, c1, c2, c3)
    }

    /// A uniform Double in the open interval (0, 1), 53 random bits from draw (`stream`, `index`).
    public static func uniform(seed: UInt64, stream: UInt64, index: UInt64) -> Double {
        let b = block(seed: seed, stream: stream, index: index)
        let bits = (UInt64(b[0]) << 21) ^ UInt64(b[1] >> 11)
        return (Double(bits & ((1 << 53) - 1)) + 0.5) / 9_007_199_254_740_992.0
    }

    /// Two independent standard normals from draw (`stream`, `index`) by Box-Muller.
    public static func normalPair(seed: UInt64, stream: UInt64, index: UInt64) -> (Double, Double) {
        let b = block(seed: seed, stream: stream, index: index)
        let u1 = (Double(b[0]) + 0.5) / 4_294_967_296.0
        let u2 = (Double(b[1]) + 0.5) / 4_294_967_296.0
        let r = (-2 * log(u1)).squareRoot()
        let t = 2 * Double.pi * u2
        return (r * cos(t), r * sin(t))
    }

    /// Fills `count` values at `out` with normal(0, std): element i comes from stream `stream`,
    /// draw i / 2, so the values are the same whatever the caller's chunking.
    public static func fillNormal(_ out: UnsafeMutablePointer<Float>, count: Int, std: Double, seed: UInt64, stream: UInt64) {
        var i = 0
        while i < count {
            let (a, b) = normalPair(seed: seed, stream: stream, index: UInt64(i / 2))
            out[i] = Float(a * std)
            if i + 1 < count { out[i + 1] = Float(b * std) }
            i += 2
        }
    }
}
