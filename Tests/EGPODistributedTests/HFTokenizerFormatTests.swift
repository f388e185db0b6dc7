import Foundation
import Testing
@testable import EGPODistributed

/// Options of a Qwen2 or Llama-3 style tokenizer.json that would change the ids are refused
/// naming the key (a typed error, never wrong ids); harmless variants load.
@Suite struct HFTokenizerFormatTests {
    /// A fixture's JSON as a mutable tree.
    static func tree(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: HFTokenizerGoldenTests.url(name))) as! [String: Any]
    }

    static func text(_ tree: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: tree), as: UTF8.self)
    }

    /// The qwen2 fixture with `change` applied to its tree.
    static func qwen2(_ change: (inout [String: Any]) -> Void) throws -> String {
        var t = try tree("qwen2")
        change(&t)
        return try text(t)
    }

    static func model(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { t in
            var m = t["model"] as! [String: Any]
            m[key] = value
            t["model"] = m
        }
    }

    static func split(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { t in
            var pre = t["pre_tokenizer"] as! [String: Any]
            var parts = pre["pretokenizers"] as! [[String: Any]]
            parts[0][key] = value
            pre["pretokenizers"] = parts
            t["pre_tokenizer"] = pre
        }
    }

    @Test func unsupportedModelOptionsAreRefusedByName() throws {
        #expect(throws: TokenizerError.unsupported(field: "model.dropout", found: "0.1", expected: "null")) {
            try BPETokenizer(json: try Self.qwen2(Self.model("dropout", 0.1)))
        }
        #expect(throws: TokenizerError.unsupported(field: "model.continuing_subword_prefix", found: "\"##\"", expected: "null or \"\"")) {
            try BPETokenizer(json: try Self.qwen2(Self.model("continuing_subword_prefix", "##")))
        }
        #expect(throws: TokenizerError.unsupported(field: "model.end_of_word_suffix", found: "\"</w>\"", expected: "null or \"\"")) {
            try BPETokenizer(json: try Self.qwen2(Self.model("end_of_word_suffix", "</w>")))
        }
        #expect(throws: TokenizerError.unsupported(field: "model.byte_fallback", found: "true", expected: "false (byte-level BPE has every byte)")) {
            try BPETokenizer(json: try Self.qwen2(Self.model("byte_fallback", true)))
        }
    }

    @Test func harmlessModelVariantsLoad() throws {
        for (key, value) in [("dropout", 0.0 as Any), ("continuing_subword_prefix", NSNull()), ("end_of_word_suffix", NSNull()),
                             ("unk_token", NSNull())] {
            #expect(throws: Never.self, "\(key) \(value)") { try BPETokenizer(json: try Self.qwen2(Self.model(key, value))) }
        }
    }

    @Test func unknownSplitIsRefusedByName() throws {
        let pattern = #"\s+|\w+"#
        #expect(throws: TokenizerError.unsupported(field: "pre_tokenizer.pretokenizers[0].pattern.Regex", found: pattern.debugDescription,
                                                   expected: "Qwen2's or Llama-3's pattern")) {
            try BPETokenizer(json: try Self.qwen2(Self.split("pattern", ["Regex": pattern])))
        }
        #expect(throws: TokenizerError.unsupported(field: "pre_tokenizer.pretokenizers[0].pattern", found: #"{"String":" "}"#,
                                                   expected: "{\"Regex\": Qwen2's or Llama-3's pattern}")) {
            try BPETokenizer(json: try Self.qwen2(Self.split("pattern", ["String": " "])))
        }
        #expect(throws: TokenizerError.unsupported(field: "pre_tokenizer.pretokenizers[0].behavior", found: "Removed", expected: "Isolated")) {
            try BPETokenizer(json: try Self.qwen2(Self.split("behavior", "Removed")))
        }
        #expect(throws: TokenizerError.unsupported(field: "pre_tokenizer.pretokenizers[0].invert", found: "true", expected: "false")) {
            try BPETokenizer(json: try Self.qwen2(Self.split("invert", true)))
        }
    }

    @Test func byteLevelAfterSplitMustNotRunGPT2sRegex() throws {
        let json = try Self.qwen2 { t in
            var pre = t["pre_tokenizer"] as! [String: Any]
            var parts = pre["pretokenizers"] as! [[String: Any]]
            parts[1]["use_regex"] = true
            pre["pretokenizers"] = parts
            t["pre_tokenizer"] = pre
        }
        #expect(throws: TokenizerError.unsupported(field: "pre_tokenizer.pretokenizers[1].use_regex", found: "true", expected: "false (after a Split)")) {
            try BPETokenizer(json: json)
        }
        let reversed = try Self.qwen2 { t in
            var pre = t["pre_tokenizer"] as! [String: Any]
            pre["pretokenizers"] = Array((pre["pretokenizers"] as! [Any]).reversed())
            t["pre_tokenizer"] = pre
        }
        #expect(throws: TokenizerError.unsupported(field: "pre_tokenizer.pretokenizers", found: "[ByteLevel, Split]", expected: "[Split, ByteLevel] or [Digits, ByteLevel]")) {
            try BPETokenizer(json: reversed)
        }
    }

    @Test func normalizersOtherThanNFCAreRefusedByName() throws {
        #expect(throws: TokenizerError.unsupported(field: "normalizer.type", found: "NFKC", expected: "null, NFC or a Sequence of NFC")) {
            try BPETokenizer(json: try Self.qwen2 { $0["normalizer"] = ["type": "NFKC"] })
        }
        #expect(throws: TokenizerError.unsupported(field: "normalizer.normalizers[1].type", found: "Lowercase", expected: "null, NFC or a Sequence of NFC")) {
            try BPETokenizer(json: try Self.qwen2 { $0["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFC"], ["type": "Lowercase"]]] })
        }
        let sequence = try BPETokenizer(json: try Self.qwen2 { $0["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFC"]]] })
        #expect(sequence.pipeline.normalizer == .nfc)
        let none = try BPETokenizer(json: try Self.qwen2 { $0["normalizer"] = NSNull() })
        #expect(none.pipeline.normalizer == TokenizerPipeline.Normalizer.none)
    }

    /// An added token with `normalized: true` is matched after NFC, in its NFC form.
    @Test func normalizedAddedTokenMatchesAfterNFC() throws {
        let tokenizer = try BPETokenizer(json: try Self.qwen2 { t in
            var added = t["added_tokens"] as! [[String: Any]]
            added.append(["id": 700, "content": "cafe\u{301}", "single_word": false, "lstrip": false, "rstrip": false,
                          "normalized": true, "special": false])
            t["added_tokens"] = added
        })
        #expect(tokenizer.encode("a café") == tokenizer.encode("a ") + [700])
        #expect(tokenizer.encode("a cafe\u{301}") == tokenizer.encode("a ") + [700])
    }

    @Test func otherPostProcessorsAndDecodersAreRefusedByName() throws {
        #expect(throws: TokenizerError.unsupported(field: "post_processor.type", found: "BertProcessing",
                                                   expected: "null, ByteLevel, TemplateProcessing or a Sequence of them")) {
            try BPETokenizer(json: try Self.qwen2 { $0["post_processor"] = ["type": "BertProcessing"] })
        }
        #expect(throws: TokenizerError.unsupported(field: "decoder.type", found: "Metaspace", expected: "ByteLevel, a Sequence of ByteLevel, or null")) {
            try BPETokenizer(json: try Self.qwen2 { $0["decoder"] = ["type": "Metaspace"] })
        }
        #expect(throws: TokenizerError.unsupported(field: "decoder.decoders[1].type", found: "Strip", expected: "ByteLevel, a Sequence of ByteLevel, or null")) {
            try BPETokenizer(json: try Self.qwen2 { $0["decoder"] = ["type": "Sequence", "decoders": [["type": "ByteLevel"], ["type": "Strip"]]] })
        }
        #expect(throws: Never.self) {
            try BPETokenizer(json: try Self.qwen2 { $0["decoder"] = ["type": "Sequence", "decoders": [["type": "ByteLevel"]]] })
        }
        #expect(throws: TokenizerError.unsupported(field: "truncation", found: #"{"max_length":8}"#, expected: "null")) {
            try BPETokenizer(json: try Self.qwen2 { $0["truncation"] = ["max_length": 8] })
        }
    }

    /// A vocabulary may skip ids (the hole is never produced); a duplicate is still refused.
    @Test func holesLoadDuplicatesDoNot() throws {
        var t = try Self.tree("llama3")
        var model = t["model"] as! [String: Any]
        var vocab = model["vocab"] as! [String: Int]
        let hole = try #require(vocab["Ġweatherday"])
        vocab["Ġweatherday"] = nil
        model["vocab"] = vocab
        t["model"] = model
        let tokenizer = try BPETokenizer(json: try Self.text(t))
        #expect(tokenizer.bytes(of: Int32(hole)) == nil)
        #expect(tokenizer.vocabSize == 665)
        #expect(!tokenizer.encode(" weatherday").contains(Int32(hole)))
        #expect(tokenizer.decode([Int32(hole)]) == "\u{FFFD}")

        vocab["Ġweatherday"] = 300  // an id the BPE vocabulary uses
        model["vocab"] = vocab
        t["model"] = model
        #expect(throws: TokenizerError.self) { try BPETokenizer(json: try Self.text(t)) }
    }
}
