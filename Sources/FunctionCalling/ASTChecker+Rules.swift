/// §4: the type check with BFCL's "variable" rule and its one-level element check.
enum TypeCheck {
    struct Outcome {
        var failure: CheckErrorType?
        var isVariable: Bool
    }

    /// The type of the first alternative that is not the omission marker `""`.
    static func answerType(_ alternatives: [Value]) -> PythonType? {
        alternatives.first { $0 != .string("") }?.pythonType
    }

    static func run(value: Value, alternatives: [Value], expected: PythonType, nested: PythonType?) -> Outcome {
        let answer = answerType(alternatives)
        let isVariable = answer != nil && answer != expected
        var failure: CheckErrorType = .typeSimple
        if value.pythonType == expected {
            guard let nested else { return Outcome(failure: nil, isVariable: isVariable) }
            guard case .list(let items) = value else { return Outcome(failure: nil, isVariable: isVariable) }
            for alternative in alternatives {
                guard case .list(let elements) = alternative else {
                    // Not a list (the `""` marker or a variable name): the element check is skipped.
                    return Outcome(failure: nil, isVariable: isVariable)
                }
                let elementAnswer = answerType(elements)
                if items.allSatisfy({ $0.pythonType == nested || $0.pythonType == elementAnswer }) {
                    return Outcome(failure: nil, isVariable: isVariable)
                }
            }
            // BFCL records the nested failure, then still tries the variable rule below; only a
            // value of the answer's type keeps `type_error:nested`, anything else becomes simple.
            failure = .typeNested
            if let answer, value.pythonType == answer { return Outcome(failure: .typeNested, isVariable: true) }
            return Outcome(failure: .typeSimple, isVariable: false)
        }
        if let answer, value.pythonType == answer { return Outcome(failure: nil, isVariable: true) }
        return Outcome(failure: failure, isVariable: false)
    }
}

/// §5: the value checks for strings, dicts, lists of dicts and other lists.
enum ValueCheck {
    /// §5.1: delete ` ,./-_*^`, lowercase, then `'` → `"`.
    static func standardize(_ s: String) -> String {
        var kept = String.UnicodeScalarView()
        var asciiOnly = true
        for u in s.unicodeScalars {
            switch u {
            case " ", ",", ".", "/", "-", "_", "*", "^": continue
            default:
                if u.value >= 0x80 { asciiOnly = false }
                kept.append(u)
            }
        }
        var lowered: String
        if asciiOnly {
            lowered = String(String.UnicodeScalarView(kept.map { u in
                (u.value >= 0x41 && u.value <= 0x5A) ? Unicode.Scalar(u.value + 32)! : u
            }))
        } else {
            lowered = pythonLower(Array(kept))
        }
        if lowered.utf8.contains(UInt8(ascii: "'")) {
            lowered = String(String.UnicodeScalarView(lowered.unicodeScalars.map { $0 == "'" ? "\"" : $0 }))
        }
        return lowered
    }

    /// Python's `str.lower()`: full lowercase mappings, and capital sigma becomes final `ς` when a
    /// cased letter precedes it and none follows (ignoring case-ignorable characters), as CPython's
    /// `handle_capital_sigma` decides; Swift's `lowercased()` always gives `σ`.
    static func pythonLower(_ scalars: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        for (i, u) in scalars.enumerated() {
            guard u == "\u{03A3}" else {
                out.append(contentsOf: u.properties.lowercaseMapping.unicodeScalars)
                continue
            }
            var j = i - 1
            while j >= 0 && scalars[j].properties.isCaseIgnorable { j -= 1 }
            var final = j >= 0 && scalars[j].properties.isCased
            if final {
                var k = i + 1
                while k < scalars.count && scalars[k].properties.isCaseIgnorable { k += 1 }
                final = k == scalars.count || !scalars[k].properties.isCased
            }
            out.append(final ? "\u{03C2}" : "\u{03C3}")
        }
        return String(out)
    }

    static func standardized(_ v: Value) -> Value {
        if case .string(let s) = v { return .string(standardize(s)) }
        return v
    }

