/// Byte-level BPE (GPT-2 style): added tokens are matched in the raw text first, the rest is
/// normalised (NFC for Qwen2) and split by the pre-tokenisation rule of its pipeline (GPT-2's,
/// Qwen2's or Llama-3's regex), each piece starts as its bytes (one base token per byte, so any
/// UTF-8 text round-trips) and learnt merges are applied lowest rank first, leftmost first among
/// equals. Gives the same ids as Hugging Face `tokenizers` (`encode(text, add_special_tokens:
/// false)`) on the `tokenizer.json` it reads or writes (see scripts/tokenizer_reference.py,
/// scripts/hf_tokenizer_golden.py, TokenizerGoldenTests and HFTokenizerGoldenTests).
public struct BPETokenizer: Tokenizer {
    /// One learnt merge: two token ids and the id of their concatenation.
    public struct Merge: Sendable, Hashable {
        public var left: Int32
        public var right: Int32
        public var merged: Int32
    }

    /// Every added token (special or not) as content and id.
    public let specialTokens: [SpecialToken]
    /// The added tokens with their `tokenizer.json` flags, in id order.
    public let addedTokens: [AddedToken]
    public let vocabSize: Int
    /// Merges in rank order.
    public let merges: [Merge]
    /// Normalizer, pre-tokenizer split and `ignore_merges`.
    public let pipeline: TokenizerPipeline
    /// The `post_processor` entry of the file read, as JSON text ("null" for none), written back
    /// unchanged: `encode` never applies it (see `TokenizerPipeline.parse`), but `tokenizers`
    /// users of an exported file get the model's BOS handling.
    let postProcessorJSON: String
    /// The bytes of each token id (an added token's are its text; empty for an unused id).
    let tokenBytes: [[UInt8]]
    /// The id of each single byte.
    let byteIDs: [Int32]
    let pairs: PairTable
    /// Added tokens with `normalized: false`, found in the raw text.
    private let rawMatcher: SpecialTokenMatcher
    /// Added tokens with `normalized: true` (their content normalised), found in the normalised text.
    private let normalizedMatcher: SpecialTokenMatcher
    /// With `ignore_merges`: the id of every vocabulary token (not added tokens) by its bytes.
    private let wholeTokens: [[UInt8]: Int32]

    /// A tokenizer from its parts.
    /// - Parameters:
    ///   - tokenBytes: bytes of every id (index = id); added tokens' entries are their text.
    ///   - byteIDs: the id of each of the 256 bytes, -1 for a byte the vocabulary lacks (never produced).
    ///   - merges: in rank order.
    ///   - addedTokens: matched in the text before the pre-tokenizer.
    ///   - pipeline: normalizer, split and `ignore_merges`.
    ///   - postProcessorJSON: the file's `post_processor`, kept for writing.
    init(tokenBytes: [[UInt8]], byteIDs: [Int32], merges: [Merge], addedTokens: [AddedToken], pipeline: TokenizerPipeline = .gpt2,
         postProcessorJSON: String = "null") {
        precondition(byteIDs.count == 256, "byteIDs has \(byteIDs.count) entries, expected 256")
        self.tokenBytes = tokenBytes
        self.byteIDs = byteIDs
        self.merges = merges
        self.addedTokens = addedTokens.sorted { $0.id < $1.id }
        self.specialTokens = self.addedTokens.map(\.specialToken)
        self.pipeline = pipeline
        self.postProcessorJSON = postProcessorJSON
        vocabSize = tokenBytes.count
        var table = PairTable(capacity: merges.count)
        for (rank, m) in merges.enumerated() {
            table.insert(left: m.left, right: m.right, rank: UInt32(rank), merged: m.merged)
        }
        pairs = table
        rawMatcher = SpecialTokenMatcher(addedTokens.filter { !$0.normalized }, content: \.content)
        normalizedMatcher = SpecialTokenMatcher(addedTokens.filter(\.normalized)) {
            pipeline.normalizer == .nfc ? NFC.normalize($0.content) : $0.content
        }
        var whole: [[UInt8]: Int32] = [:]
        if pipeline.ignoreMerges {
            let added = Set(addedTokens.map(\.id))
            for (id, bytes) in tokenBytes.enumerated() where bytes.count > 1 && !added.contains(Int32(id)) {
                whole[bytes] = Int32(id)
            }
        }
        wholeTokens = whole
    }

