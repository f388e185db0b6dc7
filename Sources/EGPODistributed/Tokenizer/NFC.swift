import Foundation

/// Unicode canonical composition (NFC), Qwen2's normalizer, through Foundation (ICU tables).
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
        text.precomposedStringWithCanonicalMapping
    }
}
