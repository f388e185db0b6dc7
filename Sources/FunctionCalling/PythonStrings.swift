/// Python's `str` methods that the chat templates call (`strip`, `lstrip`, `rstrip`, `split`,
/// `startswith`, `in`), on Unicode scalars as Python counts code points.
///
/// Swift's `String` compares Characters (grapheme clusters, with canonical equivalence), so
/// `"</think>\u{301}".contains("</think>")` is false in Swift and true in Python; the templates'
/// output must follow Python.
enum PythonStrings {
    /// The characters Python's `str.strip()` removes by default (`str.isspace`): ASCII whitespace,
    /// the information separators U+001C-U+001F, NEL, NBSP and Unicode's space separators.
    static func isSpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `s.strip()` (Jinja's `trim` filter).
    static func strip(_ s: String) -> String {
        trim(s, leading: true, trailing: true, where: isSpace)
    }

    /// `s.strip(chars)`, `s.lstrip(chars)`, `s.rstrip(chars)` for a set of characters.
    static func strip(_ s: String, _ chars: String, leading: Bool = true, trailing: Bool = true) -> String {
        let set = Set(chars.unicodeScalars)
        return trim(s, leading: leading, trailing: trailing) { set.contains($0) }
    }

    static func trim(_ s: String, leading: Bool, trailing: Bool, where drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Array(s.unicodeScalars)
        var start = 0, end = scalars.count
        if leading { while start < end && drop(scalars[start]) { start += 1 } }
        if trailing { while end > start && drop(scalars[end - 1]) { end -= 1 } }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<end])
        return String(out)
    }

    /// `s.split(separator)`: the pieces between occurrences, compared code point by code point.
    /// The separators the templates use are ASCII, so splitting UTF-8 bytes gives the same pieces.
    static func split(_ s: String, _ separator: String) -> [String] {
        let bytes = Array(s.utf8), sep = Array(separator.utf8)
        var pieces: [String] = []
        var start = 0, i = 0
        while i + sep.count <= bytes.count {
            if bytes[i..<i + sep.count].elementsEqual(sep) {
                pieces.append(String(decoding: bytes[start..<i], as: UTF8.self))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(String(decoding: bytes[start...], as: UTF8.self))
        return pieces
    }

    /// `needle in s`.
    static func contains(_ s: String, _ needle: String) -> Bool { split(s, needle).count > 1 }

    /// `s.startswith(prefix)`.
    static func hasPrefix(_ s: String, _ prefix: String) -> Bool { s.utf8.starts(with: prefix.utf8) }

    /// `s.endswith(suffix)`.
    static func hasSuffix(_ s: String, _ suffix: String) -> Bool { s.utf8.reversed().starts(with: suffix.utf8.reversed()) }
}
