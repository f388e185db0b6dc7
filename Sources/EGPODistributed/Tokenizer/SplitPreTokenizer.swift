/// The pre-tokenisation split of Qwen2 and Llama-3, by hand: the pieces the regex
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// finds (Qwen2's; Llama-3's is the same with `\p{N}{1,3}` for `\p{N}`), as Hugging Face's
/// `Split` pre-tokenizer (behavior `Isolated`) runs it before `ByteLevel(use_regex: false)`.
/// Like `GPT2PreTokenizer` it walks UTF-8 bytes with the same classes (general category for
/// \p{L} and \p{N}, White_Space for \s); the alternatives are tried in the regex's order. The
/// contractions are matched without regard to case, as Unicode case folding has it.
enum SplitPreTokenizer {
    /// Longest digit run one piece holds: 1 for Qwen2, 3 for Llama-3.
    static func split(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, maxDigits: Int, piece: (Range<Int>) -> Void) {
        let end = range.upperBound
        var i = range.lowerBound
        @inline(__always) func isNewline(_ j: Int) -> Bool { b[j] == 0x0A || b[j] == 0x0D }
        while i < end {
            let start = i
            let c0 = b[i]
            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if c0 == UInt8(ascii: "'") && i + 1 < end {
                let c1 = b[i + 1] | 0x20  // ASCII lower case (only letters are compared)
                if c1 == UInt8(ascii: "s") || c1 == UInt8(ascii: "t") || c1 == UInt8(ascii: "m") || c1 == UInt8(ascii: "d") {
                    piece(i..<(i + 2)); i += 2; continue
                }
                // ſ (U+017F, C5 BF) case-folds to s, so Oniguruma's (?i:'s) takes "'ſ" too.
                if b[i + 1] == 0xC5 && i + 2 < end && b[i + 2] == 0xBF {
                    piece(i..<(i + 3)); i += 3; continue
                }
                if i + 2 < end {
                    let c2 = b[i + 2] | 0x20
                    if (c1 == UInt8(ascii: "r") && c2 == UInt8(ascii: "e")) || (c1 == UInt8(ascii: "v") && c2 == UInt8(ascii: "e"))
                        || (c1 == UInt8(ascii: "l") && c2 == UInt8(ascii: "l")) {
                        piece(i..<(i + 3)); i += 3; continue
                    }
                }
            }
            let (cls0, n0) = GPT2PreTokenizer.scalar(b, i)
            // [^\r\n\p{L}\p{N}]?\p{L}+
            var letters = -1
            if cls0 == .letter {
                letters = i
            } else if cls0 != .number && !isNewline(i) && i + n0 < end && GPT2PreTokenizer.scalar(b, i + n0).0 == .letter {
                letters = i + n0
            }
            if letters >= 0 {
                var j = letters
                while j < end {
                    let (c, n) = GPT2PreTokenizer.scalar(b, j)
                    if c != .letter { break }
                    j += n
                }
                piece(start..<j); i = j; continue
            }
            // \p{N} or \p{N}{1,3}
            if cls0 == .number {
                var j = i + n0
                var count = 1
                while count < maxDigits && j < end {
                    let (c, n) = GPT2PreTokenizer.scalar(b, j)
                    if c != .number { break }
                    j += n; count += 1
                }
                piece(start..<j); i = j; continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            var others = -1
            if cls0 == .other {
                others = i
            } else if c0 == UInt8(ascii: " ") && i + 1 < end && GPT2PreTokenizer.scalar(b, i + 1).0 == .other {
                others = i + 1
            }
            if others >= 0 {
                var j = others
                while j < end {
                    let (c, n) = GPT2PreTokenizer.scalar(b, j)
                    if c != .other { break }
                    j += n
                }
                while j < end && isNewline(j) { j += 1 }
                piece(start..<j); i = j; continue
            }
            // Here the scalar at i is whitespace. The maximal run, and the end of its last CR/LF.
            var j = i
            var lastStart = i
            var afterNewline = -1
            while j < end {
                let (c, n) = GPT2PreTokenizer.scalar(b, j)
                if c != .space { break }
                if isNewline(j) { afterNewline = j + 1 }
                lastStart = j
                j += n
            }
            // `\s*[\r\n]+`: up to and including the run's last CR or LF.
            if afterNewline >= 0 { piece(start..<afterNewline); i = afterNewline; continue }
            // `\s+(?!\S)` then `\s+`, as in GPT-2's split.
            if j < end && lastStart > start { j = lastStart }
            piece(start..<j); i = j
        }
    }
}
