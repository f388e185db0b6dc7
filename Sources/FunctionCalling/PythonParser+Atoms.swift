extension PythonParser {
    mutating func primary() throws(PythonSyntaxError) -> PythonNode {
        var node = try atom()
        var chain = 0
        defer { nesting -= chain }
        while true {
            if isOp(".") || isOp("(") || isOp("[") {
                try deeper()
                chain += 1
            }
            if isOp(".") {
                p += 1
                guard peek.kind == .name, !Self.reserved.contains(peek.text) else { throw error("invalid syntax") }
                node = .attribute(node, Self.identifier(peek.text))
                p += 1
            } else if isOp("(") {
                p += 1
                node = try callArguments(callee: node)
            } else if isOp("[") {
                p += 1
                node = .subscript(node, try slices())
                try expect("]")
            } else {
                return node
            }
        }
    }

    mutating func atom() throws(PythonSyntaxError) -> PythonNode {
        let t = peek
        switch t.kind {
        case .name:
            switch t.text {
            case "True": p += 1; return .constant(.bool(true))
            case "False": p += 1; return .constant(.bool(false))
            case "None": p += 1; return .constant(.null)
            default:
                if Self.reserved.contains(t.text) { throw error("invalid syntax") }
                p += 1
                return .name(Self.identifier(t.text))
            }
        case .number:
            p += 1
            return .constant(t.value)
        case .string:
            return try strings()
        case .op:
            switch t.text {
            case "...": p += 1; return .ellipsis
            case "(": p += 1; return try parenthesized()
            case "[": p += 1; return try listDisplay()
            case "{": p += 1; return try braceDisplay()
            default: throw error("invalid syntax")
            }
        case .newline, .end:
            throw error("invalid syntax")
        }
    }

    /// Adjacent string literals concatenate; bytes and str cannot mix; any f-string makes the
    /// whole a formatted string.
    mutating func strings() throws(PythonSyntaxError) -> PythonNode {
        let start = p
        var text = ""
        var bytes: [UInt8] = []
        var isBytes: Bool?
        var formatted = false
        while peek.kind == .string {
            let t = peek
            let b: Bool
            if case .bytes(let v) = t.value { bytes += v; b = true } else if case .string(let s) = t.value { text += s; b = false } else { b = false }
            if let prior = isBytes, prior != b { throw error("cannot mix bytes and nonbytes literals") }
            isBytes = b
            formatted = formatted || t.isFormatted
            p += 1
        }
        if formatted { return .formattedString(self.text(from: start)) }
        return .constant(isBytes == true ? .bytes(bytes) : .string(text))
    }

    mutating func parenthesized() throws(PythonSyntaxError) -> PythonNode {
        if isOp(")") { p += 1; return .tuple([]) }
        let start = p - 1
        if isKeyword("yield") {
            var depth = 1
            while depth > 0 && peek.kind != .end {
                if isOp("(") || isOp("[") || isOp("{") { depth += 1 }
                if isOp(")") || isOp("]") || isOp("}") { depth -= 1 }
                p += 1
            }
            return .other(kind: "Yield", text: text(from: start), precedence: PythonPrecedence.atom)
        }
        let first = try starOrExpression()
        if isKeyword("for") || isKeyword("async") {
            try comprehensionClauses()
            try expect(")")
            return .other(kind: "GeneratorExp", text: text(from: start), precedence: PythonPrecedence.atom)
        }
        if isOp(")") {
            p += 1
            if case .starred = first { throw error("cannot use starred expression here") }
            return first
        }
        var items = [first]
        while isOp(",") {
            p += 1
            if isOp(")") { break }
            items.append(try starOrExpression())
        }
        try expect(")")
        return .tuple(items)
    }

    mutating func listDisplay() throws(PythonSyntaxError) -> PythonNode {
        let start = p - 1
        if isOp("]") { p += 1; return .list([]) }
        let first = try starOrExpression()
        if isKeyword("for") || isKeyword("async") {
            try comprehensionClauses()
            try expect("]")
            return .other(kind: "ListComp", text: text(from: start), precedence: PythonPrecedence.atom)
        }
        var items = [first]
        while isOp(",") {
            p += 1
            if isOp("]") { break }
            items.append(try starOrExpression())
        }
        try expect("]")
        return .list(items)
    }

    mutating func braceDisplay() throws(PythonSyntaxError) -> PythonNode {
        let start = p - 1
        if isOp("}") { p += 1; return .dict([]) }
        // A dict starts with `**x` or `key:`; a set with an element.
        var entries: [PythonDictItem] = []
        var items: [PythonNode] = []
        var isDict: Bool
        if isOp("**") {
            p += 1
            entries.append(PythonDictItem(key: nil, value: try bitOr()))
            isDict = true
        } else {
            let first = try starOrExpression()
            if isOp(":") {
                if case .starred = first { throw error("cannot use a starred expression in a dictionary key") }
                p += 1
                let value = try expression()
                if isKeyword("for") || isKeyword("async") {
                    try comprehensionClauses()
                    try expect("}")
                    return .other(kind: "DictComp", text: text(from: start), precedence: PythonPrecedence.atom)
                }
                entries.append(PythonDictItem(key: first, value: value))
                isDict = true
            } else {
                if isKeyword("for") || isKeyword("async") {
                    try comprehensionClauses()
                    try expect("}")
                    return .other(kind: "SetComp", text: text(from: start), precedence: PythonPrecedence.atom)
                }
                items.append(first)
                isDict = false
            }
        }
        while isOp(",") {
            p += 1
            if isOp("}") { break }
            if isDict {
                if isOp("**") {
                    p += 1
                    entries.append(PythonDictItem(key: nil, value: try bitOr()))
                } else {
                    let key = try expression()
                    try expect(":")
                    entries.append(PythonDictItem(key: key, value: try expression()))
                }
            } else {
                items.append(try starOrExpression())
            }
        }
        try expect("}")
        return isDict ? .dict(entries) : .set(items)
    }

    /// `for targets in iterable (if condition)*`, repeated, with optional `async`.
    mutating func comprehensionClauses() throws(PythonSyntaxError) {
        while isKeyword("for") || isKeyword("async") {
            if isKeyword("async") { p += 1 }
            guard isKeyword("for") else { throw error("invalid syntax") }
            p += 1
            // Targets: a comma-separated list of primaries or starred names, up to `in`.
            repeat {
                if isOp(",") { p += 1 }
                if isKeyword("in") { break }
                if isOp("*") { p += 1 }
                _ = try bitOr()
            } while isOp(",")
            guard isKeyword("in") else { throw error("invalid syntax") }
            p += 1
            _ = try disjunction()
            while isKeyword("if") {
                p += 1
                _ = try disjunction()
            }
        }
    }

    /// The arguments of a call, after `(`: CPython's order rules (no positional argument after a
    /// keyword argument or `**`, no `*` after `**`), `name=value` only with a plain name, and a
    /// bare generator only as the sole argument.
    mutating func callArguments(callee: PythonNode) throws(PythonSyntaxError) -> PythonNode {
        var arguments: [PythonNode] = []
        var keywords: [PythonKeyword] = []
        var sawKeyword = false, sawDoubleStar = false
        while !isOp(")") {
            if isOp("**") {
                p += 1
                keywords.append(PythonKeyword(name: nil, value: try expression()))
                sawDoubleStar = true
            } else if isOp("*") {
                p += 1
                if sawDoubleStar { throw error("iterable argument unpacking follows keyword argument unpacking") }
                arguments.append(.starred(try expression()))
            } else if peek.kind == .name && isOp("=", at: p + 1) {
                let name = peek.text
                if name == "True" || name == "False" || name == "None" { throw error("cannot assign to \(name)") }
                if Self.reserved.contains(name) { throw error("invalid syntax") }
                p += 2
                keywords.append(PythonKeyword(name: Self.identifier(name), value: try expression()))
                sawKeyword = true
                if isKeyword("for") || isKeyword("async") { throw error("invalid syntax") }
            } else {
                let start = p
                var value = try namedExpression()
                if isOp("=") { throw error("expression cannot contain assignment, perhaps you meant \"==\"?") }
                if isKeyword("for") || isKeyword("async") {
                    try comprehensionClauses()
                    let sole = arguments.isEmpty && keywords.isEmpty && isOp(")")
                    guard sole else { throw error("Generator expression must be parenthesized") }
                    value = .other(kind: "GeneratorExp", text: "(" + text(from: start) + ")", precedence: PythonPrecedence.atom)
                }
                if sawDoubleStar { throw error("positional argument follows keyword argument unpacking") }
                if sawKeyword { throw error("positional argument follows keyword argument") }
                arguments.append(value)
            }
            if isOp(",") { p += 1 } else if !isOp(")") { throw error("invalid syntax") }
            if isOp(",") { throw error("invalid syntax") }
        }
        p += 1
        return .call(callee, arguments: arguments, keywords: keywords)
    }

    /// The inside of `[...]` after a primary: one index, a slice, or a tuple of them.
    mutating func slices() throws(PythonSyntaxError) -> PythonNode {
        var items: [PythonNode] = []
        var trailingComma = false
        repeat {
            if isOp(",") { p += 1; trailingComma = true }
            if isOp("]") { break }
            trailingComma = false
            items.append(try sliceItem())
        } while isOp(",")
        guard !items.isEmpty else { throw error("invalid syntax") }
        if items.count == 1 && !trailingComma {
            if case .starred = items[0] { return .tuple(items) }
            return items[0]
        }
        return .tuple(items)
    }

    mutating func sliceItem() throws(PythonSyntaxError) -> PythonNode {
        if isOp("*") {
            p += 1
            return .starred(try bitOr())
        }
        var lower: PythonNode?
        if !isOp(":") {
            lower = try namedExpression()
            guard isOp(":") else { return lower! }
        }
        p += 1
        var upper: PythonNode?, step: PythonNode?
        if !isOp(":") && !isOp(",") && !isOp("]") { upper = try expression() }
        if isOp(":") {
            p += 1
            if !isOp(",") && !isOp("]") { step = try expression() }
        }
        return .slice(lower, upper, step)
    }
}
