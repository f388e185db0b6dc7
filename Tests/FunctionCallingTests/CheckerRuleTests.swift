import Testing
@testable import FunctionCalling

/// A one-function task built inline, for the rule tests.
private func task(
    _ category: TaskCategory = .simplePython, parameters: [(String, ParameterSchema)], required: [String],
    answer: [(String, [Value])], name: String = "f"
) -> FunctionTask {
    let schema = FunctionSchema(name: name, description: "", parameters: parameters.map { Property(name: $0.0, schema: $0.1) },
                                required: required)
    let truth = [ExpectedCall(functionName: name, parameters: answer.map { ExpectedCall.Parameter(name: $0.0, alternatives: $0.1) })]
    return FunctionTask(id: "\(category.rawValue)_0", category: category, messages: [], functions: [schema], groundTruth: truth)
}

private func verdict(_ output: String, _ t: FunctionTask) -> String {
    ASTChecker().check(rawOutput: output, task: t).errorTypeString
}

private let triangle = task(
    parameters: [("base", ParameterSchema(type: "integer")), ("height", ParameterSchema(type: "integer")),
                 ("unit", ParameterSchema(type: "string"))],
    required: ["base", "height"],
    answer: [("base", [.integer(10)]), ("height", [.integer(5)]), ("unit", [.string("units"), .string("")])])

/// BFCL_CHECKER.md §3's worked example, case by case.
@Test func simpleCheckerExample() {
    #expect(verdict("[calculate(base=10, height=5)]", triangle) == "simple_function_checker:wrong_func_name")
    #expect(verdict("[f(base=10, height=5)]", triangle) == "")
    #expect(verdict("[f(base=10, height=5, unit='UNITS')]", triangle) == "")
    #expect(verdict("[f(base=10, height=5, unit='')]", triangle) == "")
    #expect(verdict("[f(base=10)]", triangle) == "simple_function_checker:missing_required")
    #expect(verdict("[f(base=10, height=5, color='red')]", triangle) == "simple_function_checker:unexpected_param")
    #expect(verdict("[f(base='10', height=5)]", triangle) == "type_error:simple")
    #expect(verdict("[f(base=10.0, height=5)]", triangle) == "type_error:simple")
    #expect(verdict("[f(base=True, height=5)]", triangle) == "type_error:simple")
    #expect(verdict("[f(base=11, height=5)]", triangle) == "value_error:others")
    #expect(verdict("[f(10, 5)]", triangle) == "simple_function_checker:missing_required")
    #expect(verdict("[f(base=10, height=5), f(base=10, height=5)]", triangle) == "simple_function_checker:wrong_count")
    #expect(verdict("Sure: [f(base=10, height=5)]", triangle) == "ast_decoder:decoder_failed")
}

/// An answer listing an optional parameter without `""` makes it mandatory (missing_optional).
@Test func answerListedOptionalIsRequired() {
    let t = task(parameters: [("a", ParameterSchema(type: "integer")), ("b", ParameterSchema(type: "integer"))],
                 required: ["a"], answer: [("a", [.integer(1)]), ("b", [.integer(2)])])
    #expect(verdict("[f(a=1)]", t) == "simple_function_checker:missing_optional")
    #expect(verdict("[f(a=1, b=2)]", t) == "")
}

/// The unary quirk: any unary operator negates the constant (`+4` → -4, `not True` → -1).
@Test func unaryOperatorAlwaysNegates() throws {
    let t = task(parameters: [("n", ParameterSchema(type: "integer"))], required: ["n"], answer: [("n", [.integer(-4)])])
    #expect(verdict("[f(n=-4)]", t) == "")
    #expect(verdict("[f(n=+4)]", t) == "")
    #expect(verdict("[f(n=~4)]", t) == "")
    #expect(verdict("[f(n=4)]", t) == "value_error:others")
    #expect(verdict("[f(n=-x)]", t) == "ast_decoder:decoder_failed")
    #expect(try PythonCallDecoder.decodeBFCLOutput("[f(n=not True)]")[0].argument("n") == .integer(-1))
    #expect(try PythonCallDecoder.decodeBFCLOutput("[f(n=2+3, m=10**2)]")[0].arguments.map(\.value) == [.integer(5), .integer(100)])
}

