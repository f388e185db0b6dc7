@testable import EGPODistributed
import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport

/// `Sampler.sample(_:options:sharedPrefix:)`: the prompt tokens every request shares run once per
/// prefill chunk, and the completions equal those of whole prompts (the old path, sharedPrefix 0).
@Suite struct SharedPrefixSamplingTests {
    let config: ModelConfig
    let model: Transformer
    /// A 70-token prefix (past the 64-row attention block) and suffixes of 1 to 9 tokens.
    let prefix: [Int32] = (0..<70).map { Int32(($0 * 5 + 2) % 11) }
    var requests: [SamplingRequest] {
        (0..<5).map { i in
            let suffix = (0...(i * 2)).map { Int32(($0 * 3 + i + 1) % 11) }
            return SamplingRequest(prompt: prefix + suffix, completionCount: 1 + i % 2, firstSequenceId: UInt64(10 * i))
        }
    }

    init() throws {
        var config = tinyConfig(bias: true)
        config.maxPositionEmbeddings = 128
        self.config = config
        model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 23).map { Float($0) }))
    }

    @Test func sharedPrefixLengthStopsShortOfTheShortestPrompt() {
        #expect(Sampler.sharedPrefixLength(of: []) == 0)
        #expect(Sampler.sharedPrefixLength(of: [[1, 2, 3]]) == 0)
        #expect(Sampler.sharedPrefixLength(of: [[1, 2, 3, 4], [1, 2, 5]]) == 2)
        #expect(Sampler.sharedPrefixLength(of: [[1, 2, 3], [1, 2, 3, 4]]) == 2)   // the shorter prompt keeps its last token
        #expect(Sampler.sharedPrefixLength(of: [[7, 2], [1, 2]]) == 0)
        #expect(Sampler.sharedPrefixLength(of: requests.map(\.prompt)) == 70)
    }

    @Test(arguments: [SamplingOptions.greedy(maxNewTokens: 12), SamplingOptions(temperature: 0.9, maxNewTokens: 12, seed: 3)])
    func aSharedPrefixGivesTheCompletionsOfWholePrompts(options: SamplingOptions) throws {
        let whole = try Sampler(model: model).sample(requests, options: options)
        let shared = try Sampler(model: model).sample(requests, options: options, sharedPrefix: 70)
        let shorter = try Sampler(model: model).sample(requests, options: options, sharedPrefix: 33)
        // Chunks of one prompt each repeat the prefix's rows; batches of one still split at the prefix.
        let chunked = Sampler(model: model)
        chunked.prefillChunkRows = 1
        let oneChunkEach = try chunked.sample(requests, options: options, sharedPrefix: 70)
        let alone = try requests.flatMap { try Sampler(model: model).sample([$0], options: options, sharedPrefix: 70) }
        let twoWorkers = try Parallel.withWorkers(2) { try Sampler(model: model).sample(requests, options: options, sharedPrefix: 70) }
        for (name, other) in [("shared 70", shared), ("shared 33", shorter), ("one chunk per prompt", oneChunkEach), ("alone", alone), ("two workers", twoWorkers)] {
            #expect(other.map(\.tokens) == whole.map(\.tokens), "\(name)")
            let c = closeness(other.flatMap(\.logProbs), whole.flatMap(\.logProbs), atol: 1e-5, rtol: 0, label: "\(name) vs whole prompts")
            #expect(c.ok, "\(c)")
        }
    }

    @Test func theEvaluatorGivesTheSameOutcomesWithAndWithoutSharing() throws {
        let tasks = Array(evalWorld.prefix(7).map(\.task))
        let (model, codec) = try tinyPolicy(limit: 1024)
        let prompts = tasks.map { codec.promptTokens($0) }
        #expect(Sampler.sharedPrefixLength(of: prompts) > 5, "the compact template's system marker should be shared")
        let whole = try Evaluator(model: model, codec: codec, options: EvalOptions(maxNewTokens: 8, batchSize: 7, sharesPromptPrefix: false))
            .evaluate(tasks, range: 0..<tasks.count)
        for batch in [1, 3, 7] {
            let shared = try Evaluator(model: model, codec: codec, options: EvalOptions(maxNewTokens: 8, batchSize: batch))
                .evaluate(tasks, range: 0..<tasks.count)
            #expect(shared == whole, "batch \(batch)")
        }
    }
}

/// The real SmolLM2-135M-Instruct on BFCL prompts: greedy completions stored from the sampler as
/// it was before prompt sharing (Fixtures/smollm2/greedy-bfcl.jsonl: `launcher bench eval
/// --export` output of the sampler of commit d0e53e2, the same tokens transformers' greedy
/// `generate` gives for these prompts, cut to 24 tokens), reproduced token for token with the
/// shared prefix, in batches of every size, with two workers, and without sharing. Runs when
/// `make smollm2` has cached the model.
@Suite struct SmolLM2GreedyTests {
    static var cachedModel: String? {
        let env = ProcessInfo.processInfo.environment
        let cache = env["EGPO_CACHE"] ?? (env["HOME"] ?? NSHomeDirectory()) + "/.cache/egpo"
        let path = cache + "/smollm2/SmolLM2-135M-Instruct.h5"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    @Test func greedyCompletionsEqualTheStoredOnesForEveryBatching() throws {
        guard let path = Self.cachedModel else { print("skipped: no cached SmolLM2 (make smollm2)"); return }
        let model = try ModelFile.read(from: path).model
        let file = SmolLM2ReferenceTests.folder.appendingPathComponent("greedy-bfcl.jsonl")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        let stored = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let prompts = stored.map { ($0["prompt"] as! [Int]).map(Int32.init) }
        let want = stored.map { ($0["completion"] as! [Int]).map(Int32.init) }
        let stop = Int32(stored[0]["stop"] as! Int), maxNew = stored[0]["max_new_tokens"] as! Int
        let options = SamplingOptions.greedy(maxNewTokens: maxNew, stopTokens: [stop])
        let shared = Sampler.sharedPrefixLength(of: prompts)
        #expect(shared > 50, "the chatml system message and tool preamble should be shared, got \(shared)")
        let requests = prompts.enumerated().map { SamplingRequest(prompt: $1, completionCount: 1, firstSequenceId: UInt64($0)) }
        let sampler = Sampler(model: model)
        for (batch, sharing, workers) in [(requests.count, shared, 1), (3, shared, 2), (1, shared, 1), (requests.count, 0, 1)] {
            var got: [[Int32]] = []
            for first in stride(from: 0, to: requests.count, by: batch) {
                let part = Array(requests[first ..< min(requests.count, first + batch)])
                got += try Parallel.withWorkers(workers) { try sampler.sample(part, options: options, sharedPrefix: sharing) }.map(\.tokens)
            }
            for (i, (g, w)) in zip(got, want).enumerated() where g != w {
                let at = (0 ..< min(g.count, w.count)).first { g[$0] != w[$0] } ?? min(g.count, w.count)
                Issue.record("batch \(batch), shared prefix \(sharing), \(workers) worker(s): task \(i) parts at token \(at): \(g.dropFirst(at).prefix(5)) vs stored \(w.dropFirst(at).prefix(5))")
            }
        }
    }
}