    /// A tokenizer with GPT-2's pipeline whose added tokens are all special and unnormalised.
    init(tokenBytes: [[UInt8]], byteIDs: [Int32], merges: [Merge], specialTokens: [SpecialToken]) {
        self.init(tokenBytes: tokenBytes, byteIDs: byteIDs, merges: merges,
                  addedTokens: specialTokens.map { AddedToken(content: $0.content, id: $0.id) })
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
            var state = EncodeState(capacity: b.count / 2 + 8, caching: cachingPieces)
            rawMatcher.split(b, plain: { segment in
                if pipeline.normalizer == .nfc && NFC.mayChange(b, segment) {
                    // The cache keys are ranges of `b`; the normalised copy is another buffer.
                    let caching = state.cache
                    state.cache = nil
                    var normalized = NFC.normalize(String(decoding: UnsafeBufferPointer(rebasing: b[segment]), as: UTF8.self))
                    normalized.withUTF8 { nb in encodeNormalized(nb, 0..<nb.count, &state) }
                    state.cache = caching
                } else {
                    encodeNormalized(b, segment, &state)
                }
            }, special: { state.ids.append($0) })
            return state.ids
        }
    }

    /// What one `encode` call carries between its pieces: the output, scratch buffers, the cache.
    private struct EncodeState {
        var ids: [Int32] = []
        var work: [Int32] = []
        var ranks: [UInt32] = []
        // Short inputs (a prompt) are not worth a cache's set-up; long ones repeat their words.
        var cache: PieceCache?

        init(capacity: Int, caching: Bool) {
            ids.reserveCapacity(capacity)
            cache = caching ? PieceCache() : nil
        }
    }

    /// Encodes a normalised stretch: its normalised added tokens, and the pre-tokens between them.
    private func encodeNormalized(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ state: inout EncodeState) {
        normalizedMatcher.split(b, range, plain: { segment in
            switch pipeline.split {
            case .gpt2: GPT2PreTokenizer.split(b, segment) { encodeCached(b, $0, &state) }
            case .gpt2Digits: GPT2PreTokenizer.splitDigitsFirst(b, segment) { encodeCached(b, $0, &state) }
            case .qwen2, .llama3:
                SplitPreTokenizer.split(b, segment, maxDigits: pipeline.split.maxDigits) { encodeCached(b, $0, &state) }
            }
        }, special: { state.ids.append($0) })
    }

    @inline(__always)
    private func encodeCached(_ b: UnsafeBufferPointer<UInt8>, _ piece: Range<Int>, _ state: inout EncodeState) {
        guard piece.count > 1, state.cache != nil else {
            encodePiece(b, piece, into: &state.ids, work: &state.work, ranks: &state.ranks)
            return
        }
        let h = PieceCache.hash(b, piece)
        if state.cache!.lookup(b, piece, hash: h, into: &state.ids) { return }
        let first = state.ids.count
        encodePiece(b, piece, into: &state.ids, work: &state.work, ranks: &state.ranks)
        state.cache!.insert(b, piece, hash: h, ids: state.ids[first...])
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
            let id = byteIDs[Int(b[piece.lowerBound])]
            if id >= 0 { ids.append(id) }
            return
        }
        if !wholeTokens.isEmpty, let id = wholeTokens[Array(UnsafeBufferPointer(rebasing: b[piece]))] {
            ids.append(id)
            return
        }
        work.removeAll(keepingCapacity: true)
        // A byte with no token (-1: SmolLM2 lacks 21 of the 256) is dropped, as `tokenizers`' BPE
        // drops a character it cannot find when the model has no unk token; the symbols on either
        // side then meet and may merge.
        for i in piece where byteIDs[Int(b[i])] >= 0 { work.append(byteIDs[Int(b[i])]) }
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

    /// The bytes a token id stands for (an added token's text), or nil for an unknown id.
    public func bytes(of id: Int32) -> [UInt8]? {
        guard id >= 0 && Int(id) < tokenBytes.count && !tokenBytes[Int(id)].isEmpty else { return nil }
        return tokenBytes[Int(id)]
    }
}
