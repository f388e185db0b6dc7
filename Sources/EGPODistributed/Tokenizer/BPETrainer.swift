/// Learns byte-level BPE merges from a corpus.
///
/// The corpus is cut at special tokens, split by GPT-2's pre-tokenisation rule and reduced to
/// unique pieces with counts; then the most frequent adjacent pair is merged, repeatedly. Pair
/// counts are kept incrementally (a merge only touches the pieces that contain the pair, found
/// through a pair-to-pieces index) and the best pair comes from a max-heap with lazy
/// invalidation, as in Hugging Face's `BpeTrainer`, so a merge costs what it changes, not a recount.
public struct BPETrainer: Sendable {
    /// Total vocabulary: 256 bytes, the special tokens, and the learnt tokens.
    public var vocabSize: Int
    /// Special-token texts, given ids 256, 257, ...
    public var specialNames: [String]
    /// A pair seen fewer times than this is never merged (training may stop below `vocabSize`).
    public var minFrequency: Int

    public init(vocabSize: Int, specialNames: [String] = SpecialToken.defaultNames, minFrequency: Int = 2) {
        self.vocabSize = vocabSize
        self.specialNames = specialNames
        self.minFrequency = minFrequency
    }

    /// Trains on `corpus` and returns the tokenizer.
    public func train(corpus: String) throws(TokenizerError) -> BPETokenizer {
        let base = BPETokenizer(specialNames: specialNames)
        guard vocabSize >= base.vocabSize else {
            throw .vocabularyTooSmall(requested: vocabSize, minimum: base.vocabSize)
        }
        var corpus = corpus
        let (words, counts) = corpus.withUTF8 { Self.countPieces($0, specials: base.specialTokens) }
        return learn(words: words, counts: counts, base: base)
    }

    /// Unique pieces of the corpus as byte-id sequences, with their counts.
    static func countPieces(_ b: UnsafeBufferPointer<UInt8>, specials: [SpecialToken]) -> ([[Int32]], [Int]) {
        var counter = PieceCounter(bytes: b)
        SpecialTokenMatcher(specials).split(b, plain: { segment in
            GPT2PreTokenizer.split(b, segment) { counter.add($0) }
        }, special: { _ in })
        let words = counter.pieces.map { r in r.map { Int32(b[$0]) } }
        return (words, counter.counts)
    }

    private func learn(words: [[Int32]], counts: [Int], base: BPETokenizer) -> BPETokenizer {
        var words = words
        var tokenBytes = base.tokenBytes
        var idOfBytes: [[UInt8]: Int32] = [:]
        for (id, bytes) in tokenBytes.enumerated() where id < 256 { idOfBytes[bytes] = Int32(id) }

        var pairCounts: [UInt64: Int] = [:]
        var wherePair: [UInt64: [Int32]] = [:]
        for (w, word) in words.enumerated() where word.count > 1 {
            for k in 0..<(word.count - 1) {
                let key = PairTable.key(word[k], word[k + 1])
                pairCounts[key, default: 0] += counts[w]
                wherePair[key, default: []].append(Int32(w))
            }
        }
        var heap = BinaryHeap<PairEntry>()
        for (key, count) in pairCounts { heap.push(PairEntry(count: count, key: key)) }

        var merges: [BPETokenizer.Merge] = []
        var delta: [UInt64: Int] = [:]
        while tokenBytes.count < vocabSize, let top = heap.pop() {
            let current = pairCounts[top.key] ?? 0
            if current != top.count {
                if current >= minFrequency { heap.push(PairEntry(count: current, key: top.key)) }
                continue
            }
            if current < minFrequency { break }
            let a = Int32(truncatingIfNeeded: top.key >> 32), b = Int32(truncatingIfNeeded: top.key & 0xFFFF_FFFF)
            let bytes = tokenBytes[Int(a)] + tokenBytes[Int(b)]
            let merged: Int32
            if let existing = idOfBytes[bytes] {
                merged = existing
            } else {
                merged = Int32(tokenBytes.count)
                tokenBytes.append(bytes)
                idOfBytes[bytes] = merged
            }
            merges.append(.init(left: a, right: b, merged: merged))

            // Re-count only the pieces that contain (a, b): subtract their old pairs, merge, add the new ones.
            delta.removeAll(keepingCapacity: true)
            for w in wherePair.removeValue(forKey: top.key) ?? [] {
                let word = words[Int(w)]
                guard Self.contains(word, a, b) else { continue }
                let c = counts[Int(w)]
                for k in 0..<(word.count - 1) { delta[PairTable.key(word[k], word[k + 1]), default: 0] -= c }
                var out: [Int32] = []
                out.reserveCapacity(word.count)
                var k = 0
                while k < word.count {
                    if k + 1 < word.count && word[k] == a && word[k + 1] == b {
                        out.append(merged); k += 2
                    } else {
                        out.append(word[k]); k += 1
                    }
                }
                for k in 0..<max(0, out.count - 1) {
                    let key = PairTable.key(out[k], out[k + 1])
                    delta[key, default: 0] += c
                    if out[k] == merged || out[k + 1] == merged { wherePair[key, default: []].append(w) }
                }
                words[Int(w)] = out
            }
            for (key, d) in delta where d != 0 {
                let updated = (pairCounts[key] ?? 0) + d
                pairCounts[key] = updated > 0 ? updated : nil
                if d > 0 { heap.push(PairEntry(count: updated, key: key)) }
            }
        }
        return BPETokenizer(tokenBytes: tokenBytes, byteIDs: base.byteIDs, merges: merges, specialTokens: base.specialTokens)
    }

    private static func contains(_ word: [Int32], _ a: Int32, _ b: Int32) -> Bool {
        guard word.count > 1 else { return false }
        for k in 0..<(word.count - 1) where word[k] == a && word[k + 1] == b { return true }
        return false
    }
}

/// Counts distinct byte ranges of one buffer without copying them (open addressing on FNV-1a).
private struct PieceCounter {
    let bytes: UnsafeBufferPointer<UInt8>
    var pieces: [Range<Int>] = []
    var counts: [Int] = []
    private var slots = [Int32](repeating: -1, count: 1 << 16)
    private var hashes: [UInt64] = []

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func add(_ r: Range<Int>) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in r { h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h >> 20) & mask
        while slots[s] >= 0 {
            let p = Int(slots[s])
            if hashes[p] == h && equal(pieces[p], r) { counts[p] += 1; return }
            s = (s + 1) & mask
        }
        slots[s] = Int32(pieces.count)
        pieces.append(r)
        counts.append(1)
        hashes.append(h)
        if pieces.count * 2 > slots.count { grow() }
    }

    private func equal(_ x: Range<Int>, _ y: Range<Int>) -> Bool {
        guard x.count == y.count else { return false }
        for k in 0..<x.count where bytes[x.lowerBound + k] != bytes[y.lowerBound + k] { return false }
        return true
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (p, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h >> 20) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(p)
        }
    }
}

/// A pair and its count as pushed into the trainer's heap (entries go stale when counts change;
/// the trainer checks them on pop). The most frequent pair pops first, ties by key.
private struct PairEntry: HeapOrdered {
    var count: Int
    var key: UInt64

    static func comesFirst(_ x: PairEntry, _ y: PairEntry) -> Bool {
        x.count != y.count ? x.count > y.count : x.key < y.key
    }
}
