import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// Runs in `model.precision: bf16`: a stopped run resumes to the unbroken run's parameters bit for
/// bit at the same world size (full fine-tuning with ZeRO-1, and LoRA on a bf16 base), and EGPO
/// runs with the reference policy in bf16 too.
@Suite(.serialized) struct BF16RunTests {
    typealias T = TrainingRunTests

    @Test func bf16RunsResumeBitwise() throws {
        try #require(BF16Matmul.isNative, "no bf16 instructions on this CPU")
        let dir = try Fixtures.temporaryDirectory("bf16-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let events = T.Events()
        let settings = ["model.precision=bf16", "sft.steps=4", "sft.optimizer.zero=1"]
        let unbroken = try T.sft(T.request(dir.appendingPathComponent("unbroken"), settings), ranks: 2, events: events)
        #expect(events.lines.contains { $0.hasPrefix("model: bf16 products with fp32 accumulation (oneDNN ") }, "\(events.lines)")
        let fp32 = try T.sft(T.request(dir.appendingPathComponent("fp32"), ["sft.steps=4", "sft.optimizer.zero=1"]), ranks: 2)
        #expect(unbroken[0].parameters != fp32[0].parameters, "bf16 should round somewhere")
        let sliced = dir.appendingPathComponent("sliced")
        #expect(throws: StoppedBySignal.self) { try T.sft(T.request(sliced, settings, stopAfter: 2), ranks: 2) }
        let resumed = try T.sft(T.request(sliced, settings, resume: "latest"), ranks: 2)
        let same = resumed[0].parameters == unbroken[0].parameters && resumed[1].parameters == unbroken[0].parameters
        #expect(same, "the resumed bf16 run differs from the unbroken one")

        // LoRA on the bf16 base, then EGPO from it with the reference (the base) in bf16.
        let base = dir.appendingPathComponent("unbroken/checkpoints/final.h5").path
        let lora = LoRARunTests.lora + ["model.precision=bf16", "model.checkpoint=\(JSON.quoted(base))", "sft.steps=4"]
        let straight = try LoRARunTests.sft(T.request(dir.appendingPathComponent("lora"), lora), ranks: 2)
        #expect(throws: StoppedBySignal.self) { try LoRARunTests.sft(T.request(dir.appendingPathComponent("lora-sliced"), lora, stopAfter: 2), ranks: 2) }
        let again = try LoRARunTests.sft(T.request(dir.appendingPathComponent("lora-sliced"), lora, resume: "latest"), ranks: 2)
        let sameAdapters = again[0].adapters == straight[0].adapters
        #expect(sameAdapters, "the resumed bf16 LoRA run differs from the unbroken one")
        let rl = try LocalCommunicator.run(size: 2) { comm in
            let r = try TrainingRun.train(T.request(dir.appendingPathComponent("egpo"),
                                                    LoRARunTests.lora + ["model.precision=bf16", "run.steps=2", "egpo.beta=0.05",
                                                                         "model.checkpoint=\(JSON.quoted(dir.appendingPathComponent("lora/checkpoints/final.h5").path))"]),
                                          comm: comm, events: { _ in })
            return (r.policy.model.precision == .bf16, r.policy.model.adapters!.values.toArray())
        }
        #expect(rl[0].0 && rl[0].1 == rl[1].1)
    }
}