    static func string(_ value: Value, alternatives: [Value], parameter: String) -> CheckResult {
        guard case .string(let s) = value else { return .fail(.valueString, "not a string") }
        let mine = standardize(s)
        for case .string(let a) in alternatives where standardize(a).utf8.elementsEqual(mine.utf8) {
            return .pass
        }
        return .fail(.valueString, "Invalid value for parameter \(parameter.debugDescription): \(PythonRenderer.literal(value)). Expected one of \(alternatives.map(PythonRenderer.literal)). Case insensitive.")
    }

    /// The elements Python sees when it iterates an alternative by index (`""` is empty, a string
    /// gives its characters); nil when BFCL would crash on it.
    static func sequence(_ alternative: Value) -> [Value]? {
        switch alternative {
        case .list(let l), .tuple(let l): l
        case .string(let s): s.unicodeScalars.map { .string(String($0)) }
        default: nil
        }
    }

    static func list(_ value: Value, alternatives: [Value], parameter: String) -> CheckResult {
        guard case .list(let items) = value else { return .fail(.valueListOrTuple, "not a list") }
        let mine = Value.list(items.map(standardized))
        for alternative in alternatives {
            guard let elements = sequence(alternative) else { continue }
            if mine.pythonEquals(.list(elements.map(standardized))) { return .pass }
        }
        return .fail(.valueListOrTuple, "Invalid value for parameter \(parameter.debugDescription): \(PythonRenderer.literal(value)). Expected one of \(alternatives.map(PythonRenderer.literal)).")
    }

    /// §5.2: the value must match one dict spec; otherwise the last spec's error is reported.
    static func dict(_ value: Value, alternatives: [Value]) -> CheckResult {
        var result = CheckResult.fail(.dictUnclear, "No dict alternative to compare with.")
        for spec in alternatives where spec != .string("") {
            result = dict(value, spec: spec)
            if result.valid { return .pass }
        }
        return result
    }

    static func dict(_ value: Value, spec: Value) -> CheckResult {
        guard case .dict(let entries) = value else { return .fail(.valueDictValue, "not a dict") }
        let specEntries = spec.dictEntries ?? []
        var result = CheckResult.pass
        for e in entries {
            guard let allowed = specEntries.first(where: { $0.key.pythonEquals(e.key) })?.value else {
                result = .fail(.valueDictKey, "Unexpected dict key parameter: \(PythonRenderer.literal(e.key)).")
                break
            }
            let mine = standardized(e.value)
            let options = (sequence(allowed) ?? []).map(standardized)
            if !mine.isPythonMember(of: options) {
                result = .fail(.valueDictValue, "Invalid value for dict key \(PythonRenderer.literal(e.key)): \(PythonRenderer.literal(e.value)).")
                break
            }
        }
        // BFCL runs the missing-key scan even after a failure above, so it can overwrite the error.
        for s in specEntries where !entries.contains(where: { $0.key.pythonEquals(s.key) }) {
            let mayBeOmitted: Bool
            switch s.value {
            case .string: mayBeOmitted = true  // Python's `"" in "text"` is a substring test: always true
            case .list(let l): mayBeOmitted = l.contains(.string(""))
            default: mayBeOmitted = false
            }
            if !mayBeOmitted {
                result = .fail(.valueDictKey, "Missing dict key parameter: \(PythonRenderer.literal(s.key)).")
                break
            }
        }
        return result
    }

    /// §5.3: same length as an alternative and element i matching spec i, in order.
    static func listOfDicts(_ value: Value, alternatives: [Value]) -> CheckResult {
        guard case .list(let items) = value else { return .fail(.valueListDictCount, "not a list") }
        var result = CheckResult.fail(.listDictUnclear, "No list-of-dict alternative to compare with.")
        for alternative in alternatives {
            let specs = sequence(alternative) ?? []
            guard specs.count == items.count else {
                result = .fail(.valueListDictCount, "Wrong number of dictionaries in the list.")
                continue
            }
            var ok = true
            for (item, spec) in zip(items, specs) {
                result = spec == .string("") ? .fail(.dictUnclear, "No dict alternative.") : dict(item, spec: spec)
                if !result.valid { ok = false; break }
            }
            if ok { return .pass }
        }
        return result
    }
}
