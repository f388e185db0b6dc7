/// BFCL's single-turn AST checker (BFCL_CHECKER.md §1, §3–§9), rule for rule: the same routes,
/// the same order of rules, the same leniencies and the same error types; Java and JavaScript
/// values are converted from their source text by BFCL's rules (§8.2) before the same checks.
public struct ASTChecker: Sendable {
    /// BFCL's `underscore_to_dot` model flag: expect `math_factorial` instead of `math.factorial`.
    /// Off for prompting models, which is how this project's policy answers.
    public var underscoreToDot: Bool

    public init(underscoreToDot: Bool = false) {
        self.underscoreToDot = underscoreToDot
    }

    /// BFCL's whole per-entry pipeline on a raw model output: decode (§2.1–2.3, and §8.1 for
    /// the Java and JavaScript categories in the Python return format), then route by the task's category.
    public func check(rawOutput: String, task: FunctionTask, returnFormat: BFCLReturnFormat = .python) -> CheckResult {
        switch task.category.route {
        case .irrelevance, .relevance:
            // BFCL decodes these with the Python decoder whatever the return format.
            let containsCall = ((try? PythonCallDecoder.decodeBFCLOutput(rawOutput))?.isEmpty == false)
            return relevanceVerdict(containsCall: containsCall, route: task.category.route)
        default:
            let calls: [FunctionCall]
            do {
                switch returnFormat {
                case .python: calls = try BFCLDecoder.decode(rawOutput, language: task.category.language)
                case .json: calls = try BFCLJSONDecoder.decodeBFCLOutput(rawOutput)
                }
            } catch {
                if case .wrongOutputFormat = error {
                    return .fail(.decoderWrongOutputFormat, "Did not output in the specified format. \(error)")
                }
                return .fail(.decoderFailed, "Invalid syntax. Failed to decode AST. \(error)")
            }
            return check(calls: calls, task: task)
        }
    }

    /// The checker's verdict on already-decoded calls (any output form).
    public func check(calls: [FunctionCall], task: FunctionTask) -> CheckResult {
        let route = task.category.route
        if route == .irrelevance || route == .relevance {
            return relevanceVerdict(containsCall: !calls.isEmpty, route: route)
        }
        let expected = task.groundTruth ?? []
        switch route {
        case .parallel:
            return checkParallel(calls: calls, functions: task.functions, expected: expected, language: task.category.language)
        case .multiple:
            guard calls.count == expected.count else {
                return .fail(.multipleWrongCount, "Wrong number of functions.")
            }
            guard let first = expected.first else { return .pass }
            guard let function = task.function(named: first.functionName) else {
                return .fail(.wrongFunctionName, "No offered function is named \(first.functionName).")
            }
            return checkCall(calls[0], function: function, expected: first, language: task.category.language)
        default:
            guard calls.count == 1 else { return .fail(.simpleWrongCount, "Wrong number of functions.") }
            guard let function = task.functions.first, let first = expected.first else {
                return .fail(.wrongFunctionName, "The task offers no function or has no answer.")
            }
            return checkCall(calls[0], function: function, expected: first, language: task.category.language)
        }
    }

    func relevanceVerdict(containsCall: Bool, route: CheckerRoute) -> CheckResult {
        if route == .irrelevance {
            return containsCall ? .fail(.irrelevanceDecoderSuccess, "Valid syntax. Successfully decode AST when it should not.") : .pass
        }
        return containsCall ? .pass : .fail(.relevanceDecoderFailed, "Invalid syntax. Failed to decode AST when it should.")
    }

    /// §7: as many calls as expected; each expected call, in answer order, consumes the first
    /// not-yet-matched call (in the model's order) that passes §3. Greedy, no backtracking.
    func checkParallel(calls: [FunctionCall], functions: [FunctionSchema], expected: [ExpectedCall], language: CallLanguage = .python) -> CheckResult {
        guard calls.count == expected.count else {
            return .fail(.parallelWrongCount, "Wrong number of functions.")
        }
        var matched = [Bool](repeating: false, count: calls.count)
        for (i, want) in expected.enumerated() {
            guard let function = functions.first(where: { $0.name == want.functionName }) else {
                return .fail(.parallelCannotFindMatch, "No offered function is named \(want.functionName).")
            }
            var errors: [String] = []
            var found = false
            for k in calls.indices where !matched[k] {
                let r = checkCall(calls[k], function: function, expected: want, language: language)
                if r.valid {
                    matched[k] = true
                    found = true
                    break
                }
                errors.append("model output \(k): \(r)")
            }
            if !found {
                let left = calls.indices.filter { !matched[$0] }
                return CheckResult(errorType: .parallelCannotFindMatch,
                                   messages: ["Could not find a matching function among index \(left) of model output for index \(i) of possible answers."] + errors)
            }
        }
        return .pass
    }

