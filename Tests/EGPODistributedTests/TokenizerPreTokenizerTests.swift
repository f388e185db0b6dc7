import Foundation
import Testing
@testable import EGPODistributed

/// The hand-written GPT-2 split against its naive twin, the regex itself (ICU through
/// NSRegularExpression; Hugging Face uses Oniguruma, checked by the golden test).
@Suite struct TokenizerPreTokenizerTests {
    static let pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    static func naiveSplit(_ text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }

    static func fastSplit(_ text: String) -> [String] {
        var text = text
        return text.withUTF8 { b in
            var pieces: [String] = []
            GPT2PreTokenizer.split(b, 0..<b.count) { pieces.append(String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self)) }
            return pieces
        }
    }

    @Test func knownSplits() {
        #expect(Self.fastSplit("Hello world's  end  ") == ["Hello", " world", "'s", " ", " end", "  "])
        #expect(Self.fastSplit("f(x=1, y='a')\n\n  z") == ["f", "(", "x", "=", "1", ",", " y", "='", "a", "')", "\n\n ", " z"])
        #expect(Self.fastSplit("北京 123 🙂!") == ["北京", " 123", " 🙂!"])
        #expect(Self.fastSplit("\n") == ["\n"])
        #expect(Self.fastSplit("") == [])
    }

    @Test func matchesTheRegexOnRandomText() {
        var rng = TokenizerRoundTripTests.SplitMix(state: 7)
        var failures: [String] = []
        for _ in 0..<300 {
            // Only characters assigned by Unicode 12: the engines' Unicode versions differ for
            // newer ones (Swift's tables are newer than this ICU's), which says nothing about the split.
            var s = ""
            s.unicodeScalars.append(contentsOf: TokenizerRoundTripTests.randomString(&rng).unicodeScalars.filter {
                guard let age = $0.properties.age else { return false }
                return age.major <= 12
            })
            let fast = Self.fastSplit(s), naive = Self.naiveSplit(s)
            if fast != naive { failures.append("\(s.debugDescription): \(fast) vs \(naive)") }
        }
        #expect(failures.isEmpty, "\(failures.count) differ, first: \(failures.first ?? "")")
    }
}
