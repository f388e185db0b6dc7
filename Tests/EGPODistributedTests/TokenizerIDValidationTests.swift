import Foundation
import Testing
@testable import EGPODistributed

/// tokenizer.json ids must lie in 0..<N, each used once (a gap is allowed: Hugging Face
/// vocabularies may skip ids): a bad id is a typed error naming the field, never an index trap
/// (an added token with id -1 used to crash).
@Suite struct TokenizerIDValidationTests {
    /// A small valid tokenizer's JSON as a mutable tree.
    static func tree() throws -> [String: Any] {
        let tokenizer = try BPETrainer(vocabSize: 256 + SpecialToken.defaultNames.count + 4, minFrequency: 1).train(corpus: "abab abab cdcd")
        return try JSONSerialization.jsonObject(with: Data(tokenizer.jsonText().utf8)) as! [String: Any]
    }

    static func text(_ tree: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: tree), as: UTF8.self)
    }

    static func vocab(_ tree: [String: Any]) -> [String: Int] { (tree["model"] as! [String: Any])["vocab"] as! [String: Int] }

    static func with(vocab: [String: Int], in tree: [String: Any]) -> [String: Any] {
        var tree = tree, model = tree["model"] as! [String: Any]
        model["vocab"] = vocab
        tree["model"] = model
        return tree
    }

    @Test func validFileLoads() throws {
        let tokenizer = try BPETokenizer(json: try Self.text(Self.tree()))
        #expect(tokenizer.decode(tokenizer.encode("abab")) == "abab")
    }

    @Test func negativeAddedTokenIDIsMalformed() throws {
        var tree = try Self.tree()
        var added = tree["added_tokens"] as! [[String: Any]]
        added[0]["id"] = -1
        tree["added_tokens"] = added
        #expect(throws: TokenizerError.malformed(field: "added_tokens[0].id", reason: "id -1 is outside 0..<16777216 (expected a non-negative token id)")) {
            try BPETokenizer(json: try Self.text(tree))
        }
    }

    @Test func outOfRangeVocabularyIDIsMalformed() throws {
        let tree = try Self.tree()
        var vocab = Self.vocab(tree)
        let token = vocab.first { $0.value == 100 }!.key
        vocab[token] = 1 << 40
        #expect(throws: TokenizerError.malformed(field: "model.vocab[\(token)]", reason: "id \(1 << 40) is outside 0..<16777216 (expected a non-negative token id)")) {
            try BPETokenizer(json: try Self.text(Self.with(vocab: vocab, in: tree)))
        }
    }

    @Test func duplicateIDIsMalformed() throws {
        let tree = try Self.tree()
        var vocab = Self.vocab(tree)
        let a = vocab.first { $0.value == 10 }!.key, b = vocab.first { $0.value == 11 }!.key
        vocab[b] = 10
        let (first, second) = a < b ? (a, b) : (b, a)
        #expect(throws: TokenizerError.malformed(field: "model.vocab[\(second)]", reason: "id 10 is also the id of \(first.debugDescription) (expected each id once)")) {
            try BPETokenizer(json: try Self.text(Self.with(vocab: vocab, in: tree)))
        }
    }

    @Test func gapIsAllowedAndNeverProduced() throws {
        let tree = try Self.tree()
        var vocab = Self.vocab(tree)
        let specials = Set((tree["added_tokens"] as! [[String: Any]]).map { $0["content"] as! String })
        let (token, id) = vocab.filter { !specials.contains($0.key) }.max { $0.value < $1.value }!
        let top = max(vocab.values.max()!, (tree["added_tokens"] as! [[String: Any]]).map { $0["id"] as! Int }.max()!)
        vocab[token] = top + 5
        let tokenizer = try BPETokenizer(json: try Self.text(Self.with(vocab: vocab, in: tree)))
        #expect(tokenizer.vocabSize == top + 6)
        #expect(tokenizer.bytes(of: Int32(id)) == nil)
        #expect(tokenizer.bytes(of: Int32(top + 5)) != nil)
        #expect(!tokenizer.encode("abab abab cdcd").contains(Int32(id)))
    }
}
