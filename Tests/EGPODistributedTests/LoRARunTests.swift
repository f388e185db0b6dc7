import Foundation
import FunctionCalling
import HDF5
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// LoRA runs end to end (`model.lora`), in-process on LocalCommunicator ranks: the base stays
/// bitwise frozen, checkpoints hold only the adapters and name their base by path and sha256, a
/// stopped run resumes to the unbroken run's adapters bit for bit, and a changed or missing base,
/// a mismatched config or a fresh model are refused with what to do.
@Suite(.serialized) struct LoRARunTests {
    typealias T = TrainingRunTests
    static let lora = ["model.lora.rank=4", "model.lora.alpha=8", "optimizer.weightDecay=0.1", "sft.optimizer.weightDecay=0.1"]

    struct Outcome: Sendable {
        var parameters: [Float]
        var adapters: [Float]?
        var base: BaseModelReference?
    }

    /// A base model: one SFT step of the tiny model from scratch (its final checkpoint is a model file).
    static func base(_ dir: URL) throws -> String {
        _ = try T.sft(T.request(dir.appendingPathComponent("base"), ["sft.steps=1"]), ranks: 1)
        return dir.appendingPathComponent("base/checkpoints/final.h5").path
    }

    static func sft(_ request: RunRequest, ranks: Int, events: T.Events = T.Events()) throws -> [Outcome] {
        try LocalCommunicator.run(size: ranks) { comm in
            let r = try TrainingRun.sft(request, comm: comm, events: events.sink)
            return Outcome(parameters: r.policy.model.parameters.toArray(), adapters: r.policy.model.adapters?.values.toArray(), base: r.policy.base)
        }
    }

