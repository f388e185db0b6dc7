/// Data preparation, stage 1: rules. Each task's ground truth is checked against the schemas of
/// the offered functions: the function is offered, required parameters are present with a value,
/// no parameter is unknown, every alternative has the schema's type and lies in its enum.
/// Rules repair what they can; a task whose ground truth no output could pass, or whose answer
/// contradicts its schema with nothing left to accept, is dropped. Stage 2 (filtering by the
/// policy's pass rate) belongs with the trainer.
///
/// Repairs never make the answer accept an output that breaks the schema:
/// * an integer where the schema says `float` (also inside a `list[float]`) becomes a float: BFCL
///   accepts `5` for `5.0` at the top level but not inside lists (BFCL_CHECKER.md §4.3);
/// * a bool or integer for a string enum that lists its spelling (`True` for `'True'|'False'`)
///   becomes that string;
/// * the omission marker `""` on a required parameter is removed (the checker demands the
///   parameter anyway);
/// * an alternative of the wrong type or outside the enum is removed when other alternatives
///   (or omission, `""`) remain. BFCL itself accepts such alternatives only through its
///   "variable" rule or because it never looks at enums.
public enum DataPrep {
    /// What a rule found, for one parameter or call of a task.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public let reason: Reason
        public let function: String
        public let parameter: String?
        public let detail: String

