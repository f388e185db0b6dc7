@testable import EGPODistributed
import Foundation
import ShardedTensor
import Testing
import TestSupport

@Suite struct SamplerTests {
    let config = tinyConfig(bias: true)
    let model: Transformer
    let requests = [
        SamplingRequest(prompt: [1, 4, 9, 2, 7], completionCount: 3, firstSequenceId: 0),
        SamplingRequest(prompt: [5], completionCount: 2, firstSequenceId: 3),
        SamplingRequest(prompt: [8, 8, 3, 0, 10, 6, 2, 1, 9], completionCount: 3, firstSequenceId: 5),
    ]

    init() throws {
        model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 21).map { Float($0) }))
    }

    /// The training forward's log-probs and entropies of each completion's tokens.
    func rescore(_ completions: [Completion], temperature: Float) -> [(logProbs: [Float], entropies: [Float])] {
        let sequences = completions.map { requests[$0.requestIndex].prompt + $0.tokens }
        let batch = TokenBatch(sequences)
        let scores = model.forward(batch, temperature: temperature, workspace: TrainingWorkspace(config: config))
        return completions.enumerated().map { s, comp in
            let range = batch.completionRange(of: s, promptLength: requests[comp.requestIndex].prompt.count)
            #expect(range.count == comp.tokens.count)
            return (Array(scores.logProbs[range]), Array(scores.entropies[range]))
        }
    }

    @Test func logProbsAndEntropiesEqualTheTrainingForward() throws {
        let options = SamplingOptions(temperature: 0.8, maxNewTokens: 12, seed: 99)
        let completions = try Sampler(model: model).sample(requests, options: options)
        #expect(completions.count == 8)
        #expect(completions.allSatisfy { $0.tokens.count == 12 && !$0.stopped })
        let distinct = Set(completions.map(\.tokens)).count
        #expect(distinct >= 6, "only \(distinct) distinct completions out of 8: the per-sequence streams look shared")
        for (comp, want) in zip(completions, rescore(completions, temperature: 0.8)) {
            let cl = closeness(comp.logProbs, want.logProbs, atol: 1e-4, rtol: 0, label: "sampler vs training log-probs, sequence \(comp.sequenceId)")
            let ce = closeness(comp.entropies, want.entropies, atol: 1e-4, rtol: 0, label: "sampler vs training entropies, sequence \(comp.sequenceId)")
            #expect(cl.ok, "\(cl)")
            #expect(ce.ok, "\(ce)")
        }
    }

    @Test func resultsDoNotDependOnBatchingOrPrefillChunks() throws {
        let options = SamplingOptions(temperature: 1, maxNewTokens: 10, seed: 5)
        let together = try Sampler(model: model).sample(requests, options: options)
        let alone = try requests.flatMap { try Sampler(model: model).sample([$0], options: options) }
        let chunked = Sampler(model: model)
        chunked.prefillChunkRows = 1
        let oneByOne = try chunked.sample(requests, options: options)
        for (a, b) in Array(zip(together, alone)) + Array(zip(together, oneByOne)) {
            #expect(a.tokens == b.tokens, "sequence \(a.sequenceId): \(a.tokens) vs \(b.tokens)")
            let c = closeness(a.logProbs, b.logProbs, atol: 1e-5, rtol: 0, label: "log-probs batched vs alone, sequence \(a.sequenceId)")
            #expect(c.ok, "\(c)")
        }
    }

    @Test func batchOfEightEqualsEightBatchesOfOne() throws {
        let prompts: [[Int32]] = (0..<8).map { i in (0...(i % 4)).map { Int32(($0 * 3 + i) % 11) } }
        let requests = prompts.enumerated().map { SamplingRequest(prompt: $1, completionCount: 1, firstSequenceId: UInt64(100 + $0)) }
        let options = SamplingOptions(temperature: 0.9, maxNewTokens: 8, seed: 1)
        let sampler = Sampler(model: model)   // one sampler reused: its buffers are resized between calls
        let batched = try sampler.sample(requests, options: options)
        let single = try requests.flatMap { try sampler.sample([$0], options: options) }
        #expect(batched.map(\.tokens) == single.map(\.tokens))
        let c = closeness(batched.flatMap(\.logProbs), single.flatMap(\.logProbs), atol: 1e-5, rtol: 0, label: "batch 8 vs batch 1")
        #expect(c.ok, "\(c)")
    }

    @Test(arguments: [(Int?.some(1), Float?.none), (3, nil), (nil, 0.7), (4, 0.6)])
    func truncatedSamplingReportsTheRenormalisedLogProb(topK: Int?, topP: Float?) throws {
        let temperature: Float = 0.7
        let options = SamplingOptions(temperature: temperature, topK: topK, topP: topP, maxNewTokens: 6, seed: 3)
        let completions = try Sampler(model: model).sample(requests, options: options)
        let v = config.vocabularySize
        for comp in completions {
            let seq = requests[comp.requestIndex].prompt + comp.tokens
            let logits = model.logits(TokenBatch([seq]), workspace: TrainingWorkspace(config: config))
            let p0 = requests[comp.requestIndex].prompt.count - 1
            for (j, token) in comp.tokens.enumerated() {
                // Reference: tempered softmax in Double, top-k by sorting, nucleus on the renormalised rest.
                let z = (0..<v).map { Double(logits[(p0 + j) * v + $0]) / Double(temperature) }
                let p = NaiveKernels.softmax(z)
                var kept = Array(p.indices.sorted { p[$0] > p[$1] }.prefix(topK ?? v))
                if let topP {
                    let mass = kept.reduce(0.0) { $0 + p[$1] }
                    var acc = 0.0, n = 0
                    while n < kept.count { acc += p[kept[n]]; n += 1; if acc >= Double(topP) * mass { break } }
                    kept = Array(kept.prefix(n))
                }
                #expect(kept.contains(Int(token)), "token \(token) outside the kept set \(kept)")
                let want = log(p[Int(token)] / kept.reduce(0.0) { $0 + p[$1] })
                #expect(abs(Double(comp.logProbs[j]) - want) < 1e-4, "log-prob \(comp.logProbs[j]) vs renormalised \(want)")
                let entropy = -p.reduce(0.0) { $0 + $1 * log($1) }
                #expect(abs(Double(comp.entropies[j]) - entropy) < 1e-4, "entropy \(comp.entropies[j]) vs full-vocabulary \(entropy)")
            }
        }
    }

    @Test func stopTokensAndLengthLimit() throws {
        let stop: Set<Int32> = [2, 7]
        let options = SamplingOptions(temperature: 1.5, maxNewTokens: 15, stopTokens: stop, seed: 11)
        let completions = try Sampler(model: model).sample(requests, options: options)
        var stoppedCount = 0
        for comp in completions {
            #expect(comp.tokens.count <= 15 && comp.logProbs.count == comp.tokens.count && comp.entropies.count == comp.tokens.count)
            #expect(comp.tokens.dropLast().allSatisfy { !stop.contains($0) }, "stop token inside \(comp.tokens)")
            if comp.stopped { stoppedCount += 1; #expect(stop.contains(comp.tokens.last!)) } else { #expect(comp.tokens.count == 15) }
        }
        #expect(stoppedCount > 0, "no completion drew a stop token in 8 x 15 draws at temperature 1.5")
        // A prompt one short of max_position_embeddings leaves room for exactly one token.
        let long = SamplingRequest(prompt: [Int32](repeating: 3, count: config.maxPositionEmbeddings - 1), firstSequenceId: 0)
        let capped = try Sampler(model: model).sample([long], options: SamplingOptions(maxNewTokens: 10))
        #expect(capped[0].tokens.count == 1)
    }
}

