import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// Golden ids from Hugging Face `tokenizers` (scripts/tokenizer_reference.py, which says how to
/// regenerate Fixtures/tokenizer-golden.json) for the tokenizer.json that `launcher tokenizer
/// train` wrote from Fixtures/tokenizer-corpus.txt.
@Suite struct TokenizerGoldenTests {
    struct Golden: Decodable {
        struct Case: Decodable {
            let text: String
            let ids: [Int32]
        }
        let vocabSize: Int
        let specialIds: [String: Int32]
        let cases: [Case]
    }

    static let fixtures = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures")

    static func loadFixtureTokenizer() throws -> BPETokenizer {
        try BPETokenizer(contentsOf: fixtures.appendingPathComponent("tokenizer-bpe600.json"))
    }

    static func loadGolden() throws -> Golden {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("tokenizer-golden.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Golden.self, from: data)
    }

    @Test func idsMatchHuggingFaceTokenizers() throws {
        let tokenizer = try Self.loadFixtureTokenizer()
        let golden = try Self.loadGolden()
        #expect(golden.cases.count >= 80)
        var failures: [String] = []
        for c in golden.cases {
            let ids = tokenizer.encode(c.text)
            if ids != c.ids {
                let first = Array(zip(ids, c.ids)).firstIndex { $0 != $1 } ?? min(ids.count, c.ids.count)
                failures.append("\(c.text.debugDescription): swift \(ids) vs hf \(c.ids), first difference at \(first)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(golden.cases.count) differ:\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    @Test func specialIDsAndVocabularySizeMatch() throws {
        let tokenizer = try Self.loadFixtureTokenizer()
        let golden = try Self.loadGolden()
        #expect(tokenizer.vocabSize == golden.vocabSize)
        for (name, id) in golden.specialIds {
            #expect(tokenizer.specialTokenID(name) == id, "\(name): swift \(String(describing: tokenizer.specialTokenID(name))), hf \(id)")
        }
        #expect(tokenizer.bosID == 256 && tokenizer.eosID == 257 && tokenizer.padID == 258)
    }

    @Test func goldenIDsDecodeToTheirText() throws {
        let tokenizer = try Self.loadFixtureTokenizer()
        for c in try Self.loadGolden().cases {
            #expect(tokenizer.decode(c.ids) == c.text, "decode of \(c.ids)")
        }
    }

    @Test func savedJSONReadsBackToTheSameTokenizer() throws {
        let tokenizer = try Self.loadFixtureTokenizer()
        let again = try BPETokenizer(json: tokenizer.jsonText())
        #expect(again.merges == tokenizer.merges)
        #expect(again.tokenBytes == tokenizer.tokenBytes)
        #expect(again.specialTokens == tokenizer.specialTokens)
        #expect(tokenizer.tokenizerJSON() == tokenizer.jsonText())
        let viaFactory = try makeTokenizer(json: tokenizer.jsonText())
        #expect(viaFactory.encode("get_weather(city=\"Paris\")") == tokenizer.encode("get_weather(city=\"Paris\")"))
        #expect(try makeTokenizer(json: nil) is ByteTokenizer)
    }

    @Test func mergesWrittenAsPairsAlsoLoad() throws {
        // Newer `tokenizers` versions write merges as ["a", "b"] arrays instead of "a b" strings.
        let tokenizer = try Self.loadFixtureTokenizer()
        var root = try #require(try JSONSerialization.jsonObject(with: Data(tokenizer.jsonText().utf8)) as? [String: Any])
        var model = try #require(root["model"] as? [String: Any])
        let merges = try #require(model["merges"] as? [String])
        model["merges"] = merges.map { $0.split(separator: " ").map(String.init) }
        root["model"] = model
        let text = String(decoding: try JSONSerialization.data(withJSONObject: root), as: UTF8.self)
        let again = try BPETokenizer(json: text)
        #expect(again.merges == tokenizer.merges)
    }
}
