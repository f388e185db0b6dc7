import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// The xlam-function-calling-60k reader on fixtures written from the dataset card's format
/// (Fixtures/xlam/make_xlam_fixtures.py): records into tasks, Python type spellings into BFCL
/// types, the answer into BFCL's possible answer, the stage-1 filter, and every malformed class.
@Suite struct XLAMDatasetTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/FunctionCallingTests/Fixtures/xlam")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func mixed() throws -> [XLAMDataset.Record] { try XLAMDataset.load(path("xlam-mixed.jsonl")) }

    @Test func readsEveryRecordOfTheMixedFile() throws {
        let records = try Self.mixed()
        #expect(records.map(\.id) == (0...12).map(String.init))
        #expect(records.map(\.place) == (1...13).map(XLAMDataset.Place.line))
        let r = records[0]
        #expect(r.task.id == "simple_python_xlam0")
        #expect(r.task.messages == [Message(role: "user", content: "Where can I find live giveaways for beta access?")])
        #expect(r.task.functions.map(\.name) == ["live_giveaways_by_type"])
        #expect(r.task.functions[0].description == "Retrieve live giveaways from the GamerPower API based on the specified type.")
        #expect(r.answer == [FunctionCall("live_giveaways_by_type", [("type", .string("beta"))])])
        // Every id carries its category first, as BFCL's do.
        for record in records { #expect(TaskCategory(taskID: record.task.id) == record.task.category, "\(record.task.id)") }
    }

    @Test func categoriesFollowTheNumberOfCallsAndTools() throws {
        let categories = try Self.mixed().prefix(9).map(\.task.category)
        #expect(categories == [.simplePython, .multiple, .parallel, .parallelMultiple, .simplePython, .simplePython,
                               .simplePython, .simplePython, .irrelevance])
        #expect(XLAMDataset.category(answers: 1, tools: 1) == .simplePython)
        #expect(XLAMDataset.category(answers: 1, tools: 4) == .multiple)
        #expect(XLAMDataset.category(answers: 3, tools: 1) == .parallel)
        #expect(XLAMDataset.category(answers: 2, tools: 2) == .parallelMultiple)
        #expect(XLAMDataset.category(answers: 0, tools: 2) == .irrelevance)
    }

    @Test(arguments: [
        ("str", ParameterSchema(type: "string"), false),
        ("int", ParameterSchema(type: "integer"), false),
        ("float", ParameterSchema(type: "float"), false),
        ("bool", ParameterSchema(type: "boolean"), false),
        ("str, optional", ParameterSchema(type: "string"), true),
        ("bool, optional", ParameterSchema(type: "boolean"), true),
        ("int, default=5", ParameterSchema(type: "integer"), true),
        ("float, default: 0.5", ParameterSchema(type: "float"), true),
        ("str, default='a, b'", ParameterSchema(type: "string"), true),
        ("int, optional, default=3", ParameterSchema(type: "integer"), true),
        ("List[int]", ParameterSchema(type: "array", items: ParameterSchema(type: "integer")), false),
        ("list[str]", ParameterSchema(type: "array", items: ParameterSchema(type: "string")), false),
        ("List", ParameterSchema(type: "array"), false),
        ("list", ParameterSchema(type: "array"), false),
        ("List[List[int]]", ParameterSchema(type: "array", items: ParameterSchema(type: "array", items: ParameterSchema(type: "integer"))), false),
        ("List[Dict[str, Any]]", ParameterSchema(type: "array", items: ParameterSchema(type: "dict")), false),
        ("List[int], optional", ParameterSchema(type: "array", items: ParameterSchema(type: "integer")), true),
        ("Set[int]", ParameterSchema(type: "array", items: ParameterSchema(type: "integer")), false),
        ("Optional[str]", ParameterSchema(type: "string"), true),
        ("Optional[List[float]]", ParameterSchema(type: "array", items: ParameterSchema(type: "float")), true),
        ("Union[str, None]", ParameterSchema(type: "string"), true),
        ("Union[int, float]", ParameterSchema(type: "any"), false),
        ("Dict[str, Any]", ParameterSchema(type: "dict"), false),
        ("dict", ParameterSchema(type: "dict"), false),
        ("Dict[str, List[int]], optional", ParameterSchema(type: "dict"), true),
        ("Tuple[float, float]", ParameterSchema(type: "tuple", items: ParameterSchema(type: "float")), false),
        ("Tuple[int, ...]", ParameterSchema(type: "tuple", items: ParameterSchema(type: "integer")), false),
        ("Tuple[int, str]", ParameterSchema(type: "tuple"), false),
        ("tuple", ParameterSchema(type: "tuple"), false),
        ("Any", ParameterSchema(type: "any"), false),
        ("Callable[[float], float]", ParameterSchema(type: "any"), false),
        ("function", ParameterSchema(type: "any"), false),
        ("string", ParameterSchema(type: "string"), false),
        ("integer", ParameterSchema(type: "integer"), false),
        ("number", ParameterSchema(type: "float"), false),
        ("boolean", ParameterSchema(type: "boolean"), false),
        ("array", ParameterSchema(type: "array"), false),
        ("object", ParameterSchema(type: "dict"), false),
        ("Literal['asc', 'desc']", ParameterSchema(type: "string", enumValues: [.string("asc"), .string("desc")]), false),
        ("Literal[1, 2], optional", ParameterSchema(type: "integer", enumValues: [.integer(1), .integer(2)]), true),
        ("List[Literal[\"a\", \"b\"]]", ParameterSchema(type: "array", items: ParameterSchema(type: "string", enumValues: [.string("a"), .string("b")])), false),
        ("List[Tuple[int, int]]", ParameterSchema(type: "array", items: ParameterSchema(type: "tuple", items: ParameterSchema(type: "integer"))), false),
        ("List[Union[int, float]]", ParameterSchema(type: "array", items: ParameterSchema(type: "any")), false),
    ])
    func pythonTypeSpellings(spelling: String, schema: ParameterSchema, optional: Bool) throws {
        let t = try PythonTypeSpelling(parsing: spelling)
        #expect(t.schema == schema, "\(spelling)")
        #expect(t.optional == optional, "\(spelling)")
    }

    @Test(arguments: [
        ("Path", "unknown type name \"Path\""),
        ("List[int", "unclosed \"[\""),
        ("str, required", "suffix \"required\" (expected \", optional\" or \", default=...\")"),
        ("Optional[int, str]", "Optional[...] takes one type argument"),
        ("Dict[str]", "Dict[...] takes a key and a value type"),
        ("int[str]", "int takes no type arguments"),
        ("", "empty type"),
        ("List[int] x", "unexpected \"x\" after the type"),
        ("Literal[int]", "Literal[...] takes quoted strings or numbers"),
        ("Literal['a]", "unclosed quote"),
        ("List[3x]", "\"3x\" is neither a type name nor a number"),
    ])
    func unknownSpellingsAreNamed(spelling: String, problem: String) {
        do {
            _ = try PythonTypeSpelling(parsing: spelling)
            Issue.record("\(spelling.debugDescription) parsed")
        } catch {
            #expect(error.problem.hasPrefix(problem), "\(error.problem)")
        }
    }

    @Test func requiredUnlessDefaultedOrOptional() throws {
        let records = try Self.mixed()
        func required(_ i: Int, _ name: String) -> [String]? { records[i].task.function(named: name)?.required }
        #expect(required(0, "live_giveaways_by_type") == [])  // "default": "game"
        #expect(required(3, "convert_currency") == ["amount", "from_currency"])
        #expect(required(4, "search_hotels") == ["city"])
        #expect(required(6, "find_nearest") == ["origin", "radius"])
        #expect(required(7, "create_orders") == ["items", "tags", "quantities"])
        let hotels = records[4].task.functions[0]
        #expect(hotels.parameter(named: "include_reviews")?.defaultValue == .bool(false))
        #expect(hotels.parameter(named: "max_results")?.defaultValue == .integer(10))
        #expect(hotels.parameter(named: "filters")?.defaultValue == nil)
        // `"default": ""` on a non-string parameter is xLAM's "no default", not an empty default.
        #expect(records[6].task.functions[0].parameter(named: "exclude")?.defaultValue == nil)
        #expect(hotels.parameter(named: "city")?.description == "City name.")

        // The card's own example marks parameters with "required": true/false; that wins.
        let line = #"{"id": 5, "query": "q", "tools": "[{\"name\": \"f\", \"parameters\": {\"a\": {\"type\": \"int\", \"required\": false}, \"b\": {\"type\": \"str\", \"default\": \"x\", \"required\": true}}}]", "answers": "[{\"name\": \"f\", \"arguments\": {\"b\": \"y\"}}]"}"#
        let explicit = try XLAMDataset.parse(Data(line.utf8), file: "inline.jsonl")
        #expect(explicit[0].task.functions[0].required == ["b"])
    }

    @Test func groundTruthIsBFCLsPossibleAnswerForm() throws {
        let records = try Self.mixed()
        #expect(records[3].task.groundTruth == [
            ExpectedCall(functionName: "get_stock_price", parameters: [.init(name: "symbol", alternatives: [.string("AAPL")])]),
            ExpectedCall(functionName: "convert_currency", parameters: [
                .init(name: "amount", alternatives: [.float(100.5)]),
                .init(name: "from_currency", alternatives: [.string("EUR")]),
                .init(name: "to_currency", alternatives: [.string("")]),
            ]),
        ])
        // A dict argument becomes BFCL's {key: [value]} spec; optional parameters left out may be omitted.
        #expect(records[4].task.groundTruth == [
            ExpectedCall(functionName: "search_hotels", parameters: [
                .init(name: "city", alternatives: [.string("Paris")]),
                .init(name: "filters", alternatives: [.object([("stars", .list([.integer(4)])), ("pool", .list([.bool(true)]))])]),
                .init(name: "include_reviews", alternatives: [.string("")]),
                .init(name: "max_results", alternatives: [.string("")]),
            ]),
        ])
        // And so does each dict of a list of dicts.
        #expect(records[7].task.groundTruth?[0].alternatives(for: "items")
                == [.list([.object([("sku", .list([.string("A1")])), ("qty", .list([.integer(2)]))])])])
        #expect(records[2].task.groundTruth?.count == 2)
        #expect(records[8].task.groundTruth == nil)
    }

    @Test func promptOfARecord() throws {
        let task = try Self.mixed()[4].task
        let expected = """
            <|system|>Functions:
            search_hotels(city: str, filters?: dict, include_reviews?: bool = False, max_results?: int = 10)
             Searches hotels in a city.
             city: City name.
             filters: Extra filters such as stars or pool.
             include_reviews: Whether to include reviews.
             max_results: How many results.
            Reply <think>reasoning</think><answer>[func(arg=value, ...)]</answer>, [] if no function fits.<|eos|>
            <|user|>Find hotels in Paris with 4 stars and a pool.<|eos|>
            <|assistant|>
            """
        #expect(PromptFormat.prompt(task) == expected)
    }

    @Test func theAnswerAsACompletionEarnsReward1() throws {
        let records = try Self.mixed()
        // The records stage 1 leaves alone: the answer exactly as xLAM wrote it passes.
        for r in records.prefix(9) {
            let completion = PromptFormat.completion(think: "", answer: PythonRenderer.python(r.answer))
            let reward = Reward.score(completion: completion, task: r.task, format: .python)
            #expect(reward.value == 1, "\(r.task.id): \(completion) -> \(String(describing: reward.failure))")
            let toolCall = PromptFormat.completion(think: "", answer: PythonRenderer.toolCalls(r.answer))
            #expect(Reward.score(completion: toolCall, task: r.task, format: .toolCall).value == 1, "\(r.task.id) \(toolCall)")
        }
        // Every kept task's reference completion passes, the repaired one included.
        let prepared = XLAMDataset.prepare(records)
        for task in prepared.tasks {
            let reference = try #require(prepared.references[task.id])
            #expect(Reward.score(completion: reference, task: task, format: .python).value == 1, "\(task.id): \(reference)")
        }
        #expect(prepared.references["simple_python_xlam12"] == "<think></think><answer>[circle_area(radius=3.0)]</answer>")
        #expect(prepared.references["irrelevance_xlam8"] == "<think></think><answer>[]</answer>")
    }

    @Test func stageOneDropsAndRepairsWithCountsPerReason() throws {
        let prepared = try XLAMDataset.prepared(Self.path("xlam-mixed.jsonl"))
        #expect(prepared.report.droppedIDs == ["simple_python_xlam9", "simple_python_xlam10", "simple_python_xlam11"])
        #expect(prepared.tasks.count == 10)
        #expect(prepared.report.counts == [.requiredMissing: 1, .unknownParameter: 1, .wrongType: 1, .integerForFloat: 1])
        #expect(prepared.summary(file: "xlam-mixed.jsonl") == """
            xlam xlam-mixed.jsonl: 13 records (simple_python 9, multiple 1, parallel 1, parallel_multiple 1, irrelevance 1)
            13 tasks: 10 kept (1 repaired), 3 dropped
              drop:required-missing: 1 task
              drop:unknown-parameter: 1 task
              drop:wrong-type: 1 task
              repair:integer-for-float: 1 task
            """)
    }

    @Test func crlfLinesAndJSONArraysReadTheSameTasks() throws {
        let first3 = try Self.mixed().prefix(3).map(\.task)
        let crlf = try XLAMDataset.load(Self.path("xlam-crlf.jsonl"))
        #expect(crlf.map(\.task) == first3)
        #expect(crlf.map(\.place) == [.line(1), .line(2), .line(3)])
        let array = try XLAMDataset.load(Self.path("xlam-array.json"))
        #expect(array.map(\.task) == first3)
        #expect(array.map(\.place) == [.index(0), .index(1), .index(2)])
        #expect(crlf[0].task.messages[0].content == "Where can I find live giveaways for beta access?")
    }

    @Test(arguments: [
        ("xlam-bad-json.jsonl", ":2: invalid JSON at byte "),
        ("xlam-bad-tools-not-string.jsonl", #":2: "tools" is a list (expected a JSON string holding a list of {"name", "description", "parameters"})"#),
        ("xlam-bad-tools-json.jsonl", #":2: "tools" holds invalid JSON at byte "#),
        ("xlam-bad-answers-json.jsonl", #":2: "answers" holds invalid JSON at byte "#),
        ("xlam-bad-missing-field.jsonl", #":2: missing field "answers" (expected {"id": int, "query": str, "tools": str, "answers": str})"#),
        ("xlam-bad-type.jsonl", #":2: tools[0].parameters.path.type "Path": unknown type name "Path" (known: str, int, float"#),
        ("xlam-bad-unknown-function.jsonl", #":2: answers[0] calls "is_prime", which "tools" does not offer (offered: fibonacci)"#),
        ("xlam-bad-array.json", #"[1]: "answers" is a number (expected a JSON string holding a list of {"name", "arguments"})"#),
    ])
    func malformedRecordsAreOneLineErrorsNamingFileAndPlace(file: String, message: String) {
        let path = Self.path(file)
        do {
            _ = try XLAMDataset.load(path)
            Issue.record("\(file) loaded")
        } catch {
            let text = error.description
            #expect(text.hasPrefix(path + message), "\(text)")
            #expect(!text.contains("\n"), "\(text)")
        }
    }

    @Test func otherBadInputs() throws {
        func problem(_ text: String) -> String {
            do { _ = try XLAMDataset.parse(Data(text.utf8), file: "f.jsonl"); return "parsed" } catch { return error.description }
        }
        let good = #"{"id": 1, "query": "q", "tools": "[]", "answers": "[]"}"#
        #expect(problem(good + "\r\n" + good) == "f.jsonl:2: id 1 appears twice (first at line 1)")
        #expect(problem("\n  \r\n") == #"f.jsonl: no records (expected JSON lines or a JSON array of {"id", "query", "tools", "answers"})"#)
        #expect(problem(#"{"id": 1.5, "query": "q", "tools": "[]", "answers": "[]"}"#) == #"f.jsonl:1: "id" is a number (expected an integer)"#)
        #expect(problem(#"{"id": 1, "query": 3, "tools": "[]", "answers": "[]"}"#) == #"f.jsonl:1: "query" is a number (expected a string)"#)
        #expect(problem(#"{"id": 1, "query": "q", "tools": "{}", "answers": "[]"}"#)
                == #"f.jsonl:1: "tools" holds an object (expected a JSON string holding a list of {"name", "description", "parameters"})"#)
        #expect(problem(#"{"id": 1, "query": "q", "tools": "[{\"name\": \"f\", \"parameters\": {\"a\": {\"description\": \"x\"}}}]", "answers": "[]"}"#)
                == #"f.jsonl:1: tools[0].parameters.a: missing field "type" (expected a Python type such as "str" or "List[int]")"#)
        #expect(problem(#"{"id": 1, "query": "q", "tools": "[{\"name\": \"f\"}]", "answers": "[{\"name\": \"f\"}]"}"#)
                == #"f.jsonl:1: answers[0]: missing field "arguments" (expected an object of argument values)"#)
        #expect(problem("[1]") == #"f.jsonl[0]: the record is a number (expected an object {"id": int, "query": str, "tools": str, "answers": str})"#)
        #expect(problem("[{\"id\": 1,\n\"query\": }]").hasPrefix("f.jsonl:2: invalid JSON at byte"))
        #expect(throws: XLAMDatasetError.self) { try XLAMDataset.load("/nonexistent/xlam.json") }
    }
}
