/// An open-addressing hash map from a token pair to its merge (rank and merged id): the BPE hot
/// path does one lookup per adjacent pair, and a flat table with a multiplicative hash is several
/// times faster there than `Dictionary`'s seeded SipHash.
struct PairTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private let mask: Int
    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        (UInt64(UInt32(bitPattern: left)) << 32) | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// Adds a merge unless the pair already has one (the earlier, lower rank wins, as in Hugging Face).
    mutating func insert(left: Int32, right: Int32, rank: UInt32, merged: Int32) {
        let k = Self.key(left, right)
        var s = slot(k)
        while keys[s] != Self.empty {
            if keys[s] == k { return }
            s = (s + 1) & mask
        }
        keys[s] = k
        values[s] = (UInt64(rank) << 32) | UInt64(UInt32(bitPattern: merged))
    }

    /// The rank of merging `left` and `right` (`UInt32.max` when they do not merge) and the merged id.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: UInt32, merged: Int32) {
        let k = Self.key(left, right)
        var s = slot(k)
        while true {
            let found = keys[s]
            if found == k {
                let v = values[s]
                return (UInt32(truncatingIfNeeded: v >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
            }
            if found == Self.empty { return (UInt32.max, -1) }
            s = (s + 1) & mask
        }
    }
}
