/// What a config file may be, checked on its text before a parser sees it. A parser recurses
/// once per nesting level (`run:` then 100,000 `[` overflowed the stack inside the YAML library)
/// and expands every alias into a copy (a 1 KB alias bomb allocated until memory ran out), so
/// size, depth and aliases are bounded first. Configs are a few KB, at most 4 levels deep, and
/// use an alias or two if any: the limits are far above that.
public enum ConfigTextLimits {
    /// Largest config file, in bytes. With at most `aliases` aliases a config expands to at most
    /// 18 times this (3 x 3 x 2 copies; the product of alias counts per level is largest in 3s).
    public static let bytes = 1 << 16
    /// Deepest nesting of mappings and lists.
    public static let depth = 64
    /// Most aliases (`*name`).
    public static let aliases = 8

    /// Throws when YAML `text` (of `file`) may nest deeper than `depth` or holds more than
    /// `aliases` aliases. The scan is conservative, never below the real depth: every `[` or `{`
    /// counts; a `]` or `}` counts only where it cannot be inside a quoted string or a comment
    /// (it never lowers the depth below the depth at the last quote character); block nesting
    /// is bounded by twice the column where a line's content starts (a block level needs two
    /// more columns, or a list under a key at the same column).
    public static func check(yaml text: String, file: String) throws(ConfigError) {
        var flow = 0, floor = 0, flowStartBound = 0, aliases = 0, line = 1
        var atLineStart = true, inComment = false, previous: UInt8 = 0x20, column = 0
        var lineBound = 0
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x0A {
                line += 1
                atLineStart = true
                inComment = false
                previous = 0x20
                column = 0
                i += 1
                continue
            }
            if atLineStart {
                // The column where this line's content starts, past indentation and block indicators.
                var j = i
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 || ((bytes[j] == 0x2D || bytes[j] == 0x3F || bytes[j] == 0x3A)
                        && (j + 1 == bytes.count || bytes[j + 1] == 0x20 || bytes[j + 1] == 0x0A)) {
                    j += 1
                }
                lineBound = 2 * (j - i + 1)
                atLineStart = false
            }
            switch c {
            case 0x23 where previous == 0x20 || previous == 0x09 || column == 0:   // #: a comment from here, unless quoted
                inComment = true
            case 0x22, 0x27:   // " '
                floor = flow
            case 0x5B, 0x7B:   // [ {
                if flow == 0 { flowStartBound = lineBound }
                flow += 1
            case 0x5D, 0x7D:   // ] }
                if !inComment && flow > floor { flow -= 1 }
            case 0x2A where i + 1 < bytes.count && ![0x20, 0x0A, 0x09, 0x2A].contains(bytes[i + 1]):   // *name
                aliases += 1
                if aliases > Self.aliases { throw .tooManyAliases(file: file, line: line, limit: Self.aliases) }
            default:
                break
            }
            let depth = max(lineBound, flow > 0 ? flowStartBound : 0) + flow
            if depth > Self.depth { throw .tooDeep(file: file, line: line, limit: Self.depth) }
            previous = c
            column += 1
            i += 1
        }
    }

    /// Throws at a comma followed (past whitespace) by `}` or `]` in JSON `text`: JSON has no
    /// trailing commas, and a parser that accepts them hides a deleted entry.
    public static func check(json text: String, file: String) throws(ConfigError) {
        var inString = false, escaped = false, line = 1, lastComma: Int? = nil
        for c in text.utf8 {
            if c == 0x0A { line += 1 }
            if inString {
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                continue
            }
            switch c {
            case 0x22: inString = true; lastComma = nil
            case 0x2C: lastComma = line
            case 0x20, 0x09, 0x0A, 0x0D: break
            case 0x7D, 0x5D:
                if let comma = lastComma { throw .trailingComma(file: file, line: comma, closer: c == 0x7D ? "}" : "]") }
            default: lastComma = nil
            }
        }
    }
}
