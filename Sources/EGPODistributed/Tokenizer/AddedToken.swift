/// A token of `tokenizer.json`'s `added_tokens`, matched in the text before the pre-tokenizer.
public struct AddedToken: Sendable, Hashable {
    public var content: String
    public var id: Int32
    /// `special`: a control token (decoding skips it when asked to); matching does not depend on it.
    public var special: Bool
    /// `normalized`: matched in the normalised text (after the tokens with `normalized: false`
    /// are taken out of the raw text), as Hugging Face's `AddedVocabulary` does.
    public var normalized: Bool
    /// `lstrip`: a match also takes the whitespace before it.
    public var lstrip: Bool
    /// `rstrip`: a match also takes the whitespace after it.
    public var rstrip: Bool
    /// `single_word`: a match counts only with no word character just before or after it.
    public var singleWord: Bool

    public init(content: String, id: Int32, special: Bool = true, normalized: Bool = false, lstrip: Bool = false, rstrip: Bool = false,
                singleWord: Bool = false) {
        self.content = content
        self.id = id
        self.special = special
        self.normalized = normalized
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.singleWord = singleWord
    }

    var specialToken: SpecialToken { SpecialToken(content: content, id: id) }
}
