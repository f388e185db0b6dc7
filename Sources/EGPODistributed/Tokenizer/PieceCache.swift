/// Remembers the ids of pieces already encoded in one `encode` call. Natural text repeats its
/// words, so on a long input most pieces are looked up instead of merged again. Keys are byte
/// ranges of the input being encoded (compared in place, not copied), so the cache lives only
/// as long as that call.
struct PieceCache {
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var keys: [Range<Int>] = []
    private var values: [Range<Int>] = []
    private var arena: [Int32] = []
    private let maxEntries: Int

    init(maxEntries: Int = 1 << 15) {
        self.maxEntries = maxEntries
        slots = [Int32](repeating: -1, count: 1 << 12)
    }

    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in r { h = (h ^ UInt64(b[i])) &* 0x100_0000_01b3 }
        return h
    }

    /// Appends the cached ids of piece `r` to `ids` and returns true, or returns false.
    @inline(__always)
    func lookup(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, hash h: UInt64, into ids: inout [Int32]) -> Bool {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h >> 17) & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { return false }
            if hashes[e] == h && equal(b, keys[e], r) {
                ids.append(contentsOf: arena[values[e]])
                return true
            }
            s = (s + 1) & mask
        }
    }

    /// Remembers that piece `r` encodes to `pieceIDs` (dropped once the cache is full).
    mutating func insert(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, hash h: UInt64, ids pieceIDs: ArraySlice<Int32>) {
        guard keys.count < maxEntries else { return }
        if (keys.count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h >> 17) & mask
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = Int32(keys.count)
        hashes.append(h)
        keys.append(r)
        values.append(arena.count..<(arena.count + pieceIDs.count))
        arena.append(contentsOf: pieceIDs)
    }

    @inline(__always)
    private func equal(_ b: UnsafeBufferPointer<UInt8>, _ x: Range<Int>, _ y: Range<Int>) -> Bool {
        guard x.count == y.count else { return false }
        for k in 0..<x.count where b[x.lowerBound + k] != b[y.lowerBound + k] { return false }
        return true
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (e, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h >> 17) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(e)
        }
    }
}