    /// With `trainableTokens` too: the think markers' rows are trained, kept in the checkpoint
    /// with the adapters, and resumed bit for bit like them.
    @Test(arguments: [false, true])
    func aLoRARunTrainsTheAdaptersOnlyAndResumesBitwise(trainingTokenRows: Bool) throws {
        let dir = try Fixtures.temporaryDirectory("lora-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let basePath = try Self.base(dir)
        let baseParameters = try ModelFile.read(from: basePath).model.parameters.toArray()
        let tokens = trainingTokenRows ? [#"model.lora.trainableTokens=["<think>", "</think>"]"#, "model.lora.trainableTokenRateScale=25"] : []
        let lora = Self.lora + tokens
        let settings = lora + ["model.checkpoint=\(JSON.quoted(basePath))", "sft.steps=4", "sft.optimizer.zero=1"]
        let events = T.Events()
        let unbroken = try Self.sft(T.request(dir.appendingPathComponent("unbroken"), settings), ranks: 2, events: events)
        #expect(unbroken[0].parameters == baseParameters, "the base weights moved")
        #expect(unbroken[0].adapters == unbroken[1].adapters, "the replicas' adapters differ")
        #expect(unbroken[0].adapters.map { $0.contains { $0 != 0 } } == true)
        #expect(events.lines.contains { $0.hasPrefix("model: LoRA rank 4, alpha 8.0 on q_proj, k_proj") }, "\(events.lines)")
        let sha = try BaseModelReference.sha256(of: basePath)
        #expect(unbroken[0].base == BaseModelReference(path: basePath, sha256: sha))

        // The checkpoint: adapters, the base by path and sha256, moments of the adapters only, no model tensor.
        let final = dir.appendingPathComponent("unbroken/checkpoints/final.h5").path
        let file = try HDF5File.open(at: final)
        let root = try file.root
        #expect(try root.stringAttribute("lora_base_model") == basePath && root.stringAttribute("lora_base_sha256") == sha)
        #expect(try !root.contains("model.embed_tokens.weight") && root.contains("lora_adapters"))
        let adapterCount = unbroken[0].adapters!.count
        #expect(try root.group("training").datasetShape("adam_m") == [adapterCount])
        try file.close()
        let loaded = try ModelFile.read(from: final)
        #expect(loaded.model.adapters?.values.toArray() == unbroken[0].adapters && loaded.model.parameters.toArray() == baseParameters)
        if trainingTokenRows {
            let adapters = try #require(loaded.model.adapters)
            let ids = [loaded.tokenizer.specialTokenID("<think>"), loaded.tokenizer.specialTokenID("</think>")].compactMap { $0 }
            #expect(adapters.tokenIDs == ids && ids.count == 2)
            #expect(events.lines.contains { $0.contains("the embedding rows of <think> (id \(ids[0])), </think> (id \(ids[1]))") }, "\(events.lines)")
            // The rows moved away from the base's rows they started as.
            let rows = try #require(adapters.tokenRows), table = loaded.model.weights.embedding
            #expect((0..<rows.cols).contains { rows.row(0)[$0] != table.row(Int(ids[0]))[$0] })
        }

        // Stopped after 2 steps and resumed (same world size): the unbroken run's adapters, bit for bit.
        let sliced = dir.appendingPathComponent("sliced")
        #expect(throws: StoppedBySignal.self) { try Self.sft(T.request(sliced, settings, stopAfter: 2), ranks: 2) }
        let resumed = try Self.sft(T.request(sliced, settings, resume: "latest"), ranks: 2)
        let same = resumed[0].adapters == unbroken[0].adapters
        #expect(same, "resumed adapters differ from the unbroken run's")

        // EGPO from the LoRA SFT checkpoint continues its adapters (beta > 0). Its reference is the
        // policy it starts from, the base with a frozen copy of the SFT adapters: KL 0 at step 1.
        func egpo(_ folder: String, stopAfter: Int? = nil, resume: String? = nil, events: T.Events = T.Events()) throws -> [Outcome] {
            try LocalCommunicator.run(size: 2) { comm in
                let r = try TrainingRun.train(T.request(dir.appendingPathComponent(folder),
                                                        lora + ["model.checkpoint=\(JSON.quoted(final))", "run.steps=2", "egpo.beta=0.05"],
                                                        resume: resume, stopAfter: stopAfter),
                                              comm: comm, events: events.sink)
                return Outcome(parameters: r.policy.model.parameters.toArray(), adapters: r.policy.model.adapters?.values.toArray(), base: r.policy.base)
            }
        }
        let rlEvents = T.Events()
        let rl = try egpo("egpo", events: rlEvents)
        let (frozen, agree, moved) = (rl[0].parameters == baseParameters, rl[0].adapters == rl[1].adapters, rl[0].adapters != unbroken[0].adapters)
        #expect(frozen && agree && moved)
        #expect(rl[0].base?.sha256 == sha)
        #expect(rlEvents.lines.contains { $0.contains("the reference policy (egpo.beta 0.05) is the base with the starting adapters") }, "\(rlEvents.lines)")
        let klLines = try String(contentsOf: dir.appendingPathComponent("egpo/metrics.jsonl"), encoding: .utf8).split(separator: "\n")
            .compactMap { MetricsRecord(jsonLine: String($0)) }.map(\.kl)
        #expect(klLines.count == 2 && klLines[0] == 0 && klLines[1] != nil, "\(klLines)")
        // Stopped after a step and resumed, it keeps that reference: the unbroken run's adapters.
        #expect(throws: StoppedBySignal.self) { try egpo("egpo-sliced", stopAfter: 1) }
        let rlResumed = try egpo("egpo-sliced", resume: "latest")
        #expect(rlResumed[0].adapters == rl[0].adapters, "resumed EGPO adapters differ from the unbroken run's")

        // model.lora.rank 0 from a LoRA checkpoint merges the adapters and trains every weight.
        let mergedEvents = T.Events()
        let merged = try T.sft(T.request(dir.appendingPathComponent("merged"), ["model.checkpoint=\(JSON.quoted(final))", "sft.steps=1"]),
                               ranks: 1, events: mergedEvents)
        #expect(merged[0].parameters != baseParameters)
        #expect(mergedEvents.lines.contains { $0.contains("merged into the weights") })

        // Another LoRA config on those adapters is refused, naming both.
        #expect {
            _ = try Self.sft(T.request(dir.appendingPathComponent("other"), ["model.checkpoint=\(JSON.quoted(final))", "model.lora.rank=8"]), ranks: 1)
        } throws: { "\($0)".contains("holds LoRA adapters with rank 4, alpha 8.0") && "\($0)".contains("asks for rank 8") }

        // A base whose bytes changed is refused on resume; so is a base that is gone.
        let original = try Data(contentsOf: URL(fileURLWithPath: basePath))
        var changed = original
        changed.append(0)
        try changed.write(to: URL(fileURLWithPath: basePath))
        #expect {
            _ = try Self.sft(T.request(sliced, settings + ["sft.steps=5"], resume: "latest"), ranks: 1)
        } throws: { "\($0)".contains("trained on \(basePath) with sha256 \(sha), but that file now has sha256") }
        try FileManager.default.removeItem(atPath: basePath)
        #expect {
            _ = try ModelFile.read(from: final)
        } throws: { "\($0)".contains("holds LoRA adapters for the base model \(basePath), which does not exist") }
        try original.write(to: URL(fileURLWithPath: basePath))
    }

    @Test func loraOnAFreshModelIsRefused() throws {
        let dir = try Fixtures.temporaryDirectory("lora-fresh")
        defer { try? FileManager.default.removeItem(at: dir) }
        for fromScratch in [false, true] {
            #expect {
                _ = try LocalCommunicator.run(size: 1) { comm in
                    fromScratch
                        ? try TrainingRun.train(T.request(dir.appendingPathComponent("t"), Self.lora, fromScratch: true), comm: comm, events: { _ in }).policy.model.config
                        : try TrainingRun.sft(T.request(dir.appendingPathComponent("s"), Self.lora), comm: comm, events: { _ in }).policy.model.config
                }
            } throws: { "\($0)".contains("model.lora.rank 4 adapts a pretrained model, but this run starts from a fresh one") }
        }
    }
}
