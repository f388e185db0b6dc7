extension BPETokenizer {
    /// The merges applied to a long piece through a min-heap of candidate pairs keyed by
    /// (rank, position) over a linked list of symbols, as Hugging Face's `Word::merge_all` does:
    /// same result as `merge` (lowest rank first, leftmost among equals) in O(n log n). A heap
    /// entry is checked when popped (both symbols still there with the same ids), so entries
    /// made stale by an earlier merge are simply dropped.
    func mergeWithHeap(_ symbols: [Int32]) -> [Int32] {
        let n = symbols.count
        guard n > 1 else { return symbols }
        var ids = symbols
        var next = Array(1...n)  // n marks the end
        var prev = Array(-1..<(n - 1))
        var alive = [Bool](repeating: true, count: n)
        var heap = BinaryHeap<Candidate>()
        func consider(_ left: Int) {
            let right = next[left]
            guard right < n else { return }
            let rank = pairs.lookup(ids[left], ids[right]).rank
            if rank != UInt32.max { heap.push(.init(rank: rank, position: Int32(left), left: ids[left], right: ids[right])) }
        }
        for k in 0..<(n - 1) { consider(k) }
        while let c = heap.pop() {
            let pos = Int(c.position)
            guard alive[pos], ids[pos] == c.left else { continue }
            let r = next[pos]
            guard r < n, ids[r] == c.right else { continue }
            ids[pos] = pairs.lookup(c.left, c.right).merged
            alive[r] = false
            next[pos] = next[r]
            if next[r] < n { prev[next[r]] = pos }
            if prev[pos] >= 0 { consider(prev[pos]) }
            consider(pos)
        }
        var out: [Int32] = []
        var k = 0
        while k < n {
            out.append(ids[k])
            k = next[k]
        }
        return out
    }
}

/// A pair that may be merged: its rank, the position of its left symbol, and both ids.
private struct Candidate {
    var rank: UInt32
    var position: Int32
    var left: Int32
    var right: Int32

    var key: UInt64 { (UInt64(rank) << 32) | UInt64(UInt32(bitPattern: position)) }
}

/// Candidates pop by (rank, position): the lowest-rank merge, leftmost first.
extension Candidate: HeapOrdered {
    static func comesFirst(_ a: Candidate, _ b: Candidate) -> Bool { a.key < b.key }
}
