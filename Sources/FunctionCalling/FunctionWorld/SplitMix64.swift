/// A small seeded random number generator (Steele, Lea and Flood, "Fast splittable pseudorandom
/// number generators", OOPSLA 2014): the same seed gives the same stream on every platform, which
/// the system generator does not promise. FunctionWorld draws every choice from one of these.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The whole state: a checkpoint can save and restore it.
    public private(set) var state: UInt64

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's multiply-shift with rejection),
    /// written out so the stream does not depend on the standard library's algorithm.
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "SplitMix64.below: bound \(bound) must be positive")
        let b = UInt64(bound)
        while true {
            let r = next().multipliedFullWidth(by: b)
            if r.low >= (0 &- b) % b { return Int(r.high) }
        }
    }

    /// A uniform Double in [0, 1) from the top 53 bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A uniformly chosen element; the collection must not be empty.
    public mutating func pick<C: RandomAccessCollection>(_ c: C) -> C.Element {
        precondition(!c.isEmpty, "SplitMix64.pick: empty collection")
        return c[c.index(c.startIndex, offsetBy: below(c.count))]
    }

    /// The elements in a uniformly random order (Fisher-Yates, driven by this generator).
    public mutating func shuffled<T>(_ items: [T]) -> [T] {
        var a = items
        if a.count < 2 { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, below(i + 1))
        }
        return a
    }

    /// `k` distinct elements in random order (`k` is capped at the count).
    public mutating func sample<T>(_ items: [T], _ k: Int) -> [T] {
        Array(shuffled(items).prefix(k))
    }

    /// `k` distinct elements drawn without replacement (a partial Fisher-Yates shuffle of the
    /// indices), in their order in `items`; all of them when there are `k` or fewer.
    public mutating func draw<T>(_ items: [T], keepingOrder k: Int) -> [T] {
        guard items.count > k else { return items }
        var indices = Array(items.indices)
        for i in 0..<k { indices.swapAt(i, i + below(indices.count - i)) }
        return indices.prefix(k).sorted().map { items[$0] }
    }

    /// An independent generator for a sub-stream (task `i` of a run), so one task's draws do not
    /// shift every later task when a template changes.
    public func derived(_ salt: UInt64) -> SplitMix64 {
        var g = SplitMix64(seed: state ^ (salt &* 0xD1B5_4A32_D192_ED03))
        _ = g.next()
        return g
    }
}
