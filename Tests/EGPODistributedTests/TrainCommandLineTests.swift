import Foundation
import Testing
import TestSupport

/// `launcher train` and `launcher sft` as a user meets them: one short real run each, the run
/// folder they leave, and one-line errors for bad settings before anything runs.
@Suite struct TrainCommandLineTests {
    static let tiny = ["--set", "model.architecture.hidden_size=32", "--set", "model.architecture.intermediate_size=64",
                       "--set", "model.architecture.num_hidden_layers=1", "--set", "model.architecture.num_attention_heads=2",
                       "--set", "model.architecture.num_key_value_heads=2",
                       "--set", "model.architecture.vocab_size=300", "--set", "model.tokenizerVocabulary=300",
                       "--set", "data.trainTasks=40", "--set", "sft.batchSize=4"]

    @Test func sftThenTrainFillTheRunFolder() throws {
        let dir = try Fixtures.temporaryDirectory("train-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sft = try LauncherBinary.run(["sft", "--steps", "2", "--run-dir", dir.path + "/sft"] + Self.tiny)
        #expect(sft.status == 0, "\(sft.stderr)")
        #expect(sft.stdout.contains("sft 2/2"), "\(sft.stdout)")
        let model = dir.path + "/sft/checkpoints/final.h5"
        let train = try LauncherBinary.run(["train", "--steps", "2", "--run-dir", dir.path + "/rl", "--set", "model.checkpoint=" + model,
                                            "--set", "rollout.prompts=2", "--set", "rollout.groupSize=2",
                                            "--set", "rollout.maxCompletionTokens=8", "--set", "eval.tasks=4",
                                            "--set", "eval.maxNewTokens=8"] + Self.tiny)
        #expect(train.status == 0, "\(train.stderr)")
        for line in ["egpo 1/2", "egpo 2/2", "eval before", "eval after", "held-out accuracy changed by"] {
            #expect(train.stdout.contains(line), "missing \(line) in \(train.stdout)")
        }
        for file in ["config.json", "metrics.jsonl", "checkpoints/final.h5", "eval/before/scores.json", "eval/after/scores.json",
                     "summary.md", "summary.json", "plot.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/rl/" + file), "no \(file)")
        }
        let metrics = try String(contentsOfFile: dir.path + "/rl/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(metrics.count == 2)
        for key in ["reward_mean", "frac_zero_std", "entropy_think", "bonus_mean", "kl", "clip_low_frac", "logp_gap_max",
                    "seconds_sampling", "tokens_per_second"] {
            #expect(metrics[0].contains("\"\(key)\""), "metrics lack \(key)")
        }
        // The sampler's log-probs and the training forward's agree to rounding on every token.
        for line in metrics {
            let m = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let gap = (m["logp_gap_max"] as! NSNumber).doubleValue
            #expect(gap < 1e-4, "logp_gap_max \(gap)")
        }
    }

    @Test func badSettingsAreOneLineErrors() throws {
        let cases: [([String], String)] = [
            (["train", "--set", "egpo.alpha=0.5"], "egpo.alpha = 0.5 is out of range"),
            (["train", "--set", "egpo.lamda=0"], "did you mean egpo.lambda"),
            (["train", "--set", "rollout.groupSize=2.5"], "rollout.groupSize must be an integer"),
            (["train", "--set", "rollout.topP=0.9"], "rollout.topP"),
            (["train", "--config", "/nonexistent/run.yaml"], "/nonexistent/run.yaml: no such file"),
            (["train", "--set", "model.checkpoint=/nonexistent.h5", "--set", "eval.tasks=0"], "/nonexistent.h5"),
            (["sft", "--set", "sft.steps=-1"], "sft.steps = -1 is out of range"),
        ]
        for (arguments, expected) in cases {
            let run = try LauncherBinary.run(arguments + ["--run-dir", NSTemporaryDirectory() + "egpo-bad-\(UUID().uuidString)"])
            #expect(run.status != 0, "\(arguments) succeeded")
            #expect(run.stderr.contains(expected), "\(arguments): expected '\(expected)' in \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count <= 2, "\(arguments): \(run.stderr)")
        }
    }
}
