/// What a byte-level BPE does to text before its merges, as named in `tokenizer.json`: the
/// normalizer, the pre-tokenizer split, and whether a pre-token found whole in the vocabulary
/// skips the merges. Three pipelines exist in the files this reader takes: GPT-2's (the project's
/// own tokenizers), Qwen2's (Qwen2, Qwen2.5, Qwen3) and Llama-3's.
public struct TokenizerPipeline: Sendable, Hashable {
    /// Unicode normalisation of the text between added tokens.
    public enum Normalizer: Sendable, Hashable {
        case none
        /// Canonical composition (Qwen2's `{"type": "NFC"}`).
        case nfc
    }

    /// How the text is cut into pre-tokens before each is merged.
    public enum Split: Sendable, Hashable {
        /// `ByteLevel` with `use_regex: true`: GPT-2's regex (`GPT2PreTokenizer`).
        case gpt2
        /// `Digits(individual_digits: true)`, then `ByteLevel` with GPT-2's regex (SmolLM2; GGUF's
        /// `tokenizer.ggml.pre = smollm`): every digit is a piece, GPT-2's split runs between them.
        case gpt2Digits
        /// `Split` on Qwen2's regex (one digit per piece), then `ByteLevel(use_regex: false)`.
        case qwen2
        /// `Split` on Llama-3's regex (up to three digits per piece), then `ByteLevel(use_regex: false)`.
        case llama3

        /// Longest digit run of one pre-token under the Split regexes.
        var maxDigits: Int { self == .llama3 ? 3 : 1 }

        /// The `Split` pre-tokenizer's regex, exactly as the models' tokenizer.json files write it.
        var pattern: String? {
            switch self {
            case .gpt2, .gpt2Digits: return nil
            case .qwen2: return Self.qwen2Pattern
            case .llama3: return Self.llama3Pattern
            }
        }

        static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

        /// The split whose `Split` regex is `pattern`, or nil for any other regex.
        static func matching(pattern: String) -> Split? {
            [Split.qwen2, .llama3].first { $0.pattern == pattern }
        }
    }

    public var normalizer: Normalizer
    public var split: Split
    /// BPE `ignore_merges` (Llama-3): a pre-token that is itself in the vocabulary is that one id.
    public var ignoreMerges: Bool

    public init(normalizer: Normalizer, split: Split, ignoreMerges: Bool) {
        self.normalizer = normalizer
        self.split = split
        self.ignoreMerges = ignoreMerges
    }

    /// The project's own tokenizers (and GPT-2's): no normalizer, GPT-2's split, merges always.
    public static let gpt2 = TokenizerPipeline(normalizer: .none, split: .gpt2, ignoreMerges: false)
    /// Qwen2, Qwen2.5 and Qwen3 tokenizer.json files.
    public static let qwen2 = TokenizerPipeline(normalizer: .nfc, split: .qwen2, ignoreMerges: false)
    /// SmolLM2 (and the other models whose GGUF says `pre = smollm`).
    public static let smollm = TokenizerPipeline(normalizer: .none, split: .gpt2Digits, ignoreMerges: false)
    /// Llama-3.x tokenizer.json files.
    public static let llama3 = TokenizerPipeline(normalizer: .none, split: .llama3, ignoreMerges: true)
}
