import Foundation
import Testing
@testable import FunctionCalling

/// The core of `launcher bfcl check` on the shipped data: verdict lines, summary, input errors.
@Test func resultsCheckProducesVerdictLines() throws {
    let input = """
        {"id": "simple_python_0", "result": "[calculate_triangle_area(base=10, height=5)]"}
        {"id": "simple_python_0", "result": "[calculate_triangle_area(base=10)]"}

        {"id": "irrelevance_0", "result": "I cannot do that."}
        {"id": "live_simple_3-2-1", "result": "no"}
        """
    var check = BFCLResultsCheck(dataset: .bundled)
    let outcomes = try check.check(contents: Data(input.utf8), file: "r.jsonl")
    #expect(outcomes.map(\.verdict.errorTypeString) == ["", "simple_function_checker:missing_required", "", "ast_decoder:decoder_failed"])
    #expect(outcomes.map(\.category) == [.simplePython, .simplePython, .irrelevance, .liveSimple])
    #expect(outcomes[1].jsonLine == #"{"id": "simple_python_0", "result": "[calculate_triangle_area(base=10)]", "valid": false, "error_type": "simple_function_checker:missing_required"}"#)
    let summary = BFCLResultsCheck.summary(outcomes)
    #expect(summary.contains("simple_python") && summary.contains("1/2") && summary.contains("total") && summary.contains("2/4"), "\(summary)")
}

@Test func resultsCheckNamesTheBadLine() {
    let cases: [(String, String)] = [
        (#"{"id": "simple_python_0", "result": "[f()]"}"# + "\n" + #"{"id": "simple_python_0"}"#, "r.jsonl:2: no string \"result\" (the raw model output)"),
        (#"{"result": "x"}"#, "r.jsonl:1: no string \"id\""),
        (#"{"id": "multi_turn_base_0", "result": "x"}"#, "r.jsonl:1: id \"multi_turn_base_0\" is not of a BFCL single-turn category (got category \"multi_turn_base\")"),
        (#"{"id": "simple_python_99999", "result": "x"}"#, "r.jsonl:1: no task with id \"simple_python_99999\" in BFCL_v4_simple_python.json"),
        ("{\"id\": \"simple_python_0\", \"result\": \"x\"", "r.jsonl:1: invalid JSON at byte 39: unterminated object"),
    ]
    for (text, message) in cases {
        var check = BFCLResultsCheck(dataset: .bundled)
        do {
            _ = try check.check(contents: Data(text.utf8), file: "r.jsonl")
            Issue.record("no error for \(text)")
        } catch {
            #expect(error.description == message)
        }
    }
}

@Test func resultsCheckInToolCallForm() throws {
    let input = #"{"id": "simple_python_0", "result": "<tool_call>{\"name\": \"calculate_triangle_area\", \"arguments\": {\"base\": 10, \"height\": 5}}</tool_call>"}"#
    var check = BFCLResultsCheck(dataset: .bundled, format: .toolCall)
    let outcomes = try check.check(contents: Data(input.utf8), file: "r.jsonl")
    #expect(outcomes.map(\.verdict.valid) == [true])
}
