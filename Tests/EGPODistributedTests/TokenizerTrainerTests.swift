import Foundation
import Testing
@testable import EGPODistributed

/// The incremental trainer against its naive twin, which recounts every pair before each merge.
@Suite struct TokenizerTrainerTests {
    /// Naive BPE training: same pieces, same rule (most frequent pair, smaller pair key on ties;
    /// a merge whose bytes already name a token reuses that id), everything recounted each time.
    static func naiveTrain(_ corpus: String, vocabSize: Int, minFrequency: Int = 2) -> [BPETokenizer.Merge] {
        let base = BPETokenizer()
        var text = corpus
        let (initialWords, counts) = text.withUTF8 { BPETrainer.countPieces($0, specials: base.specialTokens) }
        var words = initialWords
        var tokenBytes = base.tokenBytes
        var merges: [BPETokenizer.Merge] = []
        while tokenBytes.count < vocabSize {
            var pairCounts: [UInt64: Int] = [:]
            for (w, word) in words.enumerated() where word.count > 1 {
                for k in 0..<(word.count - 1) { pairCounts[PairTable.key(word[k], word[k + 1]), default: 0] += counts[w] }
            }
            guard let best = pairCounts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
                  best.value >= minFrequency else { break }
            let a = Int32(best.key >> 32), b = Int32(best.key & 0xFFFF_FFFF)
            let bytes = tokenBytes[Int(a)] + tokenBytes[Int(b)]
            let merged: Int32
            if let existing = tokenBytes.firstIndex(of: bytes), existing < 256 || existing >= base.vocabSize {
                merged = Int32(existing)
            } else {
                merged = Int32(tokenBytes.count)
                tokenBytes.append(bytes)
            }
            merges.append(.init(left: a, right: b, merged: merged))
            for w in words.indices {
                var out: [Int32] = []
                var k = 0
                let word = words[w]
                while k < word.count {
                    if k + 1 < word.count && word[k] == a && word[k + 1] == b { out.append(merged); k += 2 } else { out.append(word[k]); k += 1 }
                }
                words[w] = out
            }
        }
        return merges
    }

    static let corpus = try! String(contentsOf: TokenizerGoldenTests.fixtures.appendingPathComponent("tokenizer-corpus.txt"), encoding: .utf8)

    @Test func incrementalTrainerMatchesNaiveTwin() throws {
        let fast = try BPETrainer(vocabSize: 420).train(corpus: Self.corpus)
        let naive = Self.naiveTrain(Self.corpus, vocabSize: 420)
        #expect(fast.merges.count == naive.count)
        let first = Array(zip(fast.merges, naive)).firstIndex { $0 != $1 }
        #expect(first == nil, "first differing merge #\(first ?? -1)")
    }

    @Test func reachesTheRequestedVocabulary() throws {
        let tok = try BPETrainer(vocabSize: 600).train(corpus: Self.corpus)
        #expect(tok.vocabSize == 600)
        let ids = tok.encode(Self.corpus)
        let ratio = Double(Self.corpus.utf8.count) / Double(ids.count)
        #expect(ratio > 3, "compression \(ratio) bytes/token")
        // Special tokens are cut out before counting: no learnt token contains one.
        for t in tok.tokenBytes[268...] {
            #expect(!String(decoding: t, as: UTF8.self).contains("<|"), "learnt token \(t) spans a special token")
        }
    }

    @Test func stopsWhenNoPairRepeats() throws {
        let tok = try BPETrainer(vocabSize: 5000).train(corpus: "abcabc xyz")
        #expect(tok.vocabSize < 5000)
        #expect(tok.encode("abcabc").count < 6)
    }

    @Test func tooSmallVocabularyThrows() {
        #expect(throws: TokenizerError.vocabularyTooSmall(requested: 100, minimum: 268)) {
            try BPETrainer(vocabSize: 100).train(corpus: "x")
        }
    }

    @Test func trainingIsDeterministic() throws {
        let a = try BPETrainer(vocabSize: 500).train(corpus: Self.corpus)
        let b = try BPETrainer(vocabSize: 500).train(corpus: Self.corpus)
        #expect(a.jsonText() == b.jsonText())
    }
}
