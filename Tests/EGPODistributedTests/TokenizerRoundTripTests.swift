import Foundation
import Testing
@testable import EGPODistributed

/// Any UTF-8 text comes back exactly from both tokenizers, special tokens included.
@Suite struct TokenizerRoundTripTests {
    /// SplitMix64: a seeded generator so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A random valid string: scalars from all planes (no surrogates), weighted towards ASCII,
    /// whitespace and the pieces the pre-tokenizer treats specially.
    static func randomString(_ rng: inout SplitMix) -> String {
        let fragments = ["'s", "'ll", " ", "  ", "\n", "\t", "\u{00A0}", "\u{3000}", "<|bos|>", "</think>", "<tool_call", "\r\n"]
        var s = ""
        for _ in 0..<Int.random(in: 0...48, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4:
                s.unicodeScalars.append(Unicode.Scalar(UInt8.random(in: 0...127, using: &rng)))
            case 4..<6:
                s += fragments.randomElement(using: &rng)!
            case 6..<8:
                let v = UInt32.random(in: 0x80...0xFFFF, using: &rng)
                if let u = Unicode.Scalar(v) { s.unicodeScalars.append(u) }
            default:
                let v = UInt32.random(in: 0x10000...0x10FFFF, using: &rng)
                if let u = Unicode.Scalar(v) { s.unicodeScalars.append(u) }
            }
        }
        return s
    }

    static let trained: BPETokenizer = {
        let corpus = try! String(contentsOf: TokenizerGoldenTests.fixtures.appendingPathComponent("tokenizer-corpus.txt"), encoding: .utf8)
        return try! BPETrainer(vocabSize: 700).train(corpus: corpus)
    }()

    @Test func byteTokenizerIsBytesPlusSpecials() {
        let tok = ByteTokenizer()
        #expect(tok.vocabSize == 256 + SpecialToken.defaultNames.count)
        #expect(tok.encode("a<|bos|>é") == [97, 256, 0xC3, 0xA9])
        #expect(tok.encode("<think>x</think>") == [262, 120, 263])
        #expect(tok.encode("<|bos|") == Array("<|bos|".utf8).map(Int32.init))
        #expect(tok.decode([256, 104, 105, 257]) == "<|bos|>hi<|eos|>")
        #expect(tok.tokenizerJSON() == nil)
    }

    @Test func randomUTF8RoundTripsThroughBothTokenizers() throws {
        let tokenizers: [(String, any Tokenizer)] = [
            ("bytes", ByteTokenizer()),
            ("bpe-fixture", try TokenizerGoldenTests.loadFixtureTokenizer()),
            ("bpe-trained", Self.trained),
        ]
        var rng = SplitMix(state: 42)
        for _ in 0..<400 {
            let s = Self.randomString(&rng)
            for (name, tok) in tokenizers {
                let ids = tok.encode(s)
                #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tok.vocabSize }, "\(name): id out of range for \(s.debugDescription)")
                #expect(tok.decodeBytes(ids) == Array(s.utf8), "\(name): bytes of \(s.debugDescription)")
                #expect(tok.decode(ids) == s, "\(name): \(s.debugDescription) -> \(ids)")
            }
        }
    }

    @Test func pieceCacheChangesNothing() throws {
        let corpus = try String(contentsOf: TokenizerGoldenTests.fixtures.appendingPathComponent("tokenizer-corpus.txt"), encoding: .utf8)
        var rng = SplitMix(state: 5)
        let noise = (0..<200).map { _ in Self.randomString(&rng) }.joined()
        for text in [corpus, noise + corpus + noise] {
            let cached = Self.trained.encode(text, cachingPieces: true)
            #expect(cached == Self.trained.encode(text, cachingPieces: false))
            #expect(Self.trained.decode(cached) == text)
        }
        #expect(corpus.utf8.count >= BPETokenizer.cacheThreshold)
    }

    @Test func heapMergeMatchesLinearMerge() throws {
        // Long pieces built from the training text's own fragments, so that many merges apply.
        let fragments = ["get_weather", "city", "celsius", "ther", "ea", "at", "e", "the", "wea", "in", "Paris", "__", "=="]
        var rng = SplitMix(state: 11)
        let tok = Self.trained
        for _ in 0..<50 {
            let text = (0..<Int.random(in: 1...120, using: &rng)).map { _ in fragments.randomElement(using: &rng)! }.joined()
            let symbols = Array(text.utf8).map { tok.byteIDs[Int($0)] }
            var linear = symbols
            var ranks: [UInt32] = []
            tok.merge(&linear, ranks: &ranks)
            #expect(tok.mergeWithHeap(symbols) == linear, "\(text)")
        }
        // A 20000-character run is one piece: it must neither take quadratic time nor change the text.
        let run = String(repeating: "=", count: 20_000) + String(repeating: "ab", count: 10_000)
        #expect(tok.decode(tok.encode(run)) == run)
    }

    @Test func bpeShortensTaskText() throws {
        let text = "<|assistant|><tool_call>get_weather(city=\"Paris\", unit=\"celsius\")</tool_call><|eos|>"
        let bytes = ByteTokenizer().encode(text).count
        let bpe = Self.trained.encode(text).count
        #expect(bpe * 2 < bytes, "bpe \(bpe) tokens vs \(bytes) bytes")
        #expect(Self.trained.encode("<think>").count == 1)
    }

    @Test func partialCharactersDecodeToReplacement() {
        let tok = ByteTokenizer()
        let ids = tok.encode("é")
        #expect(tok.decode([ids[0]]) == "\u{FFFD}")
        #expect(tok.decode([9999]) == "\u{FFFD}")
    }
}
