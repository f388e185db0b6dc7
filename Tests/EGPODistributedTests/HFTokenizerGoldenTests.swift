import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// The real models' tokenizer pipelines against Hugging Face `tokenizers`: two small BPEs built
/// by scripts/hf_tokenizer_golden.py in exactly Qwen2's (NFC, Split with \p{N}, ByteLevel) and
/// Llama-3's (Split with \p{N}{1,3}, ignore_merges) configurations, with golden
/// `encode(text, add_special_tokens=False)` ids and `decode` text for code, JSON, CJK, Arabic,
/// emoji, whitespace runs, CRLF, digit runs, contractions, text NFC changes and added tokens.
/// The script's docstring says how to regenerate Fixtures/hf-tokenizer/.
@Suite struct HFTokenizerGoldenTests {
    struct Case: Decodable {
        let text: String
        let ids: [Int32]
        let decoded: String
    }

    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/hf-tokenizer")

    static func url(_ name: String) -> URL { folder.appendingPathComponent("\(name)-tokenizer.json") }

    static func tokenizer(_ name: String) throws -> BPETokenizer { try BPETokenizer(contentsOf: url(name)) }

    /// The cases of `file` (golden.json, or golden-wide.json: random strings over many Unicode blocks) for one tokenizer.
    static func golden(_ name: String, file: String = "golden.json") throws -> [Case] {
        let all = try JSONDecoder().decode([String: [Case]].self, from: Data(contentsOf: folder.appendingPathComponent(file)))
        return try #require(all[name])
    }

    /// The cases whose ids or decoded text differ, described (nothing when all match).
    /// - Parameter decoding: whether a case's decoded text is compared too (given its ids).
    static func mismatches(_ tokenizer: BPETokenizer, _ cases: [Case], caching: Bool? = nil,
                           decoding: ([Int32]) -> Bool = { _ in true }) -> [String] {
        var failures: [String] = []
        for c in cases {
            let ids = caching.map { tokenizer.encode(c.text, cachingPieces: $0) } ?? tokenizer.encode(c.text)
            if ids != c.ids {
                let first = Array(zip(ids, c.ids)).firstIndex { $0 != $1 } ?? min(ids.count, c.ids.count)
                failures.append("\(c.text.prefix(80).debugDescription): swift \(ids.prefix(first + 3)) vs hf \(c.ids.prefix(first + 3)), first difference at \(first)")
            } else if decoding(ids) && tokenizer.decode(ids) != c.decoded {
                failures.append("\(c.text.prefix(80).debugDescription): decodes to \(tokenizer.decode(ids).debugDescription), hf \(c.decoded.debugDescription)")
            }
        }
        return failures
    }

    @Test(arguments: ["qwen2", "llama3"])
    func idsAndDecodingMatchTokenizers(name: String) throws {
        let tokenizer = try Self.tokenizer(name)
        let cases = try Self.golden(name)
        #expect(cases.count >= 100)
        #expect(cases.contains { $0.text.utf8.count > BPETokenizer.cacheThreshold }, "a case long enough for the piece cache")
        for caching in [nil, false, true] {
            let failures = Self.mismatches(tokenizer, cases, caching: caching)
            #expect(failures.isEmpty, "caching \(String(describing: caching)): \(failures.count) of \(cases.count) differ:\n\(failures.prefix(5).joined(separator: "\n"))")
        }
    }

    @Test(arguments: ["qwen2", "llama3"])
    func randomTextOverManyScriptsMatchesTokenizers(name: String) throws {
        let cases = try Self.golden(name, file: "golden-wide.json")
        #expect(cases.count >= 150)
        let failures = Self.mismatches(try Self.tokenizer(name), cases)
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) differ:\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    @Test func pipelinesAreRecognised() throws {
        let qwen = try Self.tokenizer("qwen2"), llama = try Self.tokenizer("llama3")
        #expect(qwen.pipeline == .qwen2)
        #expect(llama.pipeline == .llama3)
        // Added tokens lie after the BPE vocabulary, as in the real files, and keep their flags.
        #expect(qwen.specialTokenID("<|im_start|>") == 657 && qwen.vocabSize == 663)
        #expect(qwen.addedTokens.first { $0.content == "<tool_call>" }?.special == false)
        #expect(qwen.addedTokens.first { $0.content == "<|im_end|>" }?.special == true)
        #expect(llama.specialTokenID("<|begin_of_text|>") == 657 && llama.vocabSize == 665)
        #expect(qwen.encode("<|im_start|>user") == [657] + qwen.encode("user"))
    }

    /// Text NFC changes is normalised before the split; added tokens are found in the raw text.
    @Test func qwen2NormalisesButLlama3DoesNot() throws {
        let qwen = try Self.tokenizer("qwen2"), llama = try Self.tokenizer("llama3")
        #expect(qwen.encode("cafe\u{301}") == qwen.encode("café"))
        #expect(qwen.decode(qwen.encode("cafe\u{301}")).unicodeScalars.count == 4)
        #expect(llama.encode("cafe\u{301}") != llama.encode("café"))
        #expect(llama.decode(llama.encode("cafe\u{301}")).unicodeScalars.count == 5)
    }

