import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// Reading a BFCL entry into the project's types and writing it back gives the same JSON.
@Test(.enabled(if: Fixtures.hasShared)) func promptAndAnswerEntriesRoundTrip() throws {
    let bfcl = Fixtures.sharedDirectory.appendingPathComponent("bfcl")
    var checked = 0
    for category in TaskCategory.allCases {
        let prompts = try String(contentsOf: bfcl.appendingPathComponent("data/\(category.fileName)"), encoding: .utf8)
        for line in prompts.split(separator: "\n").prefix(40) {
            let original = try JSON.parse(String(line))
            guard case .string(let id)? = original["id"] else { Issue.record("no id"); continue }
            let task = FunctionTask(id: id, category: category, messages: try BFCLFormat.messages(from: original["question"]!),
                            functions: try (original["function"]?.listValue ?? []).map { try BFCLFormat.functionSchema(from: $0) },
                            groundTruth: nil)
            let written = try JSON.parse(BFCLFormat.promptLine(task))
            #expect(written["id"] == original["id"])
            #expect(written["question"] == original["question"], "\(id)")
            // Key order inside a function doc may differ; compare by Python equality.
            #expect(written["function"]!.pythonEquals(original["function"]!), "\(id)")
            checked += 1
        }
        guard category.hasPossibleAnswers else { continue }
        let answers = try String(contentsOf: bfcl.appendingPathComponent("possible_answer/\(category.fileName)"), encoding: .utf8)
        for line in answers.split(separator: "\n").prefix(40) {
            let original = try JSON.parse(String(line))
            let truth = try BFCLFormat.expectedCalls(from: original["ground_truth"]!)
            let task = FunctionTask(id: original["id"]!.stringValue!, category: category, messages: [], functions: [], groundTruth: truth)
            #expect(try JSON.parse(BFCLFormat.possibleAnswerLine(task)!) == original)
        }
    }
    #expect(checked > 300)
}

@Test func categoryComesFromTheIDAsBFCLCutsIt() {
    #expect(TaskCategory(taskID: "live_simple_3-2-1") == .liveSimple)
    #expect(TaskCategory(taskID: "simple_python_0") == .simplePython)
    #expect(TaskCategory(taskID: "parallel_multiple_12") == .parallelMultiple)
    #expect(TaskCategory(taskID: "simple_java_3") == .simpleJava && TaskCategory(taskID: "multi_turn_base_3") == nil)
    #expect(TaskCategory.liveParallelMultiple.route == .parallel)
    #expect(TaskCategory.liveRelevance.route == .relevance)
    #expect(TaskCategory.liveIrrelevance.route == .irrelevance)
    #expect(TaskCategory.multiple.route == .multiple)
}