        public var description: String {
            "\(reason.rawValue) \(function)" + (parameter.map { ".\($0)" } ?? "") + (detail.isEmpty ? "" : ": \(detail)")
        }
    }

    /// Why a task was dropped or repaired.
    public enum Reason: String, Sendable, CaseIterable, Comparable {
        // Drops: no output can pass these (BFCL_CHECKER.md §11).
        case functionNotOffered = "drop:function-not-offered"
        case requiredMissing = "drop:required-missing"
        case requiredWithoutValue = "drop:required-without-value"
        case unknownParameter = "drop:unknown-parameter"
        case noAlternatives = "drop:no-alternatives"
        // Drops: the answer contradicts its schema and no acceptable alternative remains.
        case wrongType = "drop:wrong-type"
        case notInEnum = "drop:not-in-enum"
        // Repairs.
        case integerForFloat = "repair:integer-for-float"
        case scalarForStringEnum = "repair:scalar-for-string-enum"
        case removedWrongType = "repair:removed-wrong-type-alternative"
        case removedNotInEnum = "repair:removed-not-in-enum-alternative"
        case omissionOnRequired = "repair:omission-marker-on-required"

        public var drops: Bool { rawValue.hasPrefix("drop:") }

        public static func < (a: Reason, b: Reason) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// The outcome over a set of tasks.
    public struct Report: Sendable {
        /// Tasks to keep, repaired where a rule applied, in input order.
        public var kept: [FunctionTask] = []
        public var dropped: [(task: FunctionTask, findings: [Finding])] = []
        public var repaired: [(task: FunctionTask, findings: [Finding])] = []

        /// Number of tasks per reason (a task counts once per reason it has).
        public var counts: [Reason: Int] {
            var c: [Reason: Int] = [:]
            for entry in dropped + repaired {
                for r in Set(entry.findings.map(\.reason)) { c[r, default: 0] += 1 }
            }
            return c
        }

        /// Ids of the dropped tasks.
        public var droppedIDs: [String] { dropped.map(\.task.id) }

        /// Totals and counts per reason, one line each.
        public var summary: String {
            var lines = ["\(kept.count + dropped.count) tasks: \(kept.count) kept (\(repaired.count) repaired), \(dropped.count) dropped"]
            let c = counts
            for r in Reason.allCases where c[r] != nil {
                lines.append("  \(r.rawValue): \(c[r]!) task\(c[r]! == 1 ? "" : "s")")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Applies the rules to every task. Tasks without ground truth (irrelevance) are kept as is.
    public static func validate(_ tasks: [FunctionTask]) -> Report {
        var report = Report()
        for task in tasks {
            let (fixed, findings) = validate(task)
            if findings.contains(where: \.reason.drops) {
                report.dropped.append((task, findings))
            } else {
                report.kept.append(fixed)
                if !findings.isEmpty { report.repaired.append((fixed, findings)) }
            }
        }
        return report
    }

    /// One task: the repaired task and what the rules found (a drop reason among them means the
    /// task must not be used).
    public static func validate(_ task: FunctionTask) -> (FunctionTask, [Finding]) {
        guard let truth = task.groundTruth else { return (task, []) }
        var findings: [Finding] = []
        var fixedCalls: [ExpectedCall] = []
        for call in truth {
            guard let schema = task.function(named: call.functionName) else {
                findings.append(Finding(reason: .functionNotOffered, function: call.functionName, parameter: nil,
                                        detail: "offered: " + task.functions.map(\.name).joined(separator: ", ")))
                fixedCalls.append(call)
                continue
            }
            fixedCalls.append(check(call, against: schema, findings: &findings))
        }
        var fixed = task
        fixed.groundTruth = fixedCalls
        return (fixed, findings)
    }

    static func check(_ call: ExpectedCall, against schema: FunctionSchema, findings: inout [Finding]) -> ExpectedCall {
        let f = call.functionName
        for name in schema.required where call.alternatives(for: name) == nil {
            findings.append(Finding(reason: .requiredMissing, function: f, parameter: name, detail: "the answer does not list it"))
        }
        var fixed = call
        for (i, p) in call.parameters.enumerated() {
            guard let ps = schema.parameter(named: p.name) else {
                findings.append(Finding(reason: .unknownParameter, function: f, parameter: p.name,
                                        detail: "schema has " + schema.parameters.map(\.name).joined(separator: ", ")))
                continue
            }
            let required = schema.required.contains(p.name)
            if p.alternatives.isEmpty {
                findings.append(Finding(reason: required ? .requiredWithoutValue : .noAlternatives, function: f,
                                        parameter: p.name, detail: "empty list of alternatives"))
                continue
            }
            var kept: [Value] = []
            var lastRemoval: Reason?
            for alternative in p.alternatives {
                // `""` marks omission; `None` is how BFCL lets an optional parameter be passed as null.
                if alternative == .string("") || alternative == .null {
                    kept.append(alternative)
                    continue
                }
                switch conform(alternative, to: ps) {
                case .fits(let v, let repair):
                    if let repair {
                        findings.append(Finding(reason: repair, function: f, parameter: p.name,
                                                detail: "\(PythonRenderer.literal(alternative)) -> \(PythonRenderer.literal(v))"))
                    }
                    kept.append(v)
                case .violates(let reason, let why):
                    lastRemoval = reason
                    findings.append(Finding(reason: reason == .wrongType ? .removedWrongType : .removedNotInEnum,
                                            function: f, parameter: p.name, detail: why))
                }
            }
            let hasValue = kept.contains { $0 != .string("") && $0 != .null }
            if kept.isEmpty || (required && !hasValue) {
                // Nothing acceptable is left: report the drop and take back the "removed" repairs.
                findings.removeAll { ($0.reason == .removedWrongType || $0.reason == .removedNotInEnum) && $0.function == f && $0.parameter == p.name }
                let reason: Reason = lastRemoval ?? (required ? .requiredWithoutValue : .noAlternatives)
                findings.append(Finding(reason: reason, function: f, parameter: p.name,
                                        detail: "alternatives \(PythonRenderer.literal(.list(p.alternatives))) leave no acceptable value"))
                continue
            }
            if required && kept.contains(.string("")) {
                // The checker demands a required parameter whatever the answer says, so `""`
                // there only misleads whoever reads the answer (a rendered reference would omit it).
                kept.removeAll { $0 == .string("") }
                findings.append(Finding(reason: .omissionOnRequired, function: f, parameter: p.name, detail: "required, yet \"\" listed"))
            }
            fixed.parameters[i].alternatives = kept
        }
        return fixed
    }

    enum Conformance {
        case fits(Value, repair: Reason?)
        case violates(Reason, String)
    }

    /// Whether one alternative has the parameter's type (and enum), possibly after a repair.
    static func conform(_ value: Value, to schema: ParameterSchema) -> Conformance {
        let t = schema.type
        // Enum: for arrays BFCL's data puts the element enum on the array itself.
        if let options = schema.enumValues, !options.isEmpty, t != "array", t != "tuple" {
            if options.contains(value) { return .fits(value, repair: nil) }
            // The checker compares strings after its normalisation, so 'bronze' is 'Bronze'.
            if case .string(let text) = value,
               options.contains(where: { $0.stringValue.map(standardized) == standardized(text) }) {
                return .fits(value, repair: nil)
            }
            if t == "string", value.pythonType == .bool || value.pythonType == .integer {
                let spelled = Value.string(ValuePool.leafText(value))
                if options.contains(spelled) { return .fits(spelled, repair: .scalarForStringEnum) }
            }
            let typed = conformType(value, to: schema)
            if case .violates = typed { return typed }
            return .violates(.notInEnum, "\(PythonRenderer.literal(value)) not in \(PythonRenderer.literal(.list(options)))")
        }
        let typed = conformType(value, to: schema)
        if case .fits(.list(let items), let repair) = typed, let options = schema.enumValues, !options.isEmpty {
            for item in items where !options.contains(item)
                && !options.contains(where: { $0.stringValue.map(standardized) == item.stringValue.map(standardized) }) {
                return .violates(.notInEnum, "element \(PythonRenderer.literal(item)) not in \(PythonRenderer.literal(.list(options)))")
            }
            return .fits(.list(items), repair: repair)
        }
        return typed
    }

    /// BFCL's string normalisation (BFCL_CHECKER.md §5.1): drop space , . / - _ * ^, lowercase,
    /// `'` to `"`.
    static func standardized(_ s: String) -> String {
        let dropped: Set<Character> = [" ", ",", ".", "/", "-", "_", "*", "^"]
        return String(String(s.filter { !dropped.contains($0) }).lowercased().map { $0 == "'" ? "\"" : $0 })
    }

    static func conformType(_ value: Value, to schema: ParameterSchema) -> Conformance {
        let expected: PythonType
        switch schema.type {
        case "string": expected = .string
        case "integer": expected = .integer
        case "float": expected = .float
        case "boolean": expected = .bool
        case "array", "tuple": expected = .list
        case "dict": expected = .dict
        default: return .fits(value, repair: nil)  // `any` and types outside BFCL's Python table
        }
        let wrong = Conformance.violates(.wrongType, "\(PythonRenderer.literal(value)) is \(value.pythonType), schema says \(schema.type)")
        switch (expected, value) {
        case (.float, .integer(let i)): return .fits(.float(Double(i)), repair: .integerForFloat)
        case (.list, .list(let items)), (.list, .tuple(let items)):
            guard let element = schema.items, items.count > 0 else { return .fits(value, repair: nil) }
            var out: [Value] = []
            var repair: Reason?
            for item in items {
                switch conformType(item, to: element) {
                case .fits(let v, let r):
                    out.append(v)
                    repair = repair ?? r
                case .violates(_, let why): return .violates(.wrongType, "element " + why)
                }
            }
            return .fits(.list(out), repair: repair)
        default:
            return value.pythonType == expected ? .fits(value, repair: nil) : wrong
        }
    }
}
