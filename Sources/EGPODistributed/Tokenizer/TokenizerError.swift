/// What can go wrong reading or training a tokenizer.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// The text is not JSON, or a required field is missing or of the wrong type.
    case malformed(field: String, reason: String)
    /// A valid `tokenizer.json` using a feature this implementation does not have (another
    /// pre-tokenizer or Split regex, a normalizer other than NFC, a WordPiece model, ...).
    case unsupported(field: String, found: String, expected: String)
    /// A merge names a token that is not in the vocabulary, or makes one that is not.
    case badMerge(index: Int, merge: String, reason: String)
    /// Training was asked for a vocabulary smaller than the bytes plus the special tokens.
    case vocabularyTooSmall(requested: Int, minimum: Int)

    public var description: String {
        switch self {
        case let .io(path, reason):
            return "tokenizer file \(path): \(reason)"
        case let .malformed(field, reason):
            return "tokenizer.json field `\(field)`: \(reason)"
        case let .unsupported(field, found, expected):
            return "tokenizer.json field `\(field)` is \(found), but only \(expected) is supported "
                + "(this reader handles byte-level BPE files: the ones `launcher tokenizer train` writes, and Qwen2, Qwen2.5, Qwen3 and Llama-3.x tokenizer.json)"
        case let .badMerge(index, merge, reason):
            return "tokenizer.json merge #\(index) `\(merge)`: \(reason)"
        case let .vocabularyTooSmall(requested, minimum):
            return "vocabulary size \(requested) is too small: the 256 bytes and the special tokens need \(minimum)"
        }
    }
}
