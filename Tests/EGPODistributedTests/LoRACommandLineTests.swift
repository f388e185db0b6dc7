import Foundation
import Testing
import TestSupport

/// LoRA as a user runs it: `launcher sft --set model.lora.rank=...` on a model file, then the
/// checkpoint scored, exported merged (which imports back to the same scores) and as a PEFT
/// folder; a whole model's PEFT export is refused.
@Suite struct LoRACommandLineTests {
    @Test func sftWithLoRAThenScoreAndExportBothWays() throws {
        let dir = try Fixtures.temporaryDirectory("lora-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.path + "/s/base.h5"
        let first = try LauncherBinary.run(["sft", "--steps", "1", "--run-dir", dir.path + "/s"] + TrainCommandLineTests.tiny)
        #expect(first.status == 0, "\(first.stderr)")
        try FileManager.default.copyItem(atPath: dir.path + "/s/checkpoints/final.h5", toPath: base)
        let sft = try LauncherBinary.run(["sft", "--steps", "2", "--run-dir", dir.path + "/lora"] + TrainCommandLineTests.tiny
                                         + ["--set", "model.checkpoint=\(base)", "--set", "model.lora.rank=4", "--set", "model.lora.targets=[q_proj, v_proj]"])
        #expect(sft.status == 0, "\(sft.stderr)")
        #expect(sft.stdout.contains("model: LoRA rank 4, alpha 32.0 on q_proj, v_proj"), "\(sft.stdout)")
        let checkpoint = dir.path + "/lora/checkpoints/final.h5"

        try #"{"text": "get_weather(city='Paris')"}"#.write(toFile: dir.path + "/in.jsonl", atomically: true, encoding: .utf8)
        let scored = try LauncherBinary.run(["score", "--checkpoint", checkpoint, "--input", dir.path + "/in.jsonl"])
        #expect(scored.status == 0, "\(scored.stderr)")

        let merged = try LauncherBinary.run(["export", "--checkpoint", checkpoint, "--out", dir.path + "/merged"])
        #expect(merged.status == 0 && merged.stdout.contains("with its LoRA adapters (rank 4) merged"), "\(merged.stdout) \(merged.stderr)")
        let imported = try LauncherBinary.run(["import", "--from", dir.path + "/merged", "--out", dir.path + "/merged.h5"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let again = try LauncherBinary.run(["score", "--checkpoint", dir.path + "/merged.h5", "--input", dir.path + "/in.jsonl"])
        #expect(again.status == 0, "\(again.stderr)")
        let a = try Self.logProbs(scored.stdout), b = try Self.logProbs(again.stdout)
        #expect(a.count == b.count && a.count > 5 && zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 }, "\(a) vs \(b)")

        let peft = try LauncherBinary.run(["export", "--checkpoint", checkpoint, "--format", "peft", "--out", dir.path + "/adapter"])
        #expect(peft.status == 0, "\(peft.stderr)")
        let config = try String(contentsOfFile: dir.path + "/adapter/adapter_config.json", encoding: .utf8)
        #expect(config.contains(#""base_model_name_or_path" : "\#(base)""#) && config.contains(#""peft_type" : "LORA""#), "\(config)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/adapter/adapter_model.safetensors"))

        let whole = try LauncherBinary.run(["export", "--checkpoint", base, "--format", "peft", "--out", dir.path + "/nope"])
        #expect(whole.status != 0 && whole.stderr.contains("holds a whole model, no LoRA adapters; export it with --format merged"), "\(whole.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/nope"))
        let bad = try LauncherBinary.run(["export", "--checkpoint", checkpoint, "--format", "lora", "--out", dir.path + "/nope"])
        #expect(bad.status != 0 && bad.stderr.contains("--format lora is not one of merged, peft"), "\(bad.stderr)")
    }

    /// Every "logprob" number of `launcher score`'s JSON lines, in order.
    static func logProbs(_ output: String) throws -> [Double] {
        try output.split(separator: "\n").flatMap { line -> [Double] in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (object?["logprobs"] as? [Double]) ?? []
        }
    }
}
