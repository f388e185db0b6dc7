import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// One case of Fixtures/chat-templates/goldens.json (scripts/chat_template_golden.py): a BFCL
/// task's functions and a conversation, and what transformers' `apply_chat_template` renders.
struct ChatTemplateGolden {
    var name: String
    var task: FunctionTask
    var tools: [Value]
    var think: String
    var calls: [FunctionCall]
    /// Family key of the goldens file → rendered prompt.
    var prompts: [(family: String, text: String)]
    var completions: [(family: String, text: String)]

    static let dateString = "02 Dec 2026"

    static func load() throws -> [ChatTemplateGolden] {
        let url = Fixtures.repositoryRoot.appendingPathComponent("Tests/FunctionCallingTests/Fixtures/chat-templates/goldens.json")
        let root = try JSON.parse(String(decoding: try Data(contentsOf: url), as: UTF8.self))
        #expect(root["llama3.2DateString"] == .string(dateString))
        return try root["cases"]!.listValue!.map { c in
            let id = c["id"]!.stringValue!
            let functions = try c["functions"]!.listValue!.map { try BFCLFormat.functionSchema(from: $0) }
            let messages = try BFCLFormat.messages(from: .list([c["messages"]!]))
            let truth = try c["groundTruth"].flatMap { $0 == .null ? nil : try BFCLFormat.expectedCalls(from: $0) }
            let task = FunctionTask(id: id, category: TaskCategory(taskID: id)!, messages: messages, functions: functions, groundTruth: truth)
            let calls = c["calls"]!.listValue!.map { call in
                FunctionCall(name: call["name"]!.stringValue!, arguments: call["arguments"]!.dictEntries!.map {
                    FunctionCall.Argument(name: $0.key.stringValue!, value: $0.value)
                })
            }
            func texts(_ key: String) -> [(String, String)] {
                c[key]!.dictEntries!.map { ($0.key.stringValue!, $0.value.stringValue!) }
            }
            return ChatTemplateGolden(name: c["name"]!.stringValue!, task: task, tools: c["tools"]!.listValue ?? [],
                                      think: c["think"]!.stringValue!, calls: calls,
                                      prompts: texts("prompts"), completions: texts("completions"))
        }
    }

    /// The template and options a family key of the goldens stands for.
    static func template(_ family: String) -> (ChatTemplate, ChatTemplate.Options) {
        switch family {
        case "qwen2.5": (.qwen25, .init())
        case "qwen3": (.qwen3, .init())
        case "qwen3-no-thinking": (.qwen3, .init(enableThinking: false))
        case "llama3.1": (.llama31, .init())
        case "llama3.2": (.llama32, .init(dateString: dateString))
        default: fatalError("unknown family \(family) in goldens.json")
        }
    }
}

/// Where two texts first differ, with some context, for a readable failure.
func firstDifference(_ got: String, _ want: String) -> String {
    let a = Array(got.utf8), b = Array(want.utf8)
    let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    func around(_ x: [UInt8]) -> String { String(decoding: x[max(0, i - 40)..<min(x.count, i + 40)], as: UTF8.self).debugDescription }
    return "first difference at byte \(i) (lengths \(a.count) vs \(b.count)): got \(around(a)), want \(around(b))"
}

@Suite struct ChatTemplateGoldenTests {
    let goldens: [ChatTemplateGolden]
    init() throws { goldens = try ChatTemplateGolden.load() }

    /// The tool dicts built from the parsed FunctionSchema equal the ones the Python script built
    /// from the BFCL JSON (key order included: the templates print them in that order).
    @Test func toolDictsMatchTheScript() {
        #expect(goldens.count >= 16)
        for g in goldens where !g.tools.isEmpty {
            let ours = g.task.functions.map { JSON.serialize(ToolSchema.json($0)) }
            let theirs = g.tools.map(JSON.serialize)
            #expect(ours == theirs, "\(g.name): \(firstDifference(ours.joined(separator: "\n"), theirs.joined(separator: "\n")))")
        }
    }

    /// Every prompt is byte-identical to transformers' apply_chat_template with the real template.
    @Test func promptsAreByteIdenticalToTransformers() {
        var checked = 0
        for g in goldens {
            for (family, want) in g.prompts {
                let (template, options) = ChatTemplateGolden.template(family)
                let got = template.prompt(g.task, options: options)
                #expect(got == want, "\(g.name) / \(family): \(firstDifference(got, want))")
                checked += 1
            }
        }
        #expect(checked == goldens.count * 5)
    }

    /// Qwen completions equal the template's rendering of an assistant turn with that reasoning
    /// and those tool_calls; Llama's call text equals the template's, after our think block.
    @Test func completionsMatchTheTemplatesAssistantTurn() {
        var checked = 0
        for g in goldens {
            for (family, want) in g.completions {
                let (template, _) = ChatTemplateGolden.template(family)
                let got = template.completion(think: g.think, calls: g.calls)
                let expected = family.hasPrefix("llama") ? "<think>" + g.think + "</think>\n" + want : want
                #expect(got == expected, "\(g.name) / \(family): \(firstDifference(got, expected))")
                checked += 1
            }
        }
        #expect(checked >= 30)
    }