/// Bare names are strings: JSON-style `true` is the string "true", also inside dicts.
@Test func bareNamesAreStrings() throws {
    let calls = try PythonCallDecoder.decodeBFCLOutput("[f(a=true, b=null, c={'k': true}, d=x.y(1), e=a[0])]")
    #expect(calls[0].argument("a") == .string("true"))
    #expect(calls[0].argument("b") == .string("null"))
    #expect(calls[0].argument("c") == .object([("k", .string("true"))]))
    #expect(calls[0].argument("d") == .string("x.y(1)"))
    #expect(calls[0].argument("e") == .string("a[0]"))
    let flag = task(parameters: [("on", ParameterSchema(type: "boolean"))], required: ["on"], answer: [("on", [.bool(true)])])
    #expect(verdict("[f(on=true)]", flag) == "type_error:simple")
    #expect(verdict("[f(on=True)]", flag) == "")
}

/// §4.2: an answer of another type than the schema's marks a variable, compared exactly.
@Test func variableRule() {
    let t = task(parameters: [("items", ParameterSchema(type: "array", items: ParameterSchema(type: "string")))],
                 required: ["items"], answer: [("items", [.string("myItemList")])])
    #expect(verdict("[f(items=myItemList)]", t) == "")
    #expect(verdict("[f(items='myItemList')]", t) == "")
    #expect(verdict("[f(items=MyItemList)]", t) == "value_error:others")
    // A list passes the type check (the string alternative skips the element check) but, being a
    // variable, must then equal an alternative exactly.
    #expect(verdict("[f(items=['a'])]", t) == "value_error:others")
    #expect(verdict("[f(items=5)]", t) == "type_error:simple")
}

/// §3d and §4.3: int → float only at the top level; inside arrays no leniency unless `""` is an
/// alternative, after which §5.4 compares numerically.
@Test func floatLeniency() {
    let f = task(parameters: [("x", ParameterSchema(type: "float"))], required: ["x"], answer: [("x", [.float(5.0)])])
    #expect(verdict("[f(x=5)]", f) == "")
    #expect(verdict("[f(x=5.0)]", f) == "")
    #expect(verdict("[f(x=True)]", f) == "type_error:simple")
    let strict = task(parameters: [("v", ParameterSchema(type: "array", items: ParameterSchema(type: "float")))],
                      required: ["v"], answer: [("v", [.list([.float(12), .float(15)])])])
    #expect(verdict("[f(v=[12, 15])]", strict) == "type_error:nested")
    #expect(verdict("[f(v=[12.0, 15.0])]", strict) == "")
    let loose = task(parameters: [("v", ParameterSchema(type: "array", items: ParameterSchema(type: "float")))],
                     required: [], answer: [("v", [.list([.float(12), .float(15)]), .string("")])])
    #expect(verdict("[f(v=[12, 15])]", loose) == "")
    #expect(verdict("[f(v=[])]", loose) == "")
    #expect(verdict("[f(v=[15.0, 12.0])]", loose) == "value_error:list/tuple")
}

/// §5.1: delete ` ,./-_*^`, lowercase, `'` → `"`; other punctuation counts.
@Test func stringStandardisation() {
    let t = task(parameters: [("city", ParameterSchema(type: "string"))], required: ["city"], answer: [("city", [.string("New York, NY")])])
    #expect(verdict("[f(city='new york ny')]", t) == "")
    #expect(verdict("[f(city='NEWYORK,NY.')]", t) == "")
    #expect(verdict("[f(city='New York; NY')]", t) == "value_error:string")
    #expect(verdict("[f(city='New York, NY!')]", t) == "value_error:string")
    #expect(ValueCheck.standardize("grams/mole") == ValueCheck.standardize("grams mole"))
    #expect(ValueCheck.standardize("It's A_B") == "it\"sab")
    // Python's lower(): final sigma, dotted capital I; reference values from CPython 3.11.
    #expect(ValueCheck.standardize("ΟΔΟΣ ΟΔΟΣ") == "οδοσοδος")  // the space goes first, so only the last Σ is final
    #expect(ValueCheck.standardize("ΟΔΟΣ") == "οδος")
    #expect(ValueCheck.standardize("ΣΑΣ") == "σας")
    #expect(ValueCheck.standardize("İstanbul").unicodeScalars.map(\.value) == [0x69, 0x307, 0x73, 0x74, 0x61, 0x6E, 0x62, 0x75, 0x6C])
}