/// Greedy decoding and the typed prompt-length error.
@Suite struct GreedySamplerTests {
    let config = tinyConfig(bias: true)
    let model: Transformer
    let requests = [
        SamplingRequest(prompt: [1, 4, 9, 2, 7], completionCount: 2, firstSequenceId: 0),
        SamplingRequest(prompt: [5], completionCount: 1, firstSequenceId: 2),
        SamplingRequest(prompt: [8, 8, 3, 0, 10, 6, 2, 1, 9], completionCount: 1, firstSequenceId: 3),
    ]

    init() throws {
        model = try Transformer(config: config, parameters: FloatBuffer(testParameters(config, seed: 21).map { Float($0) }))
    }

    @Test func greedyEqualsTopOneSampling() throws {
        let greedy = try Sampler(model: model).sample(requests, options: .greedy(maxNewTokens: 10))
        // top-k 1 keeps only the most probable token whatever the temperature and seed.
        for (temperature, seed) in [(Float(1), UInt64(0)), (0.6, 17)] {
            let topOne = try Sampler(model: model).sample(requests, options: SamplingOptions(temperature: temperature, topK: 1, maxNewTokens: 10, seed: seed))
            #expect(greedy.map(\.tokens) == topOne.map(\.tokens), "temperature \(temperature)")
        }
        // Greedy ignores temperature and seed.
        let other = try Sampler(model: model).sample(requests, options: SamplingOptions(temperature: 0.3, maxNewTokens: 10, seed: 5, greedy: true))
        #expect(other == greedy)
        #expect(greedy[0].tokens == greedy[1].tokens, "one prompt's greedy completions differ across sequence ids")
    }

