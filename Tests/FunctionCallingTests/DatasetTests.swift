import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// The shipped copy loads for every category with BFCL_FORMAT.md's counts and every answered task
/// joined to its answer.
@Test func bundledDatasetLoadsEveryCategory() throws {
    let expected: [TaskCategory: Int] = [.simplePython: 400, .simpleJava: 100, .simpleJavascript: 50, .multiple: 200, .parallel: 200, .parallelMultiple: 200,
                                         .irrelevance: 240, .liveSimple: 258, .liveMultiple: 1053, .liveParallel: 16,
                                         .liveParallelMultiple: 24, .liveIrrelevance: 884, .liveRelevance: 16]
    let dataset = BFCLDataset.bundled
    for category in TaskCategory.allCases {
        let tasks = try dataset.load(category)
        #expect(tasks.count == expected[category], "\(category): \(tasks.count)")
        #expect(tasks.allSatisfy { ($0.groundTruth != nil) == category.hasPossibleAnswers }, "\(category)")
        #expect(tasks.allSatisfy { $0.category == category })
    }
    #expect(FileManager.default.fileExists(atPath: BFCLDataset.bundledDirectory.appendingPathComponent("NOTICE").path))
}

private func write(_ text: String, to dir: URL, _ name: String) throws -> URL {
    let url = dir.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// A malformed line is a typed error naming the file (its path), the 1-based line and the problem.
@Test func malformedLinesAreTypedErrors() throws {
    let dir = try Fixtures.temporaryDirectory("bfcl-loader")
    defer { try? FileManager.default.removeItem(at: dir) }
    let good = #"{"id": "simple_python_0", "question": [[{"role": "user", "content": "hi"}]], "function": [{"name": "f", "description": "", "parameters": {"type": "dict", "properties": {"a": {"type": "integer"}}, "required": ["a"]}}]}"#
    let answer = #"{"id": "simple_python_0", "ground_truth": [{"f": {"a": [1]}}]}"#
    let answers = try write(answer + "\n", to: dir, "answers.json")
    // Errors name the path, not only the file name: a folder of several categories has many p.json.
    let p = dir.appendingPathComponent("p.json").path

    let cases: [(String, BFCLDatasetError)] = [
        (good + "\n{\"id\": \"simple_python_1\", \"question\": [[{\"role\": \"user\"", .malformedLine(file: p, line: 2, problem: "invalid JSON at byte 55: unterminated object")),
        (good + "\n\n[1, 2]", .malformedLine(file: p, line: 3, problem: "the line is not a JSON object")),
        (#"{"question": []}"#, .malformedLine(file: p, line: 1, problem: "no string \"id\"")),
        (good.replacingOccurrences(of: #""type": "integer""#, with: #""kind": "integer""#),
         .malformedLine(file: p, line: 1, problem: "f.a: schema has no string \"type\"")),
        (good + "\n" + good, .duplicateID(file: p, line: 2, id: "simple_python_0")),
        (good.replacingOccurrences(of: "simple_python_0", with: "simple_python_7"),
         .missingAnswer(promptFile: p, answerFile: answers.path, id: "simple_python_7")),
    ]
    for (text, expected) in cases {
        let prompts = try write(text, to: dir, "p.json")
        #expect(throws: expected) { try BFCLDataset.load(promptFile: prompts, answerFile: answers, category: nil) }
    }
    let prompts = try write(good + "\n", to: dir, "p.json")
    let tasks = try BFCLDataset.load(promptFile: prompts, answerFile: answers, category: nil)
    #expect(tasks.count == 1 && tasks[0].groundTruth?.first?.alternatives(for: "a") == [.integer(1)])
    let badAnswers = try write(#"{"id": "simple_python_0", "ground_truth": [{"f": {"a": 1}}]}"#, to: dir, "bad.json")
    #expect(throws: BFCLDatasetError.malformedLine(file: dir.appendingPathComponent("bad.json").path, line: 1, problem: "f: a parameter's alternatives are not a list")) {
        try BFCLDataset.load(promptFile: prompts, answerFile: badAnswers, category: nil)
    }
}

/// Every ground truth, rendered as an output (first non-`""` alternative of each parameter),
/// passes the checker except the 7 entries BFCL_CHECKER.md §11 lists as unpassable, in both output
/// forms. The shortest rendering (optional parameters left out) also passes `parallel_multiple_12`
/// and `_26`: only their optional parameters are the problem, so §11 overstates those two.
@Test func renderedGroundTruthPassesExceptKnownDataErrors() throws {
    let unpassable: Set<String> = ["live_simple_106-63-0", "live_simple_112-68-0", "live_multiple_507-149-4",
                                   "live_multiple_964-207-0", "parallel_multiple_12", "parallel_multiple_26",
                                   "live_multiple_862-181-3"]
    var failed: Set<String> = [], failedShortest: Set<String> = []
    var details: [String] = []
    var count = 0
    for task in try BFCLDataset.bundled.load() {
        guard let truth = task.groundTruth else { continue }
        count += 1
        for includeOptional in [true, false] {
            let calls = truth.map { $0.canonicalCall(schema: task.function(named: $0.functionName), includeOptional: includeOptional) }
            let python = ASTChecker().check(rawOutput: PythonRenderer.python(calls), task: task)
            let toolCall = Reward.score(completion: "<think>t</think><answer>\(PythonRenderer.toolCalls(calls))</answer>",
                                        task: task, format: .toolCall)
            if !python.valid || !toolCall.passed {
                if includeOptional { failed.insert(task.id) } else { failedShortest.insert(task.id) }
                details.append("\(task.id) \(includeOptional): \(python) / \(toolCall.failure?.label ?? "")")
            }
        }
    }
    #expect(count == 2351)
    #expect(failed == unpassable, "\(details)")
    #expect(failedShortest == unpassable.subtracting(["parallel_multiple_12", "parallel_multiple_26"]), "\(details)")
}

/// Writing tasks as BFCL files and loading them back gives the same tasks.
@Test func writtenFilesLoadBack() throws {
    let dir = try Fixtures.temporaryDirectory("bfcl-write")
    defer { try? FileManager.default.removeItem(at: dir) }
    let tasks = Array(try BFCLDataset.bundled.load(.parallelMultiple).prefix(20))
    let (prompts, answers) = try BFCLDataset.write(tasks, to: dir, stem: "parallel_multiple")
    #expect(answers != nil)
    #expect(try BFCLDataset.load(promptFile: prompts, answerFile: answers, category: nil) == tasks)
    #expect(try BFCLDataset(directory: dir).load(.parallelMultiple) == tasks)
}

/// §2.3 and §11: in BFCL's JSON return format the lazy `{.*?}` search cuts arguments holding a
/// list of objects, so 7 more ground truths fail than in Python syntax (14 in all).
@Test func groundTruthInBFCLJSONFormat() throws {
    var failed: [String] = []
    for task in try BFCLDataset.bundled.load() {
        guard let truth = task.groundTruth else { continue }
        let calls = truth.map { $0.canonicalCall(schema: task.function(named: $0.functionName)) }
        let json = JSON.serialize(.list(calls.map { c in
            .object([("function", .string(c.name)), ("parameters", .object(c.arguments.map { ($0.name, $0.value) }))])
        }))
        if !ASTChecker().check(rawOutput: json, task: task, returnFormat: .json).valid { failed.append(task.id) }
    }
    #expect(failed.count == 14, "\(failed)")
    #expect(try BFCLJSONDecoder.decodeBFCLOutput(#"[{"function": "f", "parameters": {"a": [{"k": 1}, {"k": 2}]}}]"#) == [])
    #expect(try BFCLJSONDecoder.decodeBFCLOutput(#"Sure: [{"function": "f", "parameters": {"a": 1}}] done"#) == [FunctionCall("f", [("a", .integer(1))])])
    #expect(throws: DecodeError.self) { try BFCLJSONDecoder.decodeBFCLOutput(#"[{"name": "f", "arguments": {}}]"#) }
}
