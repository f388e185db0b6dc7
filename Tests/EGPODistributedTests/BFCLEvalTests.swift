import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// `launcher eval --format bfcl`: the prompt in a ChatML template, BFCL's verdicts on the
/// conformance outputs through the eval path, BFCL's summary scores, and `--sample`.
@Suite struct BFCLEvalTests {
    static let tokenizer = ByteTokenizer(specialNames: ["<|im_start|>", "<|im_end|>"])

    static func codec() throws -> BFCLPromptingCodec {
        let spec = try EvalDataSpec(parsing: "bfcl:all", javaAndJavaScript: true)
        return try BFCLPromptingCodec(tokenizer: tokenizer, template: .chatml,
                                      templateOptions: ChatTemplate.Options(systemMessage: "You are a helpful AI assistant named SmolLM, trained by Hugging Face"),
                                      documents: try spec.functionDocuments())
    }

    /// BFCL's conversation goes through ChatML as is: its system message first (the template's
    /// default system message is not written), the task's turns, then the assistant header.
    @Test func promptIsBFCLsConversationInTheChatTemplate() throws {
        let codec = try Self.codec()
        let tasks = try EvalDataSpec(parsing: "bfcl:live_simple").loadTasks()
        let withSystem = try #require(tasks.first { $0.messages.first?.role == "system" })
        for task in [try EvalDataSpec(parsing: "bfcl:simple_python").loadTasks(limit: 1)[0], withSystem] {
            let prompt = codec.prompt(task)
            let messages = BFCLPrompting.messages(task.messages, docs: codec.functionDocuments(task))
            #expect(prompt == messages.map { "<|im_start|>\($0.role)\n\($0.content)<|im_end|>\n" }.joined() + "<|im_start|>assistant\n")
            #expect(prompt.hasPrefix("<|im_start|>system\nYou are an expert in composing functions.") && !prompt.contains("SmolLM"))
            #expect(messages.count == task.messages.count + (task.messages.first?.role == "system" ? 0 : 1))
        }
        #expect(throws: TaskCodecError.compactTemplateInBFCLFormat) { try BFCLPromptingCodec(tokenizer: Self.tokenizer, template: .compact) }
    }

    /// The eval path's verdicts (`BFCLPromptingCodec.scored`) on BFCL's conformance outputs are
    /// BFCL's own, and the result BFCL's checker reads is the completion itself.
    @Test(.enabled(if: Fixtures.hasShared)) func evalVerdictsEqualBFCLsOnTheConformanceFile() throws {
        let bfcl = Fixtures.sharedDirectory.appendingPathComponent("bfcl")
        var tasks: [String: FunctionTask] = [:]
        for t in try BFCLDataset(directory: bfcl).load(TaskCategory.pythonSyntax) { tasks[t.id] = t }
        var n = 0, agree = 0, first: [String] = []
        for line in try String(contentsOf: bfcl.appendingPathComponent("conformance/public.jsonl"), encoding: .utf8).split(separator: "\n") {
            let row = try JSON.parse(String(line))
            let task = try #require(tasks[row["id"]?.stringValue ?? ""])
            let result = try #require(row["result"]?.stringValue)
            let outcome = BFCLPromptingCodec.scored(task: task, completion: result, completionTokens: 1, stopped: true)
            n += 1
            if outcome.passed == (row["valid"] == .bool(true)) && outcome.failure == row["error_type"]?.stringValue && outcome.result == result {
                agree += 1
            } else if first.count < 10 {
                first.append("\(task.id) \(result.debugDescription): \(outcome.failure)")
            }
        }
        print("bfcl-format eval verdicts against BFCL's on the conformance file: \(agree)/\(n)")
        #expect(agree == n && n == 11629, "\(first)")
    }

