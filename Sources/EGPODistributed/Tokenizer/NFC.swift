/// Unicode canonical composition (NFC), Qwen2's normalizer, through the standard library's own
/// normaliser (the one `String` equality and hashing use), exposed as `_nfcCodeUnits`.
/// Foundation's `precomposedStringWithCanonicalMapping` is not used: on Linux it composes any
/// leading and vowel jamo as if they were modern (U+1113 U+1166 becomes U+FFFD, U+1113 U+1161
/// the unassigned U+D7A4), where `tokenizers` (and Python's unicodedata) leave them apart.
enum NFC {
    /// False when NFC leaves `range` as it is for certain: every scalar below U+0300 (lead byte
    /// below 0xCC) is NFC-stable and composes with nothing before it, so ASCII and Latin-1 text,
    /// most of what a prompt holds, skips the conversion.
    static func mayChange(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range where b[i] >= 0xCC { return true }
        return false
    }

    /// The NFC form of a string.
    static func normalize(_ text: String) -> String {
        String(decoding: text._nfcCodeUnits, as: UTF8.self)
    }
}