    /// A rendered completion of the ground-truth calls earns reward 1 on its task in every
    /// template's answer form (irrelevance: no calls, which is right there).
    @Test func renderedCompletionsScoreOne() {
        var scored = 0
        for g in goldens where !g.task.functions.isEmpty && (g.task.groundTruth != nil || g.calls.isEmpty) {
            for template in ChatTemplate.allCases {
                let completion = template.completion(think: g.think, calls: g.calls)
                let reward = template.score(completion: completion, task: g.task)
                #expect(reward.passed, "\(g.name) / \(template): \(reward.failure?.label ?? "") for \(completion.debugDescription)")
                scored += 1
            }
        }
        #expect(scored >= 40)
    }
}

@Suite struct ChatTemplateAnswerFormTests {
    let task: FunctionTask
    init() throws {
        let golden = try ChatTemplateGolden.load().first { $0.name == "simple" }!
        task = golden.task
    }

    func label(_ template: ChatTemplate, _ completion: String) -> String {
        template.score(completion: completion, task: task).failure?.label ?? "pass"
    }

    @Test func qwenFormLayoutProblemsAreNamed() {
        let call = "<tool_call>\n{\"name\": \"calculate_triangle_area\", \"arguments\": {\"base\": 10, \"height\": 5}}\n</tool_call>"
        #expect(label(.qwen3, "<think>\nok\n</think>\n\n" + call) == "pass")
        #expect(label(.qwen3, call) == "format:missing_think")
        #expect(label(.qwen3, "Sure. <think>ok</think>" + call) == "format:text_outside_blocks")
        #expect(label(.qwen3, "<think>a</think><think>b</think>" + call) == "format:repeated_block")
        #expect(label(.qwen25, "<think>ok</think>\n<tool_call>{\"name\": 1}</tool_call>") == "decode")
        #expect(label(.qwen25, "<think>ok</think>\n[calculate_triangle_area(base=10, height=5)]") == "decode")
        #expect(label(.qwen25, "<think>ok</think>") != "pass")
    }

    @Test func llamaFormDecodesItsJSONObjects() throws {
        #expect(label(.llama32, "<think>ok</think>\n{\"name\": \"calculate_triangle_area\", \"parameters\": {\"base\": 10, \"height\": 5}}") == "pass")
        #expect(label(.llama32, "<think>ok</think>{\"name\": \"calculate_triangle_area\", \"arguments\": {\"base\": 10, \"height\": 5}}") == "decode")
        #expect(label(.llama31, "<think>ok</think>{\"name\": \"calculate_triangle_area\", \"parameters\": {\"base\": 10}") == "decode")
        let calls = try LlamaCallDecoder.decode(" {\"name\": \"f\", \"parameters\": {\"s\": \"}{\\\"\", \"l\": [1, {\"x\": 2.0}]}}; {\"name\": \"g\", \"parameters\": {}}\n")
        #expect(calls == [FunctionCall("f", [("s", .string("}{\"")), ("l", .list([.integer(1), .object([("x", .float(2))])]))]),
                          FunctionCall("g", [])])
        #expect(try LlamaCallDecoder.decode("  \n") == [])
    }

    @Test func llamaDates() {
        #expect(ChatTemplate.llama31.defaultDateString == "26 Jul 2024")
        // 3.2 asks strftime_now("%d %b %Y"): a two-digit day, the English month abbreviation, the year.
        let today = ChatTemplate.llama32.defaultDateString
        #expect(today.wholeMatch(of: /[0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4}/) != nil, "\(today)")
        let prompt = ChatTemplate.llama32.prompt(task)
        #expect(prompt.contains("Today Date: \(today)\n\n"))
    }

    /// Python's `str.strip` and `split` count code points: a combining accent after `</think>` or
    /// a no-break space around a message are handled as the template does.
    @Test func pythonStringSemantics() {
        #expect(PythonStrings.strip("\u{A0} x\u{2003}\n") == "x")
        #expect(PythonStrings.strip("\u{200B}x") == "\u{200B}x")
        #expect(PythonStrings.split("a</think>\u{301}b", "</think>") == ["a", "\u{301}b"])
        #expect(PythonStrings.hasPrefix("<tool_response>\u{301}", "<tool_response>"))
        let m = [Message(role: "user", content: "q"), Message(role: "assistant", content: "<think>r</think>\u{301}answer")]
        #expect(ChatTemplate.qwen3.prompt(functions: [], messages: m).contains("<|im_start|>assistant\n<think>\nr\n</think>\n\n\u{301}answer<|im_end|>"))
    }
}
