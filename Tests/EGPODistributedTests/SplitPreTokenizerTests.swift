import Foundation
import Testing
@testable import EGPODistributed

/// The hand-written Qwen2 and Llama-3 splits against their naive twin, the regexes themselves
/// (ICU through NSRegularExpression; Hugging Face uses Oniguruma, checked by the golden test).
@Suite struct SplitPreTokenizerTests {
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    static func naiveSplit(_ text: String, pattern: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }

    static func fastSplit(_ text: String, maxDigits: Int) -> [String] {
        var text = text
        return text.withUTF8 { b in
            var pieces: [String] = []
            SplitPreTokenizer.split(b, 0..<b.count, maxDigits: maxDigits) {
                pieces.append(String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self))
            }
            return pieces
        }
    }

    @Test func knownSplits() {
        #expect(Self.fastSplit("Hello world's  end  ", maxDigits: 1) == ["Hello", " world", "'s", " ", " end", "  "])
        #expect(Self.fastSplit("I'LL DON'T", maxDigits: 1) == ["I", "'LL", " DON", "'T"])
        // Long s folds to s: tokenizers (Oniguruma) splits "'ſx" as "'ſ", "x".
        #expect(Self.fastSplit("it'ſx 'ſſ", maxDigits: 1) == ["it", "'ſ", "x", " '", "ſſ"])
        #expect(Self.fastSplit("x = 12345;\r\n\tif(y)", maxDigits: 1) == ["x", " =", " ", "1", "2", "3", "4", "5", ";\r\n", "\tif", "(y", ")"])
        #expect(Self.fastSplit("x = 12345;\r\n\tif(y)", maxDigits: 3) == ["x", " =", " ", "123", "45", ";\r\n", "\tif", "(y", ")"])
        #expect(Self.fastSplit("a  \n\n  b", maxDigits: 3) == ["a", "  \n\n", " ", " b"])
        #expect(Self.fastSplit("", maxDigits: 3) == [])
    }

    static func checkAgainstRegex(pattern: String, maxDigits: Int, seed: UInt64) -> [String] {
        var rng = TokenizerRoundTripTests.SplitMix(state: seed)
        let extras = ["'S", "'Re", "'LL", "\r\n", "\r", "\t \n", "1234567", " (", "é", "e\u{301}", "\u{00A0}", "\u{3000}", "٣٤٥", "'ſ", "'ſt"]
        var failures: [String] = []
        for _ in 0..<400 {
            var s = ""
            for _ in 0..<3 {
                s.unicodeScalars.append(contentsOf: TokenizerRoundTripTests.randomString(&rng).unicodeScalars.filter {
                    guard let age = $0.properties.age else { return false }
                    return age.major <= 12
                })
                s += extras[Int(rng.next() % UInt64(extras.count))]
            }
            let fast = fastSplit(s, maxDigits: maxDigits), naive = naiveSplit(s, pattern: pattern)
            if fast != naive { failures.append("\(s.debugDescription): \(fast) vs \(naive)") }
        }
        return failures
    }

    @Test func qwen2MatchesTheRegexOnRandomText() {
        let failures = Self.checkAgainstRegex(pattern: Self.qwen2Pattern, maxDigits: 1, seed: 3)
        #expect(failures.isEmpty, "\(failures.count) differ, first: \(failures.first ?? "")")
    }

    @Test func llama3MatchesTheRegexOnRandomText() {
        let failures = Self.checkAgainstRegex(pattern: Self.llama3Pattern, maxDigits: 3, seed: 9)
        #expect(failures.isEmpty, "\(failures.count) differ, first: \(failures.first ?? "")")
    }
}
