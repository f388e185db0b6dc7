import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// `launcher eval` end to end, through the built executable.
@Suite struct EvalCommandLineTests {
    let folder: URL
    let model: String
    let data: String

    init() throws {
        folder = try Fixtures.temporaryDirectory("cli-eval")
        let config = folder.appendingPathComponent("config.json").path
        // 600 positions: most generated prompts fit, the longest do not.
        try """
        {"vocab_size": 280, "hidden_size": 32, "intermediate_size": 40, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 600}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        model = folder.appendingPathComponent("m.h5").path
        data = folder.appendingPathComponent("tasks").path
        let made = try LauncherBinary.run(["init", "--config", config, "--out", model, "--seed", "2"])
        let generated = try LauncherBinary.run(["data", "generate", "--out", data, "--count", "12", "--seed", "4"])
        try #require(made.status == 0, "\(made.stderr)")
        try #require(generated.status == 0, "\(generated.stderr)")
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @Test func writesResultFilesScoresAndOutcomes() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = path("results")
        let run = try LauncherBinary.run(["eval", "--checkpoint", model, "--data", data, "--out", out, "--max-tokens", "4", "--limit", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("simple_python ") && $0.contains("n=2") && $0.contains("acc 0.000 ± 0.000") }, "\(run.stdout)")
        #expect(lines.contains { $0.hasPrefix("overall ") && $0.contains("n=10") }, "\(run.stdout)")

        let categories = try FileManager.default.contentsOfDirectory(atPath: data + "/data").sorted()
        let written = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        let results = categories.map { $0.replacingOccurrences(of: ".json", with: "_result.json") }
        #expect(written == (results + ["outcomes.jsonl", "scores.json"]).sorted())
        for file in results {
            let rows = try String(contentsOfFile: out + "/" + file, encoding: .utf8).split(separator: "\n")
                .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(rows.count == 2 && rows.allSatisfy { Set($0.keys) == ["id", "result"] }, "\(file)")
        }
        let scores = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/scores.json"))) as! [String: Any]
        let overall = scores["overall"] as! [String: Any]
        #expect(overall["n"] as? Int == 10 && overall["correct"] as? Int == 0)
        #expect((scores["categories"] as! [String: Any]).count == categories.count)
        let outcomes = try String(contentsOfFile: out + "/outcomes.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(EvalOutcome.self, from: Data($0.utf8)) }
        #expect(outcomes.count == 10 && outcomes.allSatisfy { $0.completionTokens <= 4 })
        let tooLong = outcomes.filter { $0.finish == .promptTooLong }.count
        #expect(tooLong > 0 && tooLong == overall["prompt_too_long"] as? Int, "\(overall)")

        // bfcl check reads the result files against the same folder.
        let checked = try LauncherBinary.run(["bfcl", "check", "--results", out + "/" + results[0], "--data-dir", data])
        #expect(checked.status == 0 && checked.stdout.split(separator: "\n").count == 2, "\(checked.stderr)")
    }

    @Test func badValuesAreOneLineErrors() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [([String], [String])] = [
            (["--data", "bfcl:simple", "--out", path("o")], ["bfcl:simple", "bfcl:all", "simple_python"]),
            (["--data", path("nowhere"), "--out", path("o")], ["nowhere", "bfcl:CATEGORY"]),
            (["--data", folder.path, "--out", path("o")], [folder.path, "data/BFCL_v4_<category>.json"]),
            (["--data", "bfcl:multiple", "--out", model], ["--out", "checkpoint"]),
            (["--data", "bfcl:multiple", "--out", path("config.json")], ["config.json", "existing file"]),
            (["--data", "bfcl:multiple", "--out", path("o"), "--chat-template", "qwen"],
             ["--chat-template", "\"qwen\"", "compact, qwen2.5, qwen3, llama3.1, llama3.2"]),
            // The model's byte tokenizer has no <|im_end|> token, which Qwen's template ends turns with.
            (["--data", "bfcl:multiple", "--out", path("o"), "--chat-template", "qwen3"], ["<|im_end|>", "model.chatTemplate qwen3"]),
        ]
        for (arguments, words) in cases {
            let run = try LauncherBinary.run(["eval", "--checkpoint", model] + arguments)
            let message = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(run.status != 0 && !run.signaled, "\(arguments)")
            #expect(!message.contains("\n") && words.allSatisfy(message.contains), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: path("o")))
        let help = try LauncherBinary.run(["eval", "--help"])
        #expect(help.status == 0)
        for word in ["--checkpoint", "--data", "--out", "--max-tokens", "--temperature", "--seed", "--limit", "--chat-template", "qwen2.5", "bfcl:all",
                     "BFCL_v4_<category>_result.json", "scores.json", "outcomes.jsonl", "greedily"] {
            #expect(help.stdout.contains(word), "--help lacks \(word)")
        }
    }
}
