import FunctionCalling

/// Turns text into token ids and back. Both implementations (`ByteTokenizer`, `BPETokenizer`)
/// start from the 256 byte values, so any UTF-8 text round-trips exactly, and both match named
/// special tokens (`<|bos|>`, `<tool_call>`, ...) in the raw text before anything else.
public protocol Tokenizer: Sendable {
    /// Number of token ids: every id is in `0..<vocabSize`. A model's `vocab_size` must be at least this.
    var vocabSize: Int { get }
    /// The special tokens, each with its id (for a Hugging Face tokenizer.json, every added
    /// token, also the non-special ones such as Qwen's `<tool_call>`).
    var specialTokens: [SpecialToken] { get }
    /// Token ids of `text`; special-token texts found in it become their single ids.
    func encode(_ text: String) -> [Int32]
    /// The text of `ids`; special tokens decode to their text. Byte sequences that are not valid
    /// UTF-8 (a prefix cut inside a character) decode to U+FFFD.
    func decode(_ ids: [Int32]) -> String
    /// The raw bytes of `ids`, concatenated, for callers that stream partial characters.
    func decodeBytes(_ ids: [Int32]) -> [UInt8]
    /// The tokenizer as Hugging Face `tokenizer.json` text, or nil for the plain byte tokenizer
    /// (a model file without a `tokenizer` attribute means the byte tokenizer).
    func tokenizerJSON() -> String?
}

extension Tokenizer {
    /// Id of the special token whose text is `name` (e.g. `"<|eos|>"`), or nil.
    public func specialTokenID(_ name: String) -> Int32? {
        specialTokens.first { $0.content == name }?.id
    }

    /// Id of `<|bos|>` when the tokenizer has it.
    public var bosID: Int32? { specialTokenID(SpecialToken.bos) }
    /// Id of `<|eos|>` when the tokenizer has it.
    public var eosID: Int32? { specialTokenID(SpecialToken.eos) }
    /// Id of `<|pad|>` when the tokenizer has it.
    public var padID: Int32? { specialTokenID(SpecialToken.pad) }

    public func decode(_ ids: [Int32]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }
}

/// A named token matched verbatim in raw text and never split or merged.
public struct SpecialToken: Sendable, Hashable, Codable {
    /// Its text, e.g. `<|bos|>`.
    public var content: String
    /// Its id.
    public var id: Int32

    public init(content: String, id: Int32) {
        self.content = content
        self.id = id
    }

    public static let bos = "<|bos|>"
    public static let eos = PromptFormat.endOfSequence
    public static let pad = "<|pad|>"

    /// bos, eos, pad, then the prompt format's other markers (one source: `PromptFormat`), in id
    /// order: they take ids 256, 257, ... in both tokenizers, so a special token has the same id
    /// whichever tokenizer a model uses.
    public static let defaultNames: [String] =
        [bos, eos, pad] + PromptFormat.specialTokens.filter { $0 != PromptFormat.endOfSequence }

    /// `names` with consecutive ids starting at `firstID`.
    public static func numbered(_ names: [String], from firstID: Int32 = 256) -> [SpecialToken] {
        names.enumerated().map { SpecialToken(content: $0.element, id: firstID + Int32($0.offset)) }
    }
}

/// Reads a tokenizer back from what a model file carries: nil (no `tokenizer` attribute) is the
/// byte tokenizer with the default special tokens, text is a `tokenizer.json`.
public func makeTokenizer(json: String?) throws(TokenizerError) -> any Tokenizer {
    guard let json else { return ByteTokenizer() }
    return try BPETokenizer(json: json)
}
