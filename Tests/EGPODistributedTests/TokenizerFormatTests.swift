import Foundation
import Testing
@testable import EGPODistributed

/// Files this reader cannot honour fail with a typed error naming the field, not with wrong ids.
@Suite struct TokenizerFormatTests {
    static func json(preTokenizer: String = #"{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}"#,
                     normalizer: String = "null", model: String = #"{"type": "BPE", "vocab": {}, "merges": []}"#) -> String {
        #"{"added_tokens": [], "normalizer": \#(normalizer), "pre_tokenizer": \#(preTokenizer), "model": \#(model)}"#
    }

    @Test func otherPreTokenizerIsUnsupported() {
        #expect(throws: TokenizerError.unsupported(field: "pre_tokenizer.type", found: "Metaspace",
                                                   expected: "ByteLevel, or a Sequence of Split (Qwen2's or Llama-3's regex) and ByteLevel")) {
            try BPETokenizer(json: Self.json(preTokenizer: #"{"type": "Metaspace", "replacement": "▁"}"#))
        }
    }

    @Test func prefixSpaceIsUnsupported() {
        #expect(throws: TokenizerError.unsupported(field: "pre_tokenizer.add_prefix_space", found: "true", expected: "false")) {
            try BPETokenizer(json: Self.json(preTokenizer: #"{"type": "ByteLevel", "add_prefix_space": true}"#))
        }
    }

    @Test func normalizerAndWordPieceAreUnsupported() {
        #expect(throws: TokenizerError.unsupported(field: "normalizer.type", found: "NFKC", expected: "null, NFC or a Sequence of NFC")) {
            try BPETokenizer(json: Self.json(normalizer: #"{"type": "NFKC"}"#))
        }
        #expect(throws: TokenizerError.unsupported(field: "model.type", found: "WordPiece", expected: "BPE")) {
            try BPETokenizer(json: Self.json(model: #"{"type": "WordPiece", "vocab": {}}"#))
        }
    }

    /// A vocabulary without some byte tokens (SmolLM2 lacks 21 of the 256) loads; those bytes are
    /// dropped as `tokenizers`' BPE drops them with no unk token, and their neighbours in the
    /// piece may then merge. Checked in tokenizers 0.23: BPE({"-": 0, "--": 1, "a": 2},
    /// [("-", "-")]) with GPT-2's ByteLevel gives "-\x04-" -> [1], "a\x04-" -> [2, 0], "\x04" -> [].
    @Test func missingByteTokensAreSkippedAsTokenizersSkipsThem() throws {
        let tokenizer = try BPETokenizer(json: Self.json(model: #"{"type": "BPE", "vocab": {"-": 0, "--": 1, "a": 2}, "merges": ["- -"]}"#))
        #expect(tokenizer.encode("-\u{04}-") == [1])
        #expect(tokenizer.encode("a\u{04}-") == [2, 0])
        #expect(tokenizer.encode("\u{04}") == [])
        #expect(try BPETokenizer(json: Self.json()).encode("abc") == [])
    }

    /// SmolLM2's `[Digits(individual_digits), ByteLevel]` pre-tokenizer: every \p{N} scalar alone,
    /// GPT-2's split between them. Pieces from tokenizers 0.23's `pre_tokenize_str`.
    @Test func digitsThenByteLevelSplitsAsTokenizersDoes() throws {
        let pre = #"{"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true}, "#
            + #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}]}"#
        let tokenizer = try BPETokenizer(json: Self.json(preTokenizer: pre))
        #expect(tokenizer.pipeline == .smollm)
        #expect(try BPETokenizer(json: tokenizer.jsonText()).pipeline == .smollm)
        let cases: [(String, [String])] = [
            ("x  1\t\t22\n\n333", ["x", "  ", "1", "\t\t", "2", "2", "\n\n", "3", "3", "3"]),
            ("a1b 23 c\u{663}\u{bd} ", ["a", "1", "b", " ", "2", "3", " c", "\u{663}", "\u{bd}", " "]),
            ("it's 42's", ["it", "'s", " ", "4", "2", "'s"]),
        ]
        for (text, want) in cases {
            var pieces: [String] = []
            var copy = text
            copy.withUTF8 { b in GPT2PreTokenizer.splitDigitsFirst(b, 0 ..< b.count) { pieces.append(String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self)) } }
            #expect(pieces == want, "\(text.debugDescription)")
        }
        #expect(throws: TokenizerError.self) {
            try BPETokenizer(json: Self.json(preTokenizer: pre.replacingOccurrences(of: #""individual_digits": true"#, with: #""individual_digits": false"#)))
        }
    }

    @Test func notJSONIsMalformed() {
        do {
            _ = try BPETokenizer(json: "{not json")
            Issue.record("parsed invalid JSON")
        } catch {
            guard case .malformed(let field, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(field == "(root)")
        }
    }

    @Test func missingFileNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent/tokenizer.json")
        do {
            _ = try BPETokenizer(contentsOf: url)
            Issue.record("read a missing file")
        } catch {
            #expect(error.description.contains("/nonexistent/tokenizer.json"), "\(error)")
        }
    }

    @Test func byteLevelMappingIsGPT2s() {
        // Space is Ġ (U+0120), newline Ċ (U+010A), printable ASCII stands for itself.
        #expect(ByteLevelMapping.encode(Array(" \n!a~".utf8)) == "ĠĊ!a~")
        #expect(ByteLevelMapping.decode("ĠĊ!a~") == Array(" \n!a~".utf8))
        #expect(Set(ByteLevelMapping.byteToScalar).count == 256)
    }
}