    @Test func greedyReportsTheTemperatureOneDistribution() throws {
        let completions = try Sampler(model: model).sample(requests, options: .greedy(maxNewTokens: 8))
        let sequences = completions.map { requests[$0.requestIndex].prompt + $0.tokens }
        let batch = TokenBatch(sequences)
        let scores = model.forward(batch, temperature: 1, workspace: TrainingWorkspace(config: config))
        for (s, comp) in completions.enumerated() {
            let range = batch.completionRange(of: s, promptLength: requests[comp.requestIndex].prompt.count)
            let cl = closeness(comp.logProbs, Array(scores.logProbs[range]), atol: 1e-4, rtol: 0, label: "greedy log-probs vs training at T=1")
            let ce = closeness(comp.entropies, Array(scores.entropies[range]), atol: 1e-4, rtol: 0, label: "greedy entropies vs training at T=1")
            #expect(cl.ok, "\(cl)")
            #expect(ce.ok, "\(ce)")
        }
    }

    @Test func argmaxTiesGoToTheLowestID() {
        let logits: [Float] = [0.5, 2, -1, 2, 2]
        let (token, logProb, _) = logits.withUnsafeBufferPointer { TokenSampler.argmax(logits: $0.baseAddress!, vocabulary: 5) }
        #expect(token == 1)
        let lse = log(logits.map { exp(Double($0)) }.reduce(0, +))
        #expect(abs(Double(logProb) - (2 - lse)) < 1e-6, "log-prob \(logProb) vs \(2 - lse)")
    }

    @Test func aPromptWithNoRoomIsATypedError() throws {
        let limit = config.maxPositionEmbeddings
        let full = SamplingRequest(prompt: [Int32](repeating: 3, count: limit), firstSequenceId: 9)
        #expect(throws: SamplerError.promptTooLong(index: 1, length: limit, limit: limit)) {
            try Sampler(model: model).sample([requests[0], full, requests[1]], options: .greedy(maxNewTokens: 4))
        }
        #expect(SamplerError.promptTooLong(index: 1, length: limit, limit: limit).description.contains("max_position_embeddings \(limit)"))
    }
}

@Suite struct LongSequenceTests {
    /// Sequences longer than the 64-row attention block, through training forward, backward
    /// bookkeeping and the sampler's prefill (whose last layer takes the cached-query path).
    @Test func longPromptsAgreeAcrossReferenceTrainingAndSampler() throws {
        var config = tinyConfig()
        config.maxPositionEmbeddings = 128
        let p = testParameters(config, seed: 31)
        let model = try Transformer(config: config, parameters: FloatBuffer(p.map { Float($0) }))
        let prompt: [Int32] = (0..<90).map { Int32(($0 * 7 + 3) % 11) }
        let scores = model.forward(TokenBatch([prompt]), workspace: TrainingWorkspace(config: config))
        let want = ReferenceModel(config).scores(p, sequences: [prompt.map(Int.init)], temperature: 1)
        let c = closeness(scores.logProbs, want.logProbs, atol: 5e-5, rtol: 1e-5, label: "90-token log-probs vs reference")
        #expect(c.ok, "\(c)")

        let completions = try Sampler(model: model).sample([SamplingRequest(prompt: prompt, completionCount: 2, firstSequenceId: 0)],
                                                           options: SamplingOptions(temperature: 1, maxNewTokens: 20, seed: 4))
        let batch = TokenBatch(completions.map { prompt + $0.tokens })
        let rescored = model.forward(batch, workspace: TrainingWorkspace(config: config))
        for (s, comp) in completions.enumerated() {
            let range = batch.completionRange(of: s, promptLength: prompt.count)
            let cl = closeness(comp.logProbs, Array(rescored.logProbs[range]), atol: 1e-4, rtol: 0, label: "long-prompt sampler vs training")
            #expect(cl.ok, "\(cl)")
        }
    }
}
