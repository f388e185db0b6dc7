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

    @Test(.enabled(if: BF16Matmul.isNative, "no bf16 instructions on this CPU: runs compute in fp32 (bf16RunsSayTheyComputeInFP32)"))
    func bf16RunsResumeBitwise() throws {
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

    /// On a CPU without bf16 instructions a run asked for bf16 says so once and computes in fp32:
    /// its parameters are an fp32 run's, bit for bit, and `launcher eval` says the same.
    @Test(.enabled(if: !BF16Matmul.isNative, "this CPU has bf16 instructions (bf16RunsResumeBitwise covers it)"))
    func bf16RunsSayTheyComputeInFP32() throws {
        let dir = try Fixtures.temporaryDirectory("bf16-fallback")
        defer { try? FileManager.default.removeItem(at: dir) }
        let events = T.Events()
        let asked = try T.sft(T.request(dir.appendingPathComponent("bf16"), ["model.precision=bf16", "sft.steps=2"]), ranks: 2, events: events)
        let fp32 = try T.sft(T.request(dir.appendingPathComponent("fp32"), ["sft.steps=2"]), ranks: 2)
        let notice = events.lines.filter { $0.contains("has no bf16 instructions") }
        #expect(notice.count == 1, "\(events.lines)")
        #expect(asked[0].parameters == fp32[0].parameters, "a bf16 run on a CPU without bf16 should be the fp32 run")
        let checkpoint = dir.appendingPathComponent("bf16/checkpoints/final.h5").path
        let tasks = dir.appendingPathComponent("tasks").path
        let generated = try LauncherBinary.run(["data", "generate", "--out", tasks, "--count", "2", "--seed", "3"])
        try #require(generated.status == 0, "\(generated.stderr)")
        let eval = try LauncherBinary.run(["eval", "--checkpoint", checkpoint, "--data", tasks, "--max-tokens", "4", "--limit", "1",
                                           "--out", dir.appendingPathComponent("e").path])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("eval: precision bf16, from the checkpoint's run config")
                && eval.stdout.contains("has no bf16 instructions (AVX512-BF16 or AMX); computing in fp32"), "\(eval.stdout)")
    }

    /// `Precision.resolve`: --precision wins, else the checkpoint's, else fp32; then what this CPU can
    /// do, with a line for each choice the user did not make.
    @Test func resolvedPrecisionSaysWhereItCameFromAndWhatThisCPUCanDo() {
        let fallback = Precision.bf16.fallbackNotice.map { [$0] } ?? []
        let fromCheckpoint = "precision bf16, from the checkpoint's run config"
        let cases: [(asked: Precision?, recorded: Precision?, chosen: Precision, notes: [String])] = [
            (nil, nil, .fp32, []), (nil, .fp32, .fp32, []), (.fp32, .bf16, .fp32, []),
            (nil, .bf16, .bf16, [fromCheckpoint] + fallback), (.bf16, nil, .bf16, fallback), (.bf16, .fp32, .bf16, fallback),
        ]
        for c in cases {
            let (precision, notes) = Precision.resolve(asked: c.asked, recorded: c.recorded)
            #expect(precision == c.chosen.onThisCPU && notes == c.notes, "asked \(String(describing: c.asked)), recorded \(String(describing: c.recorded))")
        }
    }

    /// `launcher eval` and `launcher data filter` sample a bf16-trained checkpoint in bf16 unless
    /// told otherwise, and say so; --precision overrides it; a plain model file stays fp32.
    @Test(.enabled(if: BF16Matmul.isNative, "no bf16 instructions on this CPU: runs compute in fp32 (bf16RunsSayTheyComputeInFP32)"))
    func evalAndFilterSampleInTheCheckpointsPrecision() throws {
        let dir = try Fixtures.temporaryDirectory("bf16-eval")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try T.sft(T.request(dir.appendingPathComponent("run"), ["model.precision=bf16", "sft.steps=1"]), ranks: 1)
        let checkpoint = dir.appendingPathComponent("run/checkpoints/final.h5").path
        let tasks = dir.appendingPathComponent("tasks").path
        let generated = try LauncherBinary.run(["data", "generate", "--out", tasks, "--count", "4", "--seed", "3"])
        try #require(generated.status == 0, "\(generated.stderr)")
        let said = "precision bf16, from the checkpoint's run config"
        func eval(_ extra: [String], _ out: String) throws -> LauncherBinary.Run {
            try LauncherBinary.run(["eval", "--checkpoint", checkpoint, "--data", tasks, "--max-tokens", "6", "--limit", "1",
                                    "--out", dir.appendingPathComponent(out).path] + extra)
        }
        let byDefault = try eval([], "e-default"), asked = try eval(["--precision", "bf16"], "e-bf16"), fp32 = try eval(["--precision", "fp32"], "e-fp32")
        for r in [byDefault, asked, fp32] { #expect(r.status == 0, "\(r.stderr)") }
        #expect(byDefault.stdout.contains("eval: " + said), "\(byDefault.stdout)")
        #expect(!asked.stdout.contains(said) && !fp32.stdout.contains(said))
        let outcomes = { (name: String) in try String(contentsOfFile: dir.appendingPathComponent(name + "/outcomes.jsonl").path, encoding: .utf8) }
        #expect(try outcomes("e-default") == outcomes("e-bf16"), "the default is not bf16")

        let filtered = try LauncherBinary.run(["data", "filter", "--checkpoint", checkpoint, "--data-dir", tasks, "--k", "2",
                                               "--max-tokens", "6", "--out", dir.appendingPathComponent("kept").path])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        #expect(filtered.stdout.contains("data filter: " + said), "\(filtered.stdout)")
        let (_, plain, made) = try LauncherBinary.tinyModel(in: dir)
        try #require(made.status == 0, "\(made.stderr)")
        let fromFile = try LauncherBinary.run(["data", "filter", "--checkpoint", plain, "--data-dir", tasks, "--k", "2",
                                               "--max-tokens", "4", "--out", dir.appendingPathComponent("kept-plain").path])
        #expect(fromFile.status == 0 && !fromFile.stdout.contains("precision"), "\(fromFile.stdout)\(fromFile.stderr)")
    }
}
