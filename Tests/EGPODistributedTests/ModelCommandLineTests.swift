import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// `launcher init`, `score` and `sample` end to end, through the built executable.
@Suite struct ModelCommandLineTests {
    let folder: URL
    let configPath: String
    init() throws {
        folder = try Fixtures.temporaryDirectory("cli")
        configPath = folder.appendingPathComponent("config.json").path
        try """
        {"vocab_size": 280, "hidden_size": 32, "intermediate_size": 40, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 96}
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func initScoreAndSampleAgreeWithTheLibrary() throws {
        let model = path("m.h5")
        let made = try LauncherBinary.run(["init", "--config", configPath, "--out", model, "--seed", "9"])
        #expect(made.status == 0, "\(made.stderr)")
        let loaded = try ModelFile.read(from: model)
        #expect(loaded.model.config.kvHeadCount == 2 && loaded.model.config.vocabularySize == 280)

        // The same seed gives the same weights.
        let again = try LauncherBinary.run(["init", "--config", configPath, "--out", path("m2.h5"), "--seed", "9"])
        #expect(again.status == 0)
        let twin = try ModelFile.read(from: path("m2.h5")).model
        #expect(Array(UnsafeBufferPointer(start: twin.parameters.base, count: twin.layout.totalCount))
                == Array(UnsafeBufferPointer(start: loaded.model.parameters.base, count: twin.layout.totalCount)))

        // score: one log-prob fewer than tokens, equal to the library's forward.
        let scored = try LauncherBinary.run(["score", "--checkpoint", model, "--input", "-"],
                                            stdin: "{\"text\": \"f(city='Oslo')\"}\n{\"tokens\": [3, 1, 4, 1, 5]}\n{\"tokens\": [7]}\n")
        #expect(scored.status == 0, "\(scored.stderr)")
        let lines = try jsonLines(scored.stdout)
        #expect(lines.count == 3)
        let textTokens = (lines[0]["tokens"] as! [Int]).map(Int32.init)
        #expect(textTokens == loaded.tokenizer.encode("f(city='Oslo')"))
        #expect((lines[2]["logprobs"] as! [Double]).isEmpty)
        let scores = loaded.model.forward(TokenBatch([textTokens, [3, 1, 4, 1, 5]]), workspace: TrainingWorkspace(config: loaded.model.config))
        let cliLogProbs = (lines[0]["logprobs"] as! [Double]) + (lines[1]["logprobs"] as! [Double])
        let check = closeness(cliLogProbs, scores.logProbs, atol: 1e-6, rtol: 1e-6, label: "score vs forward")
        #expect(check.ok, "\(check)")

        // sample at temperature 1: each sampled token's log-prob equals what score gives it.
        let sampled = try LauncherBinary.run(["sample", "--checkpoint", model, "--prompt", "call(", "--max-tokens", "12",
                                              "--count", "3", "--seed", "4", "--json"])
        #expect(sampled.status == 0, "\(sampled.stderr)")
        let completions = try jsonLines(sampled.stdout)
        #expect(completions.count == 3)
        for completion in completions {
            let prompt = completion["prompt_tokens"] as! [Int], tokens = completion["tokens"] as! [Int]
            #expect(!tokens.isEmpty && tokens.count <= 12)
            let rescored = try LauncherBinary.run(["score", "--checkpoint", model, "--input", "-"],
                                                  stdin: "{\"tokens\": \(prompt + tokens)}\n")
            let all = try jsonLines(rescored.stdout)[0]["logprobs"] as! [Double]
            let agreement = closeness(completion["logprobs"] as! [Double], Array(all[(prompt.count - 1)...]),
                                      atol: 1e-4, rtol: 0, label: "sampler vs score")
            #expect(agreement.ok, "\(agreement)")
        }
    }

    @Test func badInputsAreNamed() throws {
        let missing = try LauncherBinary.run(["init", "--config", path("absent.json"), "--out", path("x.h5")])
        #expect(missing.status != 0 && missing.stderr.contains("absent.json"), "\(missing.stderr)")

        let badConfig = path("bad.json")
        try "{\"vocab_size\": 280, \"hidden_size\": 30, \"intermediate_size\": 8, \"num_hidden_layers\": 1, \"num_attention_heads\": 4}"
            .write(toFile: badConfig, atomically: true, encoding: .utf8)
        let invalid = try LauncherBinary.run(["init", "--config", badConfig, "--out", path("x.h5")])
        #expect(invalid.status != 0 && invalid.stderr.contains("bad.json"), "\(invalid.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("x.h5")))

        let model = path("m.h5")
        #expect(try LauncherBinary.run(["init", "--config", configPath, "--out", model]).status == 0)
        let badLine = try LauncherBinary.run(["score", "--checkpoint", model, "--input", "-"],
                                             stdin: "{\"tokens\": [1, 2]}\n{\"tokens\": [1, 999]}\n")
        #expect(badLine.status != 0 && badLine.stderr.contains("-:2") && badLine.stderr.contains("999"), "\(badLine.stderr)")
        let notJSON = try LauncherBinary.run(["score", "--checkpoint", model, "--input", "-"], stdin: "{\"text\": \"a\"}\nnope\n")
        #expect(notJSON.status != 0 && notJSON.stderr.contains("-:2"), "\(notJSON.stderr)")
        let notModel = try LauncherBinary.run(["score", "--checkpoint", configPath, "--input", "-"], stdin: "")
        #expect(notModel.status != 0 && notModel.stderr.contains("config.json"), "\(notModel.stderr)")
    }
}