/// §5.2–5.3: dict specs and lists of dicts (order matters, counts must match).
@Test func dictAndListOfDictValues() {
    let spec: Value = .object([("name", .list([.string("John Doe")])), ("age", .list([.integer(3), .string("")]))])
    let d = task(parameters: [("info", ParameterSchema(type: "dict"))], required: ["info"], answer: [("info", [spec])])
    #expect(verdict("[f(info={'name': 'john doe'})]", d) == "")
    #expect(verdict("[f(info={'name': 'John Doe', 'age': 3.0})]", d) == "")
    #expect(verdict("[f(info={'name': 'John Doe', 'age': '3'})]", d) == "value_error:dict_value")
    #expect(verdict("[f(info={'name': 'John Doe', 'zip': 1})]", d) == "value_error:dict_key")
    #expect(verdict("[f(info={'age': 3})]", d) == "value_error:dict_key")
    #expect(verdict("[f(info='{\"name\": \"John Doe\"}')]", d) == "type_error:simple")
    let a: Value = .object([("field", .list([.string("age")]))]), b: Value = .object([("field", .list([.string("name")]))])
    let l = task(parameters: [("c", ParameterSchema(type: "array", items: ParameterSchema(type: "dict")))], required: ["c"],
                 answer: [("c", [.list([a, b])])])
    #expect(verdict("[f(c=[{'field': 'age'}, {'field': 'name'}])]", l) == "")
    #expect(verdict("[f(c=[{'field': 'name'}, {'field': 'age'}])]", l) == "value_error:dict_value")
    #expect(verdict("[f(c=[{'field': 'age'}])]", l) == "value_error:list_dict_count")
}

/// §7: greedy matching in answer order; `parallel_178` passes in answer order and fails reversed.
@Test func greedyParallelMatching() {
    let schema = FunctionSchema(name: "get_stock", description: "", parameters: [Property(name: "company", schema: ParameterSchema(type: "string"))],
                                required: ["company"])
    let truth = [ExpectedCall(functionName: "get_stock", parameters: [.init(name: "company", alternatives: [.string("Microsoft"), .string("Apple")])]),
                 ExpectedCall(functionName: "get_stock", parameters: [.init(name: "company", alternatives: [.string("Microsoft")])])]
    let t = FunctionTask(id: "parallel_0", category: .parallel, messages: [], functions: [schema], groundTruth: truth)
    let checker = ASTChecker()
    #expect(checker.check(rawOutput: "[get_stock(company='Apple'), get_stock(company='Microsoft')]", task: t).valid)
    #expect(checker.check(rawOutput: "[get_stock(company='Microsoft'), get_stock(company='Apple')]", task: t).errorTypeString
        == "parallel_function_checker_no_order:cannot_find_match")
    #expect(checker.check(rawOutput: "[get_stock(company='Apple')]", task: t).errorTypeString == "parallel_function_checker_no_order:wrong_count")
}

/// §9: irrelevance passes anything that is not a call; relevance needs any call.
@Test func irrelevanceAndRelevance() {
    let irrelevant = FunctionTask(id: "irrelevance_0", category: .irrelevance, messages: [], functions: [], groundTruth: nil)
    let relevant = FunctionTask(id: "live_relevance_0-0-0", category: .liveRelevance, messages: [], functions: [], groundTruth: nil)
    let checker = ASTChecker()
    for ok in ["I cannot help with that.", "[]", "[1, 2]", "word", "Use f(x=1) maybe", ""] {
        #expect(checker.check(rawOutput: ok, task: irrelevant).valid, "\(ok)")
        #expect(checker.check(rawOutput: ok, task: relevant).errorTypeString == "relevance_error:decoder_failed", "\(ok)")
    }
    #expect(checker.check(rawOutput: "[f()]", task: irrelevant).errorTypeString == "irrelevance_error:decoder_success")
    #expect(checker.check(rawOutput: "[anything(x=1)]", task: relevant).valid)
}

