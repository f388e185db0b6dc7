import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// `<think>`/`</think>` for a model with no spare embedding rows (SmolLM2): `import --add-token`
/// grows the embedding (and the output head) by rows set to the mean of the old ones, so the
/// markers are single tokens as EGPO's think mask needs, and the imported model computes what
/// it did: every old token's log-probability drops by at most log(1 + k/V) and each new token's
/// probability is at most 1/V (Jensen's inequality on the mean logit; `growingVocabulary`).
/// Then the SmolLM2-shaped tiny folder trains one SFT and one EGPO step in the chatml template
/// and evaluates, and the reward and the evaluation read its completions the same way.
@Suite struct ThinkMarkerGrowthTests {
    static let markers = [PromptFormat.thinkOpen, PromptFormat.thinkClose]

    /// log p of each token after the first, for every sequence, under `folder`.
    static func logProbs(_ folder: HuggingFaceFolder, _ sequences: [[Int32]]) throws -> [Float] {
        let model = try Transformer(config: folder.config, parameters: folder.parameters)
        return model.forward(TokenBatch(sequences), workspace: TrainingWorkspace(config: model.config)).logProbs
    }

    static func sequences(_ tokenizer: BPETokenizer) throws -> [[Int32]] {
        let rows = try SmolLM2FolderTests.rows(SmolLM2FolderTests.tiny.appendingPathComponent("tokens.jsonl"))
        return rows.prefix(3).map { Array(($0["ids"] as! [Int]).prefix(64).map(Int32.init)) }
    }

    /// Checks the two bounds of growing `before` into `after` (k new rows), tied or untied.
    static func checkBounds(before: HuggingFaceFolder, after: HuggingFaceFolder, sequences: [[Int32]]) throws {
        let V = before.config.vocabularySize, k = after.config.vocabularySize - V
        let old = try logProbs(before, sequences), new = try logProbs(after, sequences)
        let drops = zip(old, new).map { Double($0) - Double($1) }
        let bound = log(1 + Double(k) / Double(V))
        print("vocabulary \(V) -> \(V + k) (tied \(before.config.tieWordEmbeddings)): old tokens' log p drop in "
              + "[\(drops.min()!), \(drops.max()!)], bound log(1 + k/V) = \(bound)")
        #expect(drops.allSatisfy { $0 > -1e-5 && $0 <= bound + 1e-5 })
        // Each new token, scored after every prefix: p <= 1/V.
        let probes = sequences.flatMap { s in stride(from: 1, to: s.count, by: 5).map { Array(s.prefix($0)) + [Int32(V + k - 1)] } }
        let scored = try probes.map { try logProbs(after, [$0]).last! }
        #expect(scored.allSatisfy { Double($0) <= -log(Double(V)) + 1e-5 }, "max log p(new) \(scored.max()!) vs -log V \(-log(Double(V)))")
    }

    @Test func addingMarkersToAFullVocabularyGrowsTheTiedEmbeddingByTheMeanRow() throws {
        let before = try HuggingFaceFolder.read(from: SmolLM2FolderTests.tiny.path)
        let (after, report) = try before.addingTokens(Self.markers, path: "tokenizer.json")
        #expect(report.map(\.id) == [512, 513] && report.allSatisfy(\.added))
        #expect(after.config.vocabularySize == 514 && after.config.tieWordEmbeddings)
        let tokenizer = try #require(after.tokenizer)
        #expect(tokenizer.encode("<think>x</think>") == [512] + tokenizer.encode("x") + [513])

        // Old rows and every other tensor unchanged; the new rows are the mean of the old ones.
        let layout = before.config.parameterLayout, grown = after.config.parameterLayout
        for e in layout.entries {
            let a = UnsafeBufferPointer(start: before.parameters.base + e.offset, count: e.count)
            let b = UnsafeBufferPointer(start: after.parameters.base + grown[e.name].offset, count: e.count)
            #expect(Array(a) == Array(b), "\(e.name)")
        }
        let C = before.config.hiddenSize, embedding = grown["model.embed_tokens.weight"]
        for c in [0, 7, C - 1] {
            let mean = (0 ..< 512).reduce(0.0) { $0 + Double(before.parameters.base[$1 * C + c]) } / 512
            #expect(abs(Double(after.parameters.base[embedding.offset + 512 * C + c]) - mean) < 1e-7)
            #expect(after.parameters.base[embedding.offset + 513 * C + c] == after.parameters.base[embedding.offset + 512 * C + c])
        }
        try Self.checkBounds(before: before, after: after, sequences: try Self.sequences(tokenizer))

        // Export writes the grown model and the markers; it reads back the same.
        let dir = try Fixtures.temporaryDirectory("think-growth")
        defer { try? FileManager.default.removeItem(at: dir) }
        try after.write(to: dir.appendingPathComponent("exported").path, dtype: .f32)
        let again = try HuggingFaceFolder.read(from: dir.appendingPathComponent("exported").path)
        #expect(again.config == after.config && Array(again.parameters.bufferPointer) == Array(after.parameters.bufferPointer))
        #expect(again.tokenizer?.encode("<think>x</think>") == tokenizer.encode("<think>x</think>"))
    }

