import Foundation
import FunctionCalling
import Testing
import TestSupport
@testable import EGPODistributed

/// The imported SmolLM2-135M-Instruct (the model file `make smollm2` writes) decoding BFCL prompts
/// in `launcher eval --format bfcl` form, against transformers' greedy `generate` on the same GGUF
/// in float32 (scripts/smollm2_bfcl_greedy.py wrote Fixtures/smollm2/bfcl_greedy.jsonl: 27 BFCL
/// conversations, every single-turn category). The prompt text must equal transformers'
/// `apply_chat_template`, its ids the stored ones, and the greedy tokens transformers' token for
/// token; where they part, transformers' gap between its two largest logits at that step is
/// printed, and must be a float tie (below 1e-2, where float32 sums in another order differ).
/// Runs when the cached model file is there, says "skipped" if not.
@Suite struct SmolLM2BFCLGreedyTests {
    static let fixture = Fixtures.repositoryRoot.appendingPathComponent("Tests/EGPODistributedTests/Fixtures/smollm2/bfcl_greedy.jsonl")

    /// ${EGPO_CACHE:-~/.cache/egpo}/smollm2/SmolLM2-135M-Instruct.h5, where `make smollm2` imports it.
    static var cachedModel: String? {
        let env = ProcessInfo.processInfo.environment
        let cache = env["EGPO_CACHE"] ?? (env["HOME"] ?? NSHomeDirectory()) + "/.cache/egpo"
        let path = cache + "/smollm2/SmolLM2-135M-Instruct.h5"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    @Test func greedyTokensEqualTransformers() throws {
        guard let path = Self.cachedModel else { print("skipped: no cached SmolLM2 model file (make smollm2)"); return }
        let loaded = try ModelFile.read(from: path)
        let spec = try EvalDataSpec(parsing: "bfcl:all", javaAndJavaScript: true)
        var tasks: [String: FunctionTask] = [:]
        for t in try spec.loadTasks() { tasks[t.id] = t }
        let codec = try BFCLPromptingCodec(tokenizer: loaded.tokenizer, template: .chatml,
                                           templateOptions: loaded.templateOptions(for: .chatml), documents: try spec.functionDocuments())
        var rows: [(id: String, prompt: [Int32], want: [Int32], gaps: [Double])] = []
        for line in try String(contentsOf: Self.fixture, encoding: .utf8).split(separator: "\n") {
            let row = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let id = row["id"] as! String
            let task = try #require(tasks[id])
            #expect(codec.prompt(task) == row["prompt"] as! String, "\(id): prompt text differs from transformers' apply_chat_template")
            let ids = (row["prompt_ids"] as! [Int]).map(Int32.init)
            #expect(codec.promptTokens(task) == ids, "\(id): prompt ids differ")
            rows.append((id, ids, (row["generated"] as! [Int]).map(Int32.init), row["top2_gap"] as! [Double]))
        }
        let maxNew = rows.map(\.want.count).max() ?? 1
        let requests = rows.enumerated().map { SamplingRequest(prompt: $0.element.prompt, completionCount: 1, firstSequenceId: UInt64($0.offset)) }
        let completions = try Sampler(model: loaded.model).sample(requests, options: .greedy(maxNewTokens: maxNew, stopTokens: [codec.endOfSequence]))
        var equalTasks = 0, equalTokens = 0, total = 0
        for (row, completion) in zip(rows, completions) {
            // transformers stops at max_new_tokens without <|im_end|> when the stored run did.
            let got = Array(completion.tokens.prefix(row.want.count))
            let same = zip(got, row.want).prefix { $0 == $1 }.count
            total += row.want.count
            equalTokens += same
            if got == row.want {
                equalTasks += 1
            } else {
                let gap = same < row.gaps.count ? row.gaps[same] : .nan
                print("SmolLM2 greedy, \(row.id): parts from transformers at step \(same) of \(row.want.count) "
                      + "(here \(got.count > same ? got[same] : -1), transformers \(row.want[same])); transformers' top-2 logit gap there \(gap)")
                #expect(gap < 1e-2, "\(row.id): a real difference, not a float tie (gap \(gap))")
            }
        }
        print("SmolLM2 greedy on \(rows.count) BFCL prompts against transformers (float32, same GGUF): \(equalTasks) equal token for token; "
              + "\(equalTokens)/\(total) tokens before the first difference")
        #expect(rows.count >= 20)
    }
}
