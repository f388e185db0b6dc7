import Foundation
import FunctionCalling
import Testing
import TestSupport
@testable import EGPODistributed

/// `model.chatTemplate` in the config and what TaskCodec does with it.
@Suite struct ChatTemplateConfigTests {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    let task = FunctionTask(
        id: "simple_python_0", category: .simplePython,
        messages: [Message(role: "user", content: "Area of a triangle, base 10, height 5?")],
        functions: [FunctionSchema(name: "calculate_triangle_area", description: "Area of a triangle.",
                                   parameters: [Property(name: "base", schema: ParameterSchema(type: "integer")),
                                                Property(name: "height", schema: ParameterSchema(type: "integer"))],
                                   required: ["base", "height"])],
        groundTruth: [ExpectedCall(functionName: "calculate_triangle_area",
                                   parameters: [.init(name: "base", alternatives: [.integer(10)]),
                                                .init(name: "height", alternatives: [.integer(5)])])])

    @Test func chatTemplateIsAConfigChoice() throws {
        #expect(TrainerConfig().model.chatTemplate == .compact)
        let c = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "model.chatTemplate", value: "qwen2.5"),
                                                                 .init(key: "model.chatTemplateDate", value: "26 Jul 2024")])
        #expect(c.model.chatTemplate == .qwen25 && c.model.chatTemplateDate == "26 Jul 2024")
        let wrong = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "model.chatTemplate", value: "qwen")]) }
        #expect(wrong.contains("model.chatTemplate") && wrong.contains("compact, qwen2.5, qwen3, llama3.1, llama3.2"), "\(wrong)")
    }

    @Test func codecRendersTheTemplateAndScoresItsAnswerForm() throws {
        let tokenizer = ByteTokenizer(specialNames: ["<|im_start|>", "<|im_end|>", "<think>", "</think>", "<tool_call>", "</tool_call>"])
        var model = TrainerConfig.Model()
        model.chatTemplate = .qwen3
        let codec = try TaskCodec(tokenizer: tokenizer, model: model)
        #expect(tokenizer.decode(codec.promptTokens(task)) == ChatTemplate.qwen3.prompt(task))
        #expect(codec.endOfSequence == tokenizer.specialTokenID("<|im_end|>"))
        let call = FunctionCall("calculate_triangle_area", [("base", .integer(10)), ("height", .integer(5))])
        let completion = ChatTemplate.qwen3.completion(think: "Base 10, height 5.", calls: [call])
        #expect(codec.reward(tokenizer.encode(completion + "<|im_end|>"), task: task).passed)
        // A compact-form SFT reference is rewritten in Qwen3's form.
        let compact = PromptFormat.completion(think: "Base 10, height 5.", answer: "[calculate_triangle_area(base=10, height=5)]")
        #expect(tokenizer.decode(codec.targetTokens(reference: compact)) == completion + "<|im_end|>")
    }

    @Test func codecRefusesATokenizerWithoutTheTemplatesTokens() {
        var model = TrainerConfig.Model()
        model.chatTemplate = .llama32
        let refused = message { _ = try TaskCodec(tokenizer: ByteTokenizer(), model: model) }
        #expect(refused.contains("<|eot_id|>") && refused.contains("model.chatTemplate llama3.2"), "\(refused)")
    }
}
