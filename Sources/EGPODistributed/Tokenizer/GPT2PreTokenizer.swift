/// GPT-2's pre-tokenisation split, by hand: the pieces the regex
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// finds, as Hugging Face's `ByteLevel` pre-tokenizer (`use_regex: true`) runs it. Written out so
/// the hot path needs no regex engine: it walks UTF-8 bytes, with a table for ASCII and
/// `Unicode.Scalar.Properties` (general category, White_Space) for everything else.
enum GPT2PreTokenizer {
    enum CharClass: UInt8 { case letter, number, space, other }

    /// ASCII classes: index by byte.
    private static let asciiClass: [CharClass] = (0..<128).map { b -> CharClass in
        let s = Unicode.Scalar(UInt8(b))
        return classify(s)
    }

    /// The class of a scalar: \p{L}, \p{N}, \s (White_Space) or anything else.
    static func classify(_ s: Unicode.Scalar) -> CharClass {
        let p = s.properties
        if p.isWhitespace { return .space }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }

    /// Class and byte length of the UTF-8 scalar at `i` (the input is valid UTF-8: it came from a String).
    @inline(__always)
    static func scalar(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (CharClass, Int) {
        let b0 = b[i]
        if b0 < 0x80 { return (asciiClass[Int(b0)], 1) }
        var value: UInt32
        let length: Int
        if b0 < 0xE0 {
            value = UInt32(b0 & 0x1F); length = 2
        } else if b0 < 0xF0 {
            value = UInt32(b0 & 0x0F); length = 3
        } else {
            value = UInt32(b0 & 0x07); length = 4
        }
        for k in 1..<length { value = (value << 6) | UInt32(b[i + k] & 0x3F) }
        guard let s = Unicode.Scalar(value) else { return (.other, length) }
        return (classify(s), length)
    }

    /// Calls `piece` with each piece's byte range inside `range`, in order; the pieces cover `range`.
    static func split(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, piece: (Range<Int>) -> Void) {
        let end = range.upperBound
        var i = range.lowerBound
        while i < end {
            let start = i
            let c0 = b[i]
            // 's 't 're 've 'm 'll 'd (case-sensitive, as in the regex)
            if c0 == UInt8(ascii: "'") && i + 1 < end {
                let c1 = b[i + 1]
                if c1 == UInt8(ascii: "s") || c1 == UInt8(ascii: "t") || c1 == UInt8(ascii: "m") || c1 == UInt8(ascii: "d") {
                    piece(i..<(i + 2)); i += 2; continue
                }
                if i + 2 < end {
                    let c2 = b[i + 2]
                    if (c1 == UInt8(ascii: "r") && c2 == UInt8(ascii: "e")) || (c1 == UInt8(ascii: "v") && c2 == UInt8(ascii: "e"))
                        || (c1 == UInt8(ascii: "l") && c2 == UInt8(ascii: "l")) {
                        piece(i..<(i + 3)); i += 3; continue
                    }
                }
            }
            // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional single space, then a run of one class.
            var runStart = i
            if c0 == UInt8(ascii: " ") && i + 1 < end {
                let (cls, _) = scalar(b, i + 1)
                if cls != .space { runStart = i + 1 }
            }
            let (cls, length) = scalar(b, runStart)
            if cls != .space {
                var j = runStart + length
                while j < end {
                    let (c, n) = scalar(b, j)
                    if c != cls { break }
                    j += n
                }
                piece(start..<j); i = j; continue
            }
            // `\s+(?!\S)` then `\s+`: a whitespace run; when a non-space follows, its last
            // character is left to start the next piece (so " world" keeps its space), unless the
            // run is that one character.
            var j = i + length
            var lastStart = i
            while j < end {
                let (c, n) = scalar(b, j)
                if c != .space { break }
                lastStart = j
                j += n
            }
            if j < end && lastStart > start { j = lastStart }
            piece(start..<j); i = j
        }
    }

    /// `Digits(individual_digits: true)` then GPT-2's split (SmolLM2's pre-tokenizer): every
    /// \p{N} scalar is a piece of its own, and the stretches between them are split as `split`
    /// does, each on its own (a space before a digit is a piece, not part of the number's).
    static func splitDigitsFirst(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, piece: (Range<Int>) -> Void) {
        var i = range.lowerBound, stretch = range.lowerBound
        while i < range.upperBound {
            let (cls, n) = scalar(b, i)
            if cls == .number {
                if stretch < i { split(b, stretch..<i, piece: piece) }
                piece(i..<(i + n))
                stretch = i + n
            }
            i += n
        }
        if stretch < range.upperBound { split(b, stretch..<range.upperBound, piece: piece) }
    }
}