/// The `underscore_to_dot` flag of FC models flips which spelling of a dotted name is right.
@Test func underscoreToDot() {
    let t = task(parameters: [("n", ParameterSchema(type: "integer"))], required: ["n"], answer: [("n", [.integer(5)])], name: "math.factorial")
    #expect(ASTChecker().check(rawOutput: "[math.factorial(n=5)]", task: t).valid)
    #expect(!ASTChecker(underscoreToDot: true).check(rawOutput: "[math.factorial(n=5)]", task: t).valid)
    #expect(ASTChecker(underscoreToDot: true).check(rawOutput: "[math_factorial(n=5)]", task: t).valid)
}

/// §2.1 wrapper examples.
@Test func wrapperExamples() {
    let t = task(parameters: [("number", ParameterSchema(type: "integer"))], required: ["number"],
                 answer: [("number", [.integer(5)])], name: "math.factorial")
    #expect(verdict("math.factorial(number=5)", t) == "")
    #expect(verdict("```\n[math.factorial(number=5)]\n```", t) == "")
    #expect(verdict("```python\n[math.factorial(number=5)]\n```", t) == "ast_decoder:decoder_failed")
    #expect(verdict("'[math.factorial(number=5)]'", t) == "ast_decoder:decoder_failed")
    #expect(verdict("[math.factorial(number=5)\nmath.factorial(number=5)]", t) == "ast_decoder:decoder_failed")
}

/// Absurdly nested outputs fail to decode, as in CPython, instead of exhausting the stack:
/// 200 open brackets is CPython's limit, and its AST construction gives up near 3,000 levels.
@Test func deepNestingFailsCleanly() throws {
    // "[f(x=" opens 2 brackets; CPython accepts 200 open at once and refuses the 201st.
    let ok = "[f(x=" + String(repeating: "[", count: 198) + String(repeating: "]", count: 198) + ")]"
    #expect(throws: Never.self) { try PythonCallDecoder.decodeBFCLOutput(ok) }
    let tooDeep = "[f(x=" + String(repeating: "[", count: 199) + String(repeating: "]", count: 199) + ")]"
    #expect(throws: DecodeError.self) { try PythonCallDecoder.decodeBFCLOutput(tooDeep) }
    // A parseable unary chain still fails BFCL's value rule (only a constant operand has a value).
    #expect(throws: DecodeError.self) { try PythonCallDecoder.decodeBFCLOutput("[f(x=" + String(repeating: "-", count: 1000) + "1)]") }
    for n in [5000, 100_000] {
        #expect(throws: DecodeError.self) { try PythonCallDecoder.decodeBFCLOutput("[f(x=" + String(repeating: "-", count: n) + "1)]") }
        #expect(throws: DecodeError.self) { try PythonCallDecoder.decodeBFCLOutput("[f(x=" + Array(repeating: "1", count: n).joined(separator: "+") + ")]") }
        #expect(throws: DecodeError.self) { try PythonCallDecoder.decodeBFCLOutput("[f(x=a" + String(repeating: ".b", count: n) + ")]") }
        #expect(throws: DecodeError.self) { try PythonCallDecoder.decodeBFCLOutput("[f(x=" + String(repeating: "not ", count: n) + "1)]") }
    }
}

/// Binary operations are evaluated with Python's semantics, within bounds a trainer can afford.
@Test func binaryOperationsEvaluate() throws {
    func x(_ source: String) throws -> Value? { try PythonCallDecoder.decodeBFCLOutput("[f(x=\(source))]")[0].argument("x") }
    #expect(try x("7/2") == .float(3.5))
    #expect(try x("-7//2") == .integer(-4))
    #expect(try x("-7%3") == .integer(2))
    #expect(try x("2**-1") == .float(0.5))
    #expect(try x("'ab'*2") == .string("abab"))
    #expect(try x("[1]+[2]") == .list([.integer(1), .integer(2)]))
    #expect(try x("True+1") == .integer(2))
    #expect(try x("1+2j") == .complex(real: 1, imaginary: 2))
    #expect(throws: DecodeError.self) { try x("1/0") }
    #expect(throws: DecodeError.self) { try x("y+1") }
    #expect(throws: DecodeError.self) { try x("'a'*10**12") }
}
