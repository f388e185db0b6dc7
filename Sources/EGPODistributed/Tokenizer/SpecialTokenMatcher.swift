/// Finds special-token texts in raw UTF-8, leftmost first and longest at a position, the way
/// Hugging Face's added-token matcher does for tokens with `normalized: false`.
struct SpecialTokenMatcher: Sendable {
    private let tokens: [(bytes: [UInt8], id: Int32)]
    private let mayStart: [Bool]

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
        var segmentStart = 0
        var i = 0
        let n = bytes.count
        while i < n {
            if mayStart[Int(bytes[i])], let (length, id) = match(bytes, at: i) {
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

    private func match(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int32)? {
        outer: for t in tokens where t.bytes.count <= bytes.count - i {
            for k in 0..<t.bytes.count where bytes[i + k] != t.bytes[k] { continue outer }
            return (t.bytes.count, t.id)
        }
        return nil
    }
}