    /// §3: one call against one function doc and one expected call.
    public func checkCall(_ call: FunctionCall, function: FunctionSchema, expected: ExpectedCall, language: CallLanguage = .python) -> CheckResult {
        let expectedName = underscoreToDot ? function.name.replacingDots() : function.name
        guard call.name == expectedName else {
            return .fail(.wrongFunctionName, "Function name \(expectedName.debugDescription) not found in model output.")
        }
        for r in function.required where call.argument(r) == nil {
            return .fail(.missingRequired, "Missing required parameter: \(r.debugDescription).")
        }
        for argument in call.arguments {
            guard let schema = function.parameter(named: argument.name),
                  let alternatives = expected.alternatives(for: argument.name)
            else {
                return .fail(.unexpectedParameter, "Unexpected parameter: \(argument.name.debugDescription).")
            }
            let r = language == .python
                ? checkArgument(name: argument.name, value: argument.value, schema: schema, alternatives: alternatives)
                : checkArgument(name: argument.name, value: argument.value, schema: schema, alternatives: alternatives, language: language)
            if !r.valid { return r }
        }
        for p in expected.parameters where call.argument(p.name) == nil && !p.mayBeOmitted {
            return .fail(.missingOptional, "Optional parameter \(p.name.debugDescription) not provided and not marked as optional.")
        }
        return .pass
    }

    /// §3b–f for one passed argument: conversions, the type check, then the value check.
    func checkArgument(name: String, value original: Value, schema: ParameterSchema, alternatives: [Value]) -> CheckResult {
        let declared = schema.type
        guard let expectedType = Self.pythonType(forSchemaType: declared) else {
            return .fail(.typeSimple, "Unknown schema type \(declared.debugDescription) for parameter \(name.debugDescription).")
        }
        var nestedType: PythonType?
        if declared == "array" || declared == "tuple" {
            nestedType = schema.items.flatMap { Self.pythonType(forSchemaType: $0.type) }
        }
        var value = original
        if declared == "tuple", case .tuple(let items) = value { value = .list(items) }
        if declared == "float", case .integer(let i) = value { value = .float(Double(i)) }
        return checkConverted(name: name, value: value, declared: declared, expectedType: expectedType, nestedType: nestedType,
                              alternatives: alternatives)
    }

    /// §4–§5 on a value already converted to the Python object BFCL compares.
    func checkConverted(name: String, value: Value, declared: String, expectedType: PythonType, nestedType: PythonType?,
                        alternatives: [Value]) -> CheckResult {

        let typeCheck = TypeCheck.run(value: value, alternatives: alternatives, expected: expectedType, nested: nestedType)
        if let failure = typeCheck.failure {
            return .fail(failure, "Incorrect type for parameter \(name.debugDescription). Expected type \(declared), got \(value.pythonType). Parameter value: \(PythonRenderer.literal(value)).")
        }
        if !typeCheck.isVariable {
            switch expectedType {
            case .dict:
                return ValueCheck.dict(value, alternatives: alternatives)
            case .list where nestedType == .dict:
                return ValueCheck.listOfDicts(value, alternatives: alternatives)
            case .string:
                return ValueCheck.string(value, alternatives: alternatives, parameter: name)
            case .list:
                return ValueCheck.list(value, alternatives: alternatives, parameter: name)
            default:
                break
            }
        }
        guard value.isPythonMember(of: alternatives) else {
            return .fail(.valueOthers, "Invalid value for parameter \(name.debugDescription): \(PythonRenderer.literal(value)). Expected one of \(alternatives.map(PythonRenderer.literal)).")
        }
        return .pass
    }

    /// §4.1: BFCL's Python type table (`any` is a string; `tuple` is checked as a list).
    public static func pythonType(forSchemaType type: String) -> PythonType? {
        switch type {
        case "string", "any": .string
        case "integer": .integer
        case "float": .float
        case "boolean": .bool
        case "array", "tuple": .list
        case "dict": .dict
        default: nil
        }
    }
}

/// BFCL's return formats for prompting models that this checker decodes (§2.2, §2.3).
public enum BFCLReturnFormat: String, Sendable, CaseIterable {
    case python, json
}

extension String {
    func replacingDots() -> String {
        String(map { $0 == "." ? "_" : $0 })
    }
}
