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

    @Test func missingByteTokensAreMalformed() {
        #expect(throws: TokenizerError.self) { try BPETokenizer(json: Self.json()) }
        do {
            _ = try BPETokenizer(json: Self.json())
        } catch {
            #expect(error.description.contains("byte 0x0"), "\(error)")
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
