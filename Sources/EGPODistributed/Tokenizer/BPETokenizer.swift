/// Byte-level BPE (GPT-2 style): special tokens are matched in the raw text first, the rest is
/// split by GPT-2's pre-tokenisation rule, each piece starts as its bytes (one base token per
/// byte, so any UTF-8 text round-trips) and learnt merges are applied lowest rank first, leftmost
/// first among equals. Gives the same ids as Hugging Face `tokenizers` on the `tokenizer.json` it
/// writes (see scripts/tokenizer_reference.py and TokenizerGoldenTests).
public struct BPETokenizer: Tokenizer {
    /// One learnt merge: two token ids and the id of their concatenation.
    public struct Merge: Sendable, Hashable {
        public var left: Int32
        public var right: Int32
        public var merged: Int32
    }

    public let specialTokens: [SpecialToken]
    public let vocabSize: Int
    /// Merges in rank order.
    public let merges: [Merge]
    /// The bytes of each token id (a special token's are its text; empty for an unused id).
    let tokenBytes: [[UInt8]]
    /// The id of each single byte.
    let byteIDs: [Int32]
    let pairs: PairTable
    private let matcher: SpecialTokenMatcher

    /// A tokenizer from its parts.
    /// - Parameters:
    ///   - tokenBytes: bytes of every id (index = id); special tokens' entries are their text.
    ///   - byteIDs: the id of each of the 256 bytes.
    ///   - merges: in rank order.
    ///   - specialTokens: matched verbatim in raw text.
    init(tokenBytes: [[UInt8]], byteIDs: [Int32], merges: [Merge], specialTokens: [SpecialToken]) {
        precondition(byteIDs.count == 256, "byteIDs has \(byteIDs.count) entries, expected 256")
        self.tokenBytes = tokenBytes
        self.byteIDs = byteIDs
        self.merges = merges
        self.specialTokens = specialTokens
        vocabSize = tokenBytes.count
        var table = PairTable(capacity: merges.count)
        for (rank, m) in merges.enumerated() {
            table.insert(left: m.left, right: m.right, rank: UInt32(rank), merged: m.merged)
        }
        pairs = table
        matcher = SpecialTokenMatcher(specialTokens)
    }

    /// A tokenizer with no merges yet: the 256 bytes (id b for byte b), then `specialNames` from 256.
    public init(specialNames: [String] = SpecialToken.defaultNames) {
        let specials = SpecialToken.numbered(specialNames)
        let bytes = (0..<256).map { [UInt8($0)] } + specials.map { Array($0.content.utf8) }
        self.init(tokenBytes: bytes, byteIDs: (0..<256).map { Int32($0) }, merges: [], specialTokens: specials)
    }

    public func encode(_ text: String) -> [Int32] {
        encode(text, cachingPieces: text.utf8.count >= Self.cacheThreshold)
    }

    /// `encode`, with the per-call piece cache forced on or off (tests compare the two).
    func encode(_ text: String, cachingPieces: Bool) -> [Int32] {
        var text = text
        return text.withUTF8 { b in
            var ids: [Int32] = []
            ids.reserveCapacity(b.count / 2 + 8)
            var work: [Int32] = []
            var ranks: [UInt32] = []
            // Short inputs (a prompt) are not worth a cache's set-up; long ones repeat their words.
            var cache: PieceCache? = cachingPieces ? PieceCache() : nil
            matcher.split(b, plain: { segment in
                GPT2PreTokenizer.split(b, segment) { piece in
                    guard piece.count > 1, cache != nil else {
                        encodePiece(b, piece, into: &ids, work: &work, ranks: &ranks)
                        return
                    }
                    let h = PieceCache.hash(b, piece)
                    if cache!.lookup(b, piece, hash: h, into: &ids) { return }
                    let first = ids.count
                    encodePiece(b, piece, into: &ids, work: &work, ranks: &ranks)
                    cache!.insert(b, piece, hash: h, ids: ids[first...])
                }
            }, special: { ids.append($0) })
            return ids
        }
    }

    /// Inputs of at least this many bytes get a piece cache.
    static let cacheThreshold = 2048

    /// Pieces longer than this (a long run of punctuation, a base64 blob) merge through a heap,
    /// so their cost stays O(n log n) instead of the linear scan's O(n^2).
    static let longPieceThreshold = 128

    /// Applies the merges to one pre-tokenised piece.
    @inline(__always)
    private func encodePiece(_ b: UnsafeBufferPointer<UInt8>, _ piece: Range<Int>, into ids: inout [Int32],
                             work: inout [Int32], ranks: inout [UInt32]) {
        if piece.count == 1 {
            ids.append(byteIDs[Int(b[piece.lowerBound])])
            return
        }
        work.removeAll(keepingCapacity: true)
        for i in piece { work.append(byteIDs[Int(b[i])]) }
        if piece.count > Self.longPieceThreshold {
            ids.append(contentsOf: mergeWithHeap(work))
        } else {
            merge(&work, ranks: &ranks)
            ids.append(contentsOf: work)
        }
    }

    /// Merges `work` in place: lowest rank first, leftmost among equals. Pieces are usually short
    /// (a word, a number, a space run), and there a linear scan for the best pair beats a heap.
    func merge(_ work: inout [Int32], ranks: inout [UInt32]) {
        ranks.removeAll(keepingCapacity: true)
        guard work.count > 1 else { return }
        for k in 0..<(work.count - 1) { ranks.append(pairs.lookup(work[k], work[k + 1]).rank) }
        while !ranks.isEmpty {
            var best = 0
            var bestRank = ranks[0]
            for k in 1..<ranks.count where ranks[k] < bestRank {
                bestRank = ranks[k]
                best = k
            }
            if bestRank == UInt32.max { break }
            work[best] = pairs.lookup(work[best], work[best + 1]).merged
            work.remove(at: best + 1)
            ranks.remove(at: best)
            if best > 0 { ranks[best - 1] = pairs.lookup(work[best - 1], work[best]).rank }
            if best < ranks.count { ranks[best] = pairs.lookup(work[best], work[best + 1]).rank }
        }
    }

    public func decodeBytes(_ ids: [Int32]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 3)
        for id in ids {
            if id >= 0 && Int(id) < tokenBytes.count && !tokenBytes[Int(id)].isEmpty {
                out.append(contentsOf: tokenBytes[Int(id)])
            } else {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD for an id outside the vocabulary
            }
        }
        return out
    }

    /// The bytes a token id stands for (a special token's text), or nil for an unknown id.
    public func bytes(of id: Int32) -> [UInt8]? {
        guard id >= 0 && Int(id) < tokenBytes.count && !tokenBytes[Int(id)].isEmpty else { return nil }
        return tokenBytes[Int(id)]
    }
}
