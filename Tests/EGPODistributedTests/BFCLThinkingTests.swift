import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// `model.promptStyle: bfcl-think` and `launcher eval --format bfcl-think` (`BFCLThinking`):
/// training renders a task exactly as the evaluation does; the prompt is BFCL's with one
/// instruction after it; references rewritten into the form earn the reward in every category;
/// the reward and the evaluation's verdict agree on passing and failing completions.
@Suite struct BFCLThinkingTests {
    static let tokenizer = ByteTokenizer(specialNames: ["<|im_start|>", "<|im_end|>", "<think>", "</think>"])

    static func codec() throws -> TaskCodec {
        try TaskCodec(tokenizer: tokenizer, template: .chatml, style: .bfclThink)
    }

    /// Generated tasks of every category the generator makes, with their references.
    static let world = FunctionWorld(seed: 5, mix: FunctionWorld.Mix(simple: 1, multiple: 1, parallel: 1, parallelMultiple: 1,
                                                                       irrelevance: 1, liveMultiple: 1),
                                     catalog: .generated).generate(count: 60)

    @Test func trainingRendersATaskAsTheEvaluationDoes() throws {
        let codec = try Self.codec()
        let eval = try BFCLPromptingCodec(tokenizer: Self.tokenizer, template: .chatml, thinking: true)
        let plain = try BFCLPromptingCodec(tokenizer: Self.tokenizer, template: .chatml)
        for g in Self.world {
            let prompt = codec.prompt(g.task)
            #expect(prompt == eval.prompt(g.task), "\(g.task.id)")
            // BFCL's own prompt but for the instruction, which follows its function list.
            let instruction = "\n" + BFCLThinking.instruction
            #expect(prompt.replacingOccurrences(of: instruction, with: "") == plain.prompt(g.task), "\(g.task.id)")
            #expect(prompt.hasPrefix("<|im_start|>system\nYou are an expert in composing functions.") && prompt.hasSuffix("<|im_start|>assistant\n"))
            #expect(codec.promptTokens(g.task) == Self.tokenizer.encode(prompt))
        }
        let system = BFCLPrompting.systemPrompt(functions: [], thinking: true)
        #expect(system == BFCLPrompting.systemPrompt(functions: []) + "\n" + BFCLThinking.instruction)
    }

