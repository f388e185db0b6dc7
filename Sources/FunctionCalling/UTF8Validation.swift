/// Where bytes stop being UTF-8. Decoding with `String(decoding:as:)` puts U+FFFD in place of a
/// bad byte without a word, so an input with invalid UTF-8 (a Latin-1 file, a cut multi-byte
/// character) would be read as some other text; readers check first and name the byte.
public enum UTF8Validation {
    /// The offset of the first byte of the first invalid sequence in `bytes`, or nil when they
    /// are all UTF-8.
    public static func firstInvalidByte<C: Collection<UInt8>>(in bytes: C) -> Int? {
        // ASCII is valid on its own; most inputs are all ASCII.
        guard bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