    /// `tokenizers` 0.20+ writes merges as [a, b] pairs (the fixtures); older files as "a b".
    @Test(arguments: ["qwen2", "llama3"])
    func stringMergesGiveTheSameIDs(name: String) throws {
        var tree = try HFTokenizerFormatTests.tree(name)
        var model = tree["model"] as! [String: Any]
        let pairs = try #require(model["merges"] as? [[String]])
        model["merges"] = pairs.map { $0.joined(separator: " ") }
        tree["model"] = model
        let fromStrings = try BPETokenizer(json: try HFTokenizerFormatTests.text(tree))
        let fromPairs = try Self.tokenizer(name)
        #expect(fromStrings.merges == fromPairs.merges)
        #expect(Self.mismatches(fromStrings, try Self.golden(name)).isEmpty)
    }

    /// What this reader writes loads back to the same tokenizer (pipeline, added-token flags,
    /// the post-processor kept as it was). That `tokenizers` gives the same ids on the written
    /// file was checked with scripts/hf_tokenizer_golden.py's fixtures re-written this way.
    @Test(arguments: ["qwen2", "llama3"])
    func writtenFileReadsBackTheSame(name: String) throws {
        let original = try Self.tokenizer(name)
        let text = original.jsonText()
        let reread = try BPETokenizer(json: text)
        #expect(reread.pipeline == original.pipeline)
        #expect(reread.addedTokens == original.addedTokens)
        #expect(reread.merges == original.merges)
        #expect(reread.vocabSize == original.vocabSize)
        #expect(reread.postProcessorJSON == original.postProcessorJSON)
        #expect(Self.mismatches(reread, try Self.golden(name)).isEmpty)
        let tree = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let vocab = (tree["model"] as! [String: Any])["vocab"] as! [String: Int]
        #expect(vocab.count == original.vocabSize - original.addedTokens.count, "added tokens only in added_tokens, as the models' files have them")
    }

    /// Added-token flags the real files leave off, against `tokenizers`: lstrip takes the
    /// whitespace before a match, rstrip the whitespace after it, single_word needs no word
    /// character on either side, normalized tokens are found after NFC (Fixtures/hf-tokenizer/qwen2-flags.json, appended to the Qwen2 fixture's).
    @Test func addedTokenFlagsMatchTokenizers() throws {
        struct Flags: Decodable { let cases: [Case] }
        let url = Self.folder.appendingPathComponent("qwen2-flags.json")
        let extra = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])?["added_tokens"] as? [Any])
        var tree = try HFTokenizerFormatTests.tree("qwen2")
        tree["added_tokens"] = (tree["added_tokens"] as! [Any]) + extra
        let tokenizer = try BPETokenizer(json: try HFTokenizerFormatTests.text(tree))
        #expect(tokenizer.addedTokens.contains { $0.lstrip && $0.rstrip && !$0.normalized })
        #expect(tokenizer.addedTokens.contains { $0.lstrip && $0.normalized })
        #expect(tokenizer.addedTokens.contains { $0.singleWord && $0.lstrip })
        let cases = try JSONDecoder().decode(Flags.self, from: Data(contentsOf: url)).cases
        #expect(cases.count >= 80)
        // tokenizers runs a non-special added token's text through the ByteLevel decoder when
        // every character is in its byte map: "café" becomes the bytes 63 61 66 E9, invalid
        // UTF-8, so it decodes "caf\u{FFFD}". `decode` gives the token's text; ids are compared
        // for every case, text only where that token is absent.
        let cafe = try #require(tokenizer.specialTokenID("café"))
        #expect(tokenizer.decode([cafe]) == "café")
        let failures = Self.mismatches(tokenizer, cases, decoding: { !$0.contains(cafe) })
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) differ:\n\(failures.prefix(5).joined(separator: "\n"))")
        // The flags survive writing and reading back.
        #expect(try BPETokenizer(json: tokenizer.jsonText()).addedTokens == tokenizer.addedTokens)
    }

    /// ignore_merges: the fixture's vocabulary holds " weatherday", which no merge builds.
    @Test func llama3IgnoreMergesUsesTheWholeToken() throws {
        let llama = try Self.tokenizer("llama3")
        let whole = try #require(llama.encode(" weatherday").first)
        #expect(llama.encode(" weatherday") == [whole])
        #expect(llama.bytes(of: whole) == Array(" weatherday".utf8))
        var tree = try HFTokenizerFormatTests.tree("llama3")
        var model = tree["model"] as! [String: Any]
        model["ignore_merges"] = false
        tree["model"] = model
        let merging = try BPETokenizer(json: try HFTokenizerFormatTests.text(tree))
        #expect(merging.encode(" weatherday").count > 1)
    }
}
