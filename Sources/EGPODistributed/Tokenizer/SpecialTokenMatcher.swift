/// Finds added-token texts in UTF-8, leftmost first and longest at a position, the way Hugging
/// Face's `AddedVocabulary` does (an Aho-Corasick automaton, leftmost-longest): a token with
/// `lstrip` also takes the whitespace before it (not what an earlier token already took), one
/// with `rstrip` the whitespace after it (that whitespace then belongs to no pre-token), and one
/// with `single_word` counts only with no word character (Rust regex's `\w`) on either side.
struct SpecialTokenMatcher: Sendable {
    private struct Entry: Sendable {
        var bytes: [UInt8]
        var id: Int32
        var lstrip: Bool
        var rstrip: Bool
        var singleWord: Bool
    }

    private let tokens: [Entry]
    private let mayStart: [Bool]

    /// Whether there is no token to find (the split is then the whole range).
    var isEmpty: Bool { tokens.isEmpty }

    /// Tokens matched verbatim, taking no whitespace.
    init(_ specials: [SpecialToken]) {
        self.init(entries: specials.map { Entry(bytes: Array($0.content.utf8), id: $0.id, lstrip: false, rstrip: false, singleWord: false) })
    }

    /// Added tokens with their `lstrip`, `rstrip` and `single_word` flags; `content` is each one's matched text.
    init(_ added: [AddedToken], content: (AddedToken) -> String) {
        self.init(entries: added.map {
            Entry(bytes: Array(content($0).utf8), id: $0.id, lstrip: $0.lstrip, rstrip: $0.rstrip, singleWord: $0.singleWord)
        })
    }

    private init(entries: [Entry]) {
        tokens = entries.filter { !$0.bytes.isEmpty }.sorted { $0.bytes.count > $1.bytes.count }
        var mayStart = [Bool](repeating: false, count: 256)
        for t in tokens { mayStart[Int(t.bytes[0])] = true }
        self.mayStart = mayStart
    }

    /// Calls `plain` for each stretch of ordinary text and `special` for each special token, in order.
    func split(_ bytes: UnsafeBufferPointer<UInt8>, plain: (Range<Int>) -> Void, special: (Int32) -> Void) {
        split(bytes, 0..<bytes.count, plain: plain, special: special)
    }

    /// `split` of the bytes in `range` only.
    func split(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, plain: (Range<Int>) -> Void, special: (Int32) -> Void) {
        var segmentStart = range.lowerBound
        var i = range.lowerBound
        let n = range.upperBound
        if tokens.isEmpty {
            if segmentStart < n { plain(segmentStart..<n) }
            return
        }
        while i < n {
            if mayStart[Int(bytes[i])], let t = match(bytes, at: i, end: n) {
                // A match refused for single_word is still consumed, as in the automaton's
                // non-overlapping iteration: no other token is looked for inside it.
                if t.singleWord && (Self.wordCharacterEnds(bytes, at: i, from: range.lowerBound)
                                    || Self.wordCharacterStarts(bytes, at: i + t.bytes.count, end: n)) {
                    i += t.bytes.count
                    continue
                }
                var start = i
                var stop = i + t.bytes.count
                if t.lstrip { start = Swift.max(Self.whitespaceStart(bytes, before: i, from: segmentStart), segmentStart) }
                if t.rstrip { stop = Self.whitespaceEnd(bytes, after: stop, end: n) }
                if segmentStart < start { plain(segmentStart..<start) }
                special(t.id)
                i = stop
                segmentStart = stop
            } else {
                i += 1
            }
        }
        if segmentStart < n { plain(segmentStart..<n) }
    }

    private func match(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Entry? {
        outer: for t in tokens where t.bytes.count <= end - i {
            for k in 0..<t.bytes.count where bytes[i + k] != t.bytes[k] { continue outer }
            return t
        }
        return nil
    }

    /// Start of the run of White_Space scalars that ends at `i` (no earlier than `lower`).
    private static func whitespaceStart(_ b: UnsafeBufferPointer<UInt8>, before i: Int, from lower: Int) -> Int {
        var j = i
        while j > lower {
            var k = j - 1
            while k > lower && b[k] & 0xC0 == 0x80 { k -= 1 }   // back to the scalar's lead byte
            guard GPT2PreTokenizer.scalar(b, k).0 == .space else { break }
            j = k
        }
        return j
    }

    /// Whether the scalar just before `i` (not before `lower`) is a word character.
    private static func wordCharacterEnds(_ b: UnsafeBufferPointer<UInt8>, at i: Int, from lower: Int) -> Bool {
        guard i > lower else { return false }
        var k = i - 1
        while k > lower && b[k] & 0xC0 == 0x80 { k -= 1 }
        return isWordCharacter(b, k)
    }

    /// Whether the scalar at `i` (before `end`) is a word character.
    private static func wordCharacterStarts(_ b: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Bool {
        i < end && isWordCharacter(b, i)
    }

    /// Rust regex's Unicode `\w`: Alphabetic, a mark, a decimal digit, connector punctuation
    /// (`_`) or a join control (ZWJ, ZWNJ).
    private static func isWordCharacter(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard let s = String(decoding: UnsafeBufferPointer(rebasing: b[i..<Swift.min(i + 4, b.count)]), as: UTF8.self).unicodeScalars.first
        else { return false }
        let p = s.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// End of the run of White_Space scalars that starts at `i` (no later than `end`).
    private static func whitespaceEnd(_ b: UnsafeBufferPointer<UInt8>, after i: Int, end: Int) -> Int {
        var j = i
        while j < end {
            let (c, n) = GPT2PreTokenizer.scalar(b, j)
            guard c == .space else { break }
            j += n
        }
        return j
    }
}