    /// Summary scores on a hand-computed example. Non-live: simple = (0.5 + 0.25 + 1) / 3 =
    /// 0.583333; non_live = (0.583333 + 0.2 + 0.6 + 0) / 4 = 0.345833. Live, weighted by n:
    /// (3 + 1 + 0 + 0) / (10 + 4 + 2 + 2) = 4/18. Irrelevance detection: (0.75 + 0.5) / 2.
    @Test func aggregatesAsBFCLComputesThem() {
        func s(_ n: Int, _ c: Int) -> EvalReport.Score { EvalReport.Score(n: n, correct: c) }
        let scores: [String: EvalReport.Score] = [
            "simple_python": s(4, 2), "simple_java": s(4, 1), "simple_javascript": s(2, 2), "multiple": s(5, 1),
            "parallel": s(5, 3), "parallel_multiple": s(3, 0), "live_simple": s(10, 3), "live_multiple": s(4, 1),
            "live_parallel": s(2, 0), "live_parallel_multiple": s(2, 0), "irrelevance": s(4, 3), "live_irrelevance": s(2, 1),
            "live_relevance": s(1, 1),
        ]
        let a = BFCLAggregate.all(scores)
        let close = { (x: Double, y: Double) in abs(x - y) < 1e-12 }
        #expect(close(a["simple"]!.accuracy, (0.5 + 0.25 + 1) / 3))
        #expect(close(a["non_live"]!.accuracy, ((0.5 + 0.25 + 1) / 3 + 0.2 + 0.6 + 0) / 4))
        #expect(close(a["live"]!.accuracy, 4.0 / 18))
        #expect(close(a["irrelevance_detection"]!.accuracy, 0.625) && close(a["relevance_detection"]!.accuracy, 1))
        #expect(a["non_live"]!.n == 23 && a["live"]!.n == 18 && a.values.allSatisfy { $0.missing.isEmpty })
        // Standard errors: a plain mean of k has sqrt(Σ se²)/k; a weighted one sqrt(Σ (nᵢ/N)² seᵢ²).
        let se = { (p: Double, n: Double) in (p * (1 - p) / n).squareRoot() }
        #expect(close(a["simple"]!.stderr, (pow(se(0.5, 4), 2) + pow(se(0.25, 4), 2)).squareRoot() / 3))
        #expect(close(a["live"]!.stderr, (pow(10.0 / 18 * se(0.3, 10), 2) + pow(4.0 / 18 * se(0.25, 4), 2)).squareRoot()))
        // A category left out counts as 0 and is named, as BFCL shows N/A.
        let partial = BFCLAggregate.all(["simple_python": s(4, 2)])
        #expect(close(partial["simple"]!.accuracy, 0.5 / 3) && partial["simple"]!.missing == ["simple_java", "simple_javascript"])
        #expect(partial["live"] == nil && partial["non_live"]!.missing.count == 5)
    }

    /// The report written to scores.json carries the format and the summaries, and decodes back.
    @Test func reportCarriesFormatAndAggregates() throws {
        let task = try EvalDataSpec(parsing: "bfcl:irrelevance").loadTasks(limit: 1)[0]
        let outcome = BFCLPromptingCodec.scored(task: task, completion: "I cannot do that.", completionTokens: 5, stopped: true)
        #expect(outcome.passed && outcome.failure == "")
        let report = EvalReport(outcomes: [outcome], format: "bfcl")
        #expect(report.aggregates["irrelevance_detection"]?.missing == ["live_irrelevance"])
        #expect(try JSONDecoder().decode(EvalReport.self, from: report.json()) == report)
        #expect(report.table.contains("irrelevance_detection"))
    }

    /// `--sample`: the same tasks for the same seed, in file order, per category; small categories whole.
    @Test func sampleIsSeededAndInFileOrder() throws {
        let tasks = try EvalDataSpec(parsing: "bfcl:all").loadTasks()
        let a = EvalDataSpec.sample(tasks, perCategory: 30, seed: 7), b = EvalDataSpec.sample(tasks, perCategory: 30, seed: 7)
        let c = EvalDataSpec.sample(tasks, perCategory: 30, seed: 8)
        #expect(a.map(\.id) == b.map(\.id) && a.map(\.id) != c.map(\.id))
        let order = Dictionary(uniqueKeysWithValues: tasks.enumerated().map { ($1.id, $0) })
        #expect(a.map { order[$0.id]! } == a.map { order[$0.id]! }.sorted())
        #expect(a.filter { $0.category == .liveParallel }.count == 16 && a.filter { $0.category == .liveMultiple }.count == 30)
    }
}
