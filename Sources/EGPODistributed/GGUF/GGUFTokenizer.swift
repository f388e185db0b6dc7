/// The tokenizer a GGUF file describes in its `tokenizer.ggml.*` metadata, as a `BPETokenizer`.
///
/// Supported: `tokenizer.ggml.model = gpt2` (byte-level BPE): `tokens` (index = id) written in
/// GPT-2's byte-to-character map, `merges` as "left right" lines in rank order, `token_type`
/// (1 normal, 3 control, 4 user-defined; control tokens become special added tokens,
/// user-defined ones plain added tokens, both matched whole in the raw text as llama.cpp and
/// transformers do). The pre-tokenizer comes from `tokenizer.ggml.pre`, llama.cpp's name for it
/// (llama-vocab.cpp): `smollm` is `Digits(individual_digits)` then GPT-2's regex, `gpt2` GPT-2's
/// regex, `qwen2` and `llama-bpe` those models' splits. A vocabulary missing some byte tokens
/// (SmolLM2 lacks 21) skips those bytes, as `tokenizers` does with no unk token. The
/// SentencePiece kind (`llama`) and any other kind or pre-tokenizer are refused by name.
public enum GGUFTokenizer {
    /// `tokenizer.ggml.pre` values and the pipeline each names.
    public static let pipelines: [(pre: String, pipeline: TokenizerPipeline)] = [
        ("smollm", .smollm), ("gpt2", .gpt2), ("qwen2", .qwen2), ("llama-bpe", .llama3),
    ]

    /// Token types of `tokenizer.ggml.token_type` (gguf-py `TokenType`).
    static let normal = 1, control = 3, userDefined = 4

    /// The special token ids the metadata names (`tokenizer.ggml.*_token_id`), nil when absent.
    public struct SpecialIDs: Sendable, Equatable {
        public var bos: Int?, eos: Int?, unknown: Int?, padding: Int?
        public var addBOS: Bool
    }

    /// Reads the tokenizer of `file`; `vocabularySize` (the embedding's rows) bounds its ids.
    public static func read(_ file: GGUFFile, vocabularySize: Int) throws(GGUFError) -> BPETokenizer {
        let path = file.path
        guard let model = file["tokenizer.ggml.model"]?.string else { throw .missingKey(path: path, key: "tokenizer.ggml.model") }
        guard model == "gpt2" else {
            throw .unsupported(path: path, key: "tokenizer.ggml.model", value: model,
                               supported: "gpt2 (byte-level BPE); llama (SentencePiece) is not supported")
        }
        let pre = file["tokenizer.ggml.pre"]?.string ?? "default"
        guard let pipeline = pipelines.first(where: { $0.pre == pre })?.pipeline else {
            throw .unsupported(path: path, key: "tokenizer.ggml.pre", value: pre, supported: pipelines.map(\.pre).joined(separator: ", "))
        }
        let tokens = try strings(file, "tokenizer.ggml.tokens")
        guard !tokens.isEmpty, tokens.count <= vocabularySize else {
            throw .badMetadata(path: path, key: "tokenizer.ggml.tokens", message: "has \(tokens.count) tokens, expected 1 to \(vocabularySize) (the embedding's rows)")
        }
        var types = [Int](repeating: normal, count: tokens.count)
        if let value = file["tokenizer.ggml.token_type"] {
            guard let array = value.array, array.count == tokens.count, array.allSatisfy({ $0.int != nil }) else {
                throw .badMetadata(path: path, key: "tokenizer.ggml.token_type", message: "is \(value.summary), expected \(tokens.count) integers")
            }
            types = array.map { $0.int! }
        }
        let mergeLines = try strings(file, "tokenizer.ggml.merges")

        var tokenBytes = [[UInt8]](repeating: [], count: tokens.count)
        var added: [AddedToken] = []
        var idOf: [String: Int32] = [:]
        for (id, token) in tokens.enumerated() {
            if types[id] == control || types[id] == userDefined {
                tokenBytes[id] = Array(token.utf8)
                added.append(AddedToken(content: token, id: Int32(id), special: types[id] == control))
            } else if let bytes = ByteLevelMapping.decode(token) {
                tokenBytes[id] = bytes
            } else {
                throw .badMetadata(path: path, key: "tokenizer.ggml.tokens[\(id)]",
                                   message: "\(token.debugDescription) (type \(types[id])) is outside GPT-2's byte-to-character map")
            }
            if let other = idOf[token] {
                throw .badMetadata(path: path, key: "tokenizer.ggml.tokens[\(id)]", message: "\(token.debugDescription) is also token \(other)")
            }
            idOf[token] = Int32(id)
        }
        var byteIDs = [Int32](repeating: -1, count: 256)
        for b in 0 ..< 256 {
            if let id = idOf[String(ByteLevelMapping.byteToScalar[b])], types[Int(id)] == normal { byteIDs[b] = id }
        }
        var merges: [BPETokenizer.Merge] = []
        merges.reserveCapacity(mergeLines.count)
        for (k, line) in mergeLines.enumerated() {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, let left = idOf[String(parts[0])], let right = idOf[String(parts[1])],
                  let merged = idOf[String(parts[0] + parts[1])] else {
                throw .badMetadata(path: path, key: "tokenizer.ggml.merges[\(k)]",
                                   message: "\(line.debugDescription) is not two tokens whose concatenation is a token")
            }
            merges.append(BPETokenizer.Merge(left: left, right: right, merged: merged))
        }
        return BPETokenizer(tokenBytes: tokenBytes, byteIDs: byteIDs, merges: merges, addedTokens: added, pipeline: pipeline)
    }

    /// The special token ids and `add_bos_token`, each checked to be a token of `tokenCount`.
    public static func specialIDs(_ file: GGUFFile, tokenCount: Int) throws(GGUFError) -> SpecialIDs {
        func id(_ name: String) throws(GGUFError) -> Int? {
            let key = "tokenizer.ggml.\(name)_token_id"
            guard let value = file[key] else { return nil }
            guard let n = value.int, n >= 0, n < tokenCount else {
                throw .badMetadata(path: file.path, key: key, message: "is \(value.summary), expected a token id below \(tokenCount)")
            }
            return n
        }
        return SpecialIDs(bos: try id("bos"), eos: try id("eos"), unknown: try id("unknown"), padding: try id("padding"),
                          addBOS: file["tokenizer.ggml.add_bos_token"]?.bool ?? false)
    }

    /// The strings of array `key`.
    static func strings(_ file: GGUFFile, _ key: String) throws(GGUFError) -> [String] {
        guard let value = file[key] else { throw .missingKey(path: file.path, key: key) }
        guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
            throw .badMetadata(path: file.path, key: key, message: "is \(value.summary), expected an array of strings")
        }
        return array.map { $0.string! }
    }
}