    @Test func anUntiedHeadGrowsWithTheEmbedding() throws {
        let tied = try HuggingFaceFolder.read(from: SmolLM2FolderTests.tiny.path)
        // The tiny model untied: its head a perturbed copy of the embedding.
        var config = tied.config
        config.tieWordEmbeddings = false
        let layout = config.parameterLayout
        let parameters = FloatBuffer(count: layout.totalCount)
        for e in tied.config.parameterLayout.entries {
            (parameters.base + layout[e.name].offset).update(from: tied.parameters.base + e.offset, count: e.count)
        }
        let head = layout["lm_head.weight"], embedding = layout["model.embed_tokens.weight"]
        for i in 0 ..< head.count { parameters.base[head.offset + i] = parameters.base[embedding.offset + i] * (1 + 0.5 * Float(sin(Double(i)))) }
        let before = HuggingFaceFolder(config: config, parameters: parameters, files: tied.files, tokenizer: tied.tokenizer)
        let after = before.growingVocabulary(to: 515)
        let C = config.hiddenSize, grownHead = after.config.parameterLayout["lm_head.weight"]
        let mean = (0 ..< 512).reduce(0.0) { $0 + Double(parameters.base[head.offset + $1 * C + 3]) } / 512
        #expect(abs(Double(after.parameters.base[grownHead.offset + 514 * C + 3]) - mean) < 1e-7)
        try Self.checkBounds(before: before, after: after, sequences: try Self.sequences(try #require(tied.tokenizer)))
    }

    /// A GGUF import takes --add-token too: the tiny SmolLM2-like GGUF's 278 rows are all used.
    @Test func aGGUFImportGrowsForTheMarkers() throws {
        let dir = try Fixtures.temporaryDirectory("think-growth-gguf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("tiny.h5").path
        let run = try LauncherBinary.run(["import", "--from", GGUFFixtures.path("tiny-llama.gguf"), "--out", out,
                                          "--add-token", "<think>", "--add-token", "</think>"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("import: added <think> as token 278") && run.stdout.contains("grew from 278 to 280 rows"), "\(run.stdout)")
        let loaded = try ModelFile.read(from: out)
        #expect(loaded.model.config.vocabularySize == 280)
        #expect(loaded.tokenizer.encode("<think>a</think>").first == 278 && loaded.tokenizer.encode("<think>a</think>").last == 279)
    }

    static let task = FunctionTask(
        id: "simple_python_0", category: .simplePython,
        messages: [Message(role: "user", content: "Area of a triangle, base 10, height 5?")],
        functions: [FunctionSchema(name: "calculate_triangle_area", description: "Area of a triangle.",
                                   parameters: [Property(name: "base", schema: ParameterSchema(type: "integer")),
                                                Property(name: "height", schema: ParameterSchema(type: "integer"))],
                                   required: ["base", "height"])],
        groundTruth: [ExpectedCall(functionName: "calculate_triangle_area",
                                   parameters: [.init(name: "base", alternatives: [.integer(10)]),
                                                .init(name: "height", alternatives: [.integer(5)])])])

    /// With the markers as single tokens, the codec accepts the SmolLM2 tokenizer for chatml, the
    /// think mask covers exactly the think text, and the reward and eval's outcome agree on
    /// completions that pass, that miss the think block, and that call wrongly.
    @Test func rewardAndEvalReadSmolLM2CompletionsAlike() throws {
        let bare = try #require(try HuggingFaceFolder.read(from: SmolLM2FolderTests.tiny.path).tokenizer)
        var model = TrainerConfig.Model()
        model.chatTemplate = .chatml
        #expect(throws: TaskCodecError.missingSpecialToken("<think>", template: "chatml")) { try TaskCodec(tokenizer: bare, model: model) }

        let (folder, _) = try HuggingFaceFolder.read(from: SmolLM2FolderTests.tiny.path).addingTokens(Self.markers, path: "tokenizer.json")
        let tokenizer = try #require(folder.tokenizer)
        let codec = try TaskCodec(tokenizer: tokenizer, model: model)
        #expect(codec.thinkOpen == 512 && codec.thinkClose == 513 && codec.endOfSequence == 2)
        let good = FunctionCall("calculate_triangle_area", [("base", .integer(10)), ("height", .integer(5))])
        let bad = FunctionCall("calculate_triangle_area", [("base", .integer(5)), ("height", .integer(10))])
        let completions = [
            ChatTemplate.chatml.completion(think: "Base 10, height 5.", calls: [good]),
            ChatTemplate.chatml.completion(think: "Base 5?", calls: [bad]),
            "<tool_call>\n{\"name\": \"calculate_triangle_area\", \"arguments\": {\"base\": 10, \"height\": 5}}\n</tool_call>",
            "<think>unclosed",
        ]
        var passed: [Bool] = []
        for text in completions {
            let tokens = tokenizer.encode(text) + [codec.endOfSequence]
            let reward = codec.reward(tokens, task: Self.task)
            let outcome = EvalOutcome.scored(task: Self.task, completion: codec.completionText(tokens), completionTokens: tokens.count,
                                             stopped: true, format: codec.format, template: codec.template)
            #expect(codec.completionText(tokens) == text)
            #expect(outcome.passed == reward.passed && outcome.failure == (reward.failure?.label ?? ""), "\(text): \(outcome.failure) vs \(reward)")
            passed.append(reward.passed)
            let think = ThinkBlock.mask(tokens, open: codec.thinkOpen, close: codec.thinkClose)
            if let open = text.range(of: "<think>"), let close = text.range(of: "</think>") {
                let inside = tokens.indices.filter { think.mask[$0] }.map { tokens[$0] }
                #expect(think.closed && tokenizer.decode(inside) == String(text[open.upperBound ..< close.lowerBound]))
            } else {
                #expect(!think.closed && !think.mask.contains(true))
            }
        }
        #expect(passed == [true, false, false, false])
    }

    /// The command line: import with the markers (the embedding grows), one SFT step and one
    /// EGPO step in chatml, then eval.
    @Test func theSmolLM2ShapedModelTrainsAndEvaluatesInChatML() throws {
        let dir = try Fixtures.temporaryDirectory("think-growth-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let imported = try LauncherBinary.run(["import", "--from", SmolLM2FolderTests.tiny.path, "--out", path("tiny.h5"),
                                               "--add-token", "<think>", "--add-token", "</think>"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("grew from 512 to 514 rows"), "\(imported.stdout)")
        let common = ["--set", "model.chatTemplate=chatml", "--set", "data.trainTasks=12", "--set", "run.seed=3"]
        let sft = try LauncherBinary.run(["sft", "--set", "model.checkpoint=" + path("tiny.h5"), "--set", "sft.batchSize=2",
                                          "--set", "sft.optimizer.warmupSteps=0", "--steps", "1", "--run-dir", path("sft")] + common)
        #expect(sft.status == 0, "\(sft.stderr)")
        let egpo = try LauncherBinary.run(["train", "--set", "model.checkpoint=" + path("sft/checkpoints/final.h5"), "--set", "rollout.prompts=2",
                                           "--set", "rollout.groupSize=2", "--set", "rollout.maxCompletionTokens=8", "--set", "eval.tasks=0",
                                           "--steps", "1", "--run-dir", path("egpo")] + common)
        #expect(egpo.status == 0, "\(egpo.stderr)")
        let metrics = (try? String(contentsOfFile: path("egpo/metrics.jsonl"), encoding: .utf8)) ?? ""
        #expect(metrics.contains("\"step\": 1") || metrics.contains("\"step\":1"), "\(metrics.prefix(300))")
        let tasks = path("tasks")
        #expect(try LauncherBinary.run(["data", "generate", "--out", tasks, "--count", "4", "--seed", "4"]).status == 0)
        let eval = try LauncherBinary.run(["eval", "--checkpoint", path("egpo/checkpoints/final.h5"), "--data", tasks, "--out", path("eval"),
                                           "--max-tokens", "6", "--limit", "1"])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("overall ") && (eval.stdout + eval.stderr).contains("chat template chatml"), "\(eval.stdout)\n\(eval.stderr)")
    }
}
