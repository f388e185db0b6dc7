import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// BFCL's own verdicts (scripts/bfcl_checker_reference.py: gorilla 6ea57973's decoder, tree-sitter
/// parsers and AST checker) on Java and JavaScript outputs, stored in
/// Fixtures/bfcl-prompting/java_js_conformance.jsonl: the project's decoder and checker must give
/// the same valid/invalid verdict. Error types may differ where tree-sitter's error recovery does
/// (BFCL_CHECKER.md §8.1); the count is printed.
@Test func javaAndJavaScriptVerdictsEqualBFCLs() throws {
    let file = Fixtures.repositoryRoot.appendingPathComponent("Tests/FunctionCallingTests/Fixtures/bfcl-prompting/java_js_conformance.jsonl")
    var tasks: [String: FunctionTask] = [:]
    for c in [TaskCategory.simpleJava, .simpleJavascript] { for t in try BFCLDataset.bundled.load(c) { tasks[t.id] = t } }
    let checker = ASTChecker()
    var n = 0, validAgree = 0, typeAgree = 0
    var disagreements: [String] = []
    for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
        let row = try JSON.parse(String(line))
        let id = try #require(row["id"]?.stringValue), result = try #require(row["result"]?.stringValue)
        let want = row["valid"] == .bool(true), wantType = row["error_type"]?.stringValue ?? ""
        let got = checker.check(rawOutput: result, task: try #require(tasks[id]))
        n += 1
        if got.valid == want { validAgree += 1 } else if disagreements.count < 20 {
            disagreements.append("\(id) \(result.debugDescription): BFCL \(want ? "valid" : wantType), here \(got)")
        }
        if got.errorTypeString == wantType { typeAgree += 1 }
    }
    print("Java/JavaScript conformance: valid/invalid \(validAgree)/\(n), error type \(typeAgree)/\(n)")
    #expect(n > 1000)
    #expect(validAgree == n, "first disagreements:\n\(disagreements.joined(separator: "\n"))")
}