    /// A reference in the compact form becomes `<think>…</think>\n[calls]` (prose for no call)
    /// and earns the reward; the SFT target ends with ChatML's end of turn.
    @Test func referencesEarnTheRewardInEveryCategory() throws {
        let codec = try Self.codec()
        #expect(Set(Self.world.map(\.task.category)).count == 6)
        for g in Self.world {
            let text = codec.targetText(reference: g.completion)
            #expect(text.hasPrefix("<think>") && !text.contains("<answer>"), "\(text)")
            if g.task.groundTruth == nil { #expect(text.hasSuffix("</think>\n" + BFCLThinking.abstention)) }
            let tokens = Self.tokenizer.encode(text) + [codec.endOfSequence]
            #expect(codec.targetTokens(reference: g.completion) == tokens)
            let reward = codec.reward(tokens, task: g.task)
            #expect(reward.passed, "\(g.task.id): \(reward) for \(text)")
            let outcome = codec.outcome(task: g.task, tokens: tokens, stopped: true)
            #expect(outcome.passed && outcome.result == String(text.split(separator: "</think>", maxSplits: 1)[1]))
        }
    }

    /// The layout is strict, the rest is BFCL's checker, and evaluation says the same as the reward.
    @Test func theRewardAndTheEvaluationAgreeOnFailures() throws {
        let codec = try Self.codec()
        let eval = try BFCLPromptingCodec(tokenizer: Self.tokenizer, template: .chatml, thinking: true)
        let g = try #require(Self.world.first { $0.task.category == .simplePython })
        let good = codec.targetText(reference: g.completion)
        let answer = String(good.split(separator: "</think>", maxSplits: 1)[1])
        let cases: [(String, String)] = [
            (good, ""),
            (answer, "format:missing_think"),
            ("Sure. " + good, "format:text_outside_blocks"),
            ("<think>a</think><think>b</think>" + answer, "format:repeated_block"),
            ("<think>unclosed " + answer, "format:unclosed_block"),
            ("<think>x</think>\n[no_such_function(a=1)]", "simple_function_checker:wrong_func_name"),
            ("<think>x</think>\nI would call it.", "ast_decoder:decoder_failed"),
            // BFCL's decoder strips backticks and adds missing brackets: so does the reward.
            ("<think>x</think>\n`" + answer.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst().dropLast() + "`", ""),
        ]
        for (text, failure) in cases {
            let tokens = Self.tokenizer.encode(text) + [codec.endOfSequence]
            let reward = codec.reward(tokens, task: g.task)
            #expect((reward.failure?.label ?? "") == failure, "\(text.debugDescription): \(reward)")
            let outcome = eval.outcome(task: g.task, tokens: tokens, stopped: true)
            #expect(outcome.failure == failure && outcome.passed == reward.passed, "\(text.debugDescription): \(outcome.failure)")
            #expect(eval.completionText(tokens) == text, "the think markers stay in the evaluated text")
        }
        // Irrelevance: any answer without a call passes, a call fails.
        let irrelevant = try #require(Self.world.first { $0.task.category == .irrelevance })
        for (text, passes) in [("<think>no fit</think>\nNone fits.", true), ("<think>no fit</think>\n[]", true),
                               ("<think>x</think>\n" + answer, false)] {
            let reward = codec.reward(Self.tokenizer.encode(text), task: irrelevant.task)
            #expect(reward.passed == passes, "\(text): \(reward)")
        }
    }

    /// Generated simple_java and simple_javascript tasks: the schema in the language's BFCL type
    /// names, the answer in its syntax, the reference passing BFCL's checker as trained, a wrong
    /// call failing it, deterministic by seed.
    @Test func javaAndJavaScriptTasksAreTypedAndWrittenInTheirLanguage() throws {
        let mix = FunctionWorld.Mix(simple: 0, multiple: 0, parallel: 0, parallelMultiple: 0, irrelevance: 0, java: 1, javascript: 1)
        let generated = FunctionWorld(seed: 9, mix: mix, catalog: .generated).generate(count: 200)
        #expect(generated.map(\.completion) == FunctionWorld(seed: 9, mix: mix, catalog: .generated).generate(count: 200).map(\.completion))
        let codec = try Self.codec()
        var types: [CallLanguage: Set<String>] = [:]
        for g in generated {
            let language = g.task.category.language
            #expect(language != .python && g.task.functions.count == 1 && g.task.groundTruth?.count == 1)
            for p in g.task.functions[0].parameters {
                types[language, default: []].insert(p.schema.type + (p.schema.items.map { "<\($0.type)>" } ?? ""))
            }
            let text = codec.targetText(reference: g.completion)
            let answer = String(text.split(separator: "</think>", maxSplits: 1)[1])
            #expect(language == .java ? answer.hasSuffix(");]") : answer.hasSuffix(")]"), "\(answer)")
            let reward = codec.reward(Self.tokenizer.encode(text) + [codec.endOfSequence], task: g.task)
            #expect(reward.passed, "\(g.task.id): \(reward) for \(answer)")
            // Another function's name fails.
            let wrong = "<think>x</think>\n[other_function(x=1)" + (language == .java ? ";]" : "]")
            #expect(codec.reward(Self.tokenizer.encode(wrong), task: g.task).failure?.label == "simple_function_checker:wrong_func_name")
        }
        let java = try #require(types[.java]), javascript = try #require(types[.javascript])
        #expect(java.isSubset(of: ["String", "integer", "long", "double", "float", "boolean", "ArrayList<String>", "ArrayList<integer>",
                                   "ArrayList<long>", "ArrayList<double>", "ArrayList<float>"]), "\(java)")
        #expect(["String", "integer", "long", "double", "float", "boolean"].allSatisfy(java.contains), "\(java)")
        #expect(javascript.isSubset(of: ["String", "integer", "float", "Boolean", "array<String>", "array<integer>", "array<float>"]), "\(javascript)")
        #expect(["String", "integer", "Boolean"].allSatisfy(javascript.contains), "\(javascript)")
        #expect(generated.contains { $0.completion.contains("L,") || $0.completion.contains("L)") }, "a long literal")
        #expect(generated.contains { $0.completion.contains("new ArrayList<>(Arrays.asList(") }, "an ArrayList")
    }

    /// bfcl-think needs a model family's template and the think markers as tokens.
    @Test func badSettingsAreRefused() throws {
        #expect(throws: TaskCodecError.compactTemplateInBFCLFormat) {
            try TaskCodec(tokenizer: ByteTokenizer(), template: .compact, style: .bfclThink)
        }
        #expect(throws: TaskCodecError.missingSpecialToken("<think>", template: "chatml")) {
            try BFCLPromptingCodec(tokenizer: ByteTokenizer(specialNames: ["<|im_end|>"]), template: .chatml, thinking: true)
        }
        var config = TrainerConfig()
        config.model.promptStyle = .bfclThink
        #expect { try config.validate(worldSize: 1, purpose: .supervised) } throws: { "\($0)".contains("model.promptStyle") }
        config.model.chatTemplate = .chatml
        try config.validate(worldSize: 1, purpose: .supervised)
        // The config names it as the docs spell it.
        let resolved = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "model.chatTemplate", value: "chatml"),
                                                                        .init(key: "model.promptStyle", value: "bfcl-think")])
        #expect(resolved.model.promptStyle == .bfclThink)
        #expect(throws: ConfigError.self) { try TrainerConfig.resolve(file: nil, overrides: [.init(key: "model.promptStyle", value: "bfcl")]) }
    }
}
