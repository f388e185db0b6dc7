/// Finds special-token texts in raw UTF-8, leftmost first and longest at a position, the way
/// Hugging Face's added-token matcher does for tokens with `normalized: false`.
struct SpecialTokenMatcher: Sendable {
    private let tokens: [(bytes: [UInt8], id: Int32)]
    private let mayStart: [Bool]

    /// Whether there is no token to find (the split is then the whole range).
    var isEmpty: Bool { tokens.isEmpty }

    init(_ specials: [SpecialToken]) {
        tokens = specials.map { (Array($0.content.utf8), $0.id) }
            .filter { !$0.0.isEmpty }
            .sorted { $0.0.count > $1.0.count }
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
            if mayStart[Int(bytes[i])], let (length, id) = match(bytes, at: i, end: n) {
                if segmentStart < i { plain(segmentStart..<i) }
                special(id)
                i += length
                segmentStart = i
            } else {
                i += 1
            }
        }
        if segmentStart < n { plain(segmentStart..<n) }
    }

    private func match(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> (Int, Int32)? {
        outer: for t in tokens where t.bytes.count <= end - i {
            for k in 0..<t.bytes.count where bytes[i + k] != t.bytes[k] { continue outer }
            return (t.bytes.count, t.id)
        }
        return nil
    }
}
