import Foundation
import Testing
@testable import FunctionCalling

private let schema = FunctionSchema(name: "get_weather", description: "", parameters: [
    Property(name: "city", schema: ParameterSchema(type: "string")),
    Property(name: "days", schema: ParameterSchema(type: "integer")),
], required: ["city"])
private let weather = FunctionTask(id: "simple_python_0", category: .simplePython, messages: [], functions: [schema], groundTruth: [
    ExpectedCall(functionName: "get_weather", parameters: [.init(name: "city", alternatives: [.string("Paris")]),
                                                          .init(name: "days", alternatives: [.integer(3), .string("")])]),
])
private let nothing = FunctionTask(id: "irrelevance_0", category: .irrelevance, messages: [], functions: [schema], groundTruth: nil)

@Test func rewardNeedsTheLayoutAndAPassingAnswer() {
    func label(_ completion: String, _ task: FunctionTask = weather, _ format: OutputFormat = .python) -> String {
        Reward.score(completion: completion, task: task, format: format).failure?.label ?? "pass"
    }
    #expect(label("<think>Paris, default days.</think><answer>[get_weather(city='Paris')]</answer>") == "pass")
    #expect(label("  <think>x</think>\n<answer> [get_weather(city='paris', days=3)] </answer>\n") == "pass")
    #expect(Reward.score(completion: "<think>x</think><answer>[get_weather(city='Paris')]</answer>", task: weather, format: .python).value == 1)
    #expect(label("<answer>[get_weather(city='Paris')]</answer>") == "format:missing_think")
    #expect(label("<think>x</think>[get_weather(city='Paris')]") == "format:missing_answer")
    #expect(label("<think>x</think><think>y</think><answer>[]</answer>") == "format:repeated_block")
    #expect(label("<think>x</think>so<answer>[get_weather(city='Paris')]</answer>") == "format:text_outside_blocks")
    #expect(label("<think>x</think><answer>[get_weather(city='Paris')]</answer>!") == "format:text_outside_blocks")
    #expect(label("<answer>[get_weather(city='Paris')]</answer><think>x</think>") == "format:wrong_order")
    #expect(label("<think>x<answer>[get_weather(city='Paris')]</answer>") == "format:unclosed_block")
    #expect(label("<think>x</think><answer>get weather for Paris</answer>") == "decode")
    #expect(label("<think>x</think><answer>[get_weather(city='Rome')]</answer>") == "value_error:string")
    #expect(label("<think>x</think><answer>[]</answer>") == "simple_function_checker:wrong_count")
    #expect(Reward.score(completion: "<think>x</think><answer>[]</answer>", task: weather, format: .python).value == 0)
}

/// For irrelevance tasks the right answer is no call: `[]` (or an empty Python answer, which
/// BFCL's wrapper also reads as `[]`), an empty tool-call answer; prose does not decode.
@Test func irrelevanceRewardWantsNoCall() {
    func label(_ completion: String, _ format: OutputFormat) -> String {
        Reward.score(completion: completion, task: nothing, format: format).failure?.label ?? "pass"
    }
    #expect(label("<think>No function fits.</think><answer>[]</answer>", .python) == "pass")
    #expect(label("<think>No function fits.</think><answer></answer>", .toolCall) == "pass")
    #expect(label("<think>x</think><answer>[get_weather(city='Paris')]</answer>", .python) == "irrelevance_error:decoder_success")
    #expect(label("<think>x</think><answer>None fits.</answer>", .python) == "decode")
}

@Test func toolCallFormatDecodesJSONTypes() throws {
    let text = """
        <tool_call>{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}</tool_call>
        <tool_call>{"name": "f", "arguments": {"x": 1.0, "on": true, "none": null, "l": [1, "a"], "d": {"k": false}}}</tool_call>
        """
    let calls = try ToolCallDecoder.decode(text)
    #expect(calls == [FunctionCall("get_weather", [("city", .string("Paris")), ("days", .integer(3))]),
                      FunctionCall("f", [("x", .float(1)), ("on", .bool(true)), ("none", .null),
                                         ("l", .list([.integer(1), .string("a")])), ("d", .object([("k", .bool(false))]))])])
    for bad in ["<tool_call>{\"name\": \"f\"}</tool_call>", "<tool_call>{\"name\": \"f\", \"arguments\": {}}",
                "text <tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", "<tool_call>[1]</tool_call>",
                "<tool_call>{\"name\": \"f\", \"arguments\": []}</tool_call>",
                "<tool_call>{\"name\": \"f\", \"arguments\": {}, \"extra\": 1}</tool_call>"] {
        #expect(throws: DecodeError.self, "\(bad)") { try ToolCallDecoder.decode(bad) }
    }
    #expect(try ToolCallDecoder.decode("  \n") == [])
}

/// Rendering calls and decoding them gives the same calls back, in both output forms, for every
/// kind of value (nested containers, escapes, unicode, exponents, negative numbers).
@Test func renderThenDecodeRoundTrips() throws {
    let values: [Value] = [
        .string("plain"), .string("it's \"quoted\"\n\ttab \\ back"), .string("北京 café"), .string(""), .integer(0), .integer(-42),
        .integer(Int.max), .float(1.5), .float(-0.001), .float(1e20), .float(3e-7), .float(2), .bool(true), .bool(false), .null,
        .list([]), .list([.integer(1), .string("a"), .list([.float(2.5)])]),
        .object([("k", .integer(1)), ("nested", .object([("x", .list([.bool(false)]))]))]),
    ]
    var calls: [FunctionCall] = []
    for (i, v) in values.enumerated() {
        calls.append(FunctionCall("ns.func\(i % 3)", [("a", v), ("b", .integer(i))]))
    }
    calls.append(FunctionCall("no_args", []))
    #expect(try PythonCallDecoder.decodeBFCLOutput(PythonRenderer.python(calls)) == calls)
    #expect(try PythonCallDecoder.decodeBFCLOutput(PythonRenderer.python([])) == [])
    #expect(try ToolCallDecoder.decode(PythonRenderer.toolCalls(calls)) == calls)
    for format in OutputFormat.allCases {
        #expect(try format.decode(format.render(calls)) == calls, "\(format)")
    }
    // Python-only values: tuples survive the Python form (the JSON form writes them as lists).
    let tuple = [FunctionCall("f", [("t", .tuple([.integer(1)])), ("u", .tuple([]))])]
    #expect(try PythonCallDecoder.decodeBFCLOutput(PythonRenderer.python(tuple)) == tuple)
}

@Test func tallyCountsOutcomes() {
    var tally = RewardTally()
    for completion in ["<think>x</think><answer>[get_weather(city='Paris')]</answer>", "<answer>[]</answer>",
                       "<think>x</think><answer>[get_weather(city='Rome')]</answer>", "<think>x</think><answer>[get_weather(city='Rome')]</answer>"] {
        tally.add(Reward.score(completion: completion, task: weather, format: .python))
    }
    var other = RewardTally()
    other.add(Reward.score(completion: "<think>x</think><answer>[]</answer>", task: weather, format: .python))
    tally.merge(other)
    #expect(tally.total == 5 && tally.passed == 1)
    #expect(tally.failures == ["format:missing_think": 1, "value_error:string": 2, "simple_function_checker:wrong_count": 1])
    #expect(abs(tally.passRate - 0.2) < 1e-12, "pass rate \(tally.passRate)")
}
