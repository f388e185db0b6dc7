import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// FunctionWorld tasks (40, standard mix: 12 simple, 10 multiple, 6 parallel, 6 parallel_multiple,
/// 6 irrelevance) with their reference completions.
let evalWorld = FunctionWorld(seed: 5, split: .heldout).generate(count: 40)

/// A tiny random policy over the byte tokenizer, with max_position_embeddings `limit`.
func tinyPolicy(limit: Int) throws -> (model: Transformer, codec: TaskCodec) {
    let tokenizer = ByteTokenizer()
    let config = ModelConfig(vocabularySize: tokenizer.vocabSize + 4, hiddenSize: 32, intermediateSize: 40, layerCount: 2,
                             headCount: 4, kvHeadCount: 2, maxPositionEmbeddings: limit)
    return (try Transformer(config: config, seed: 3), try TaskCodec(tokenizer: tokenizer))
}

/// The evaluator on a random policy: rank counts, batching and prompts that do not fit.
@Suite struct EvaluatorTests {
    let tasks = Array(evalWorld.prefix(7).map(\.task))

    @Test func oneTwoAndThreeRanksGiveTheSameOutcomes() throws {
        // A limit between the prompt lengths, so some tasks are prompt_too_long and shards mix both.
        let codec = try TaskCodec(tokenizer: ByteTokenizer())
        let lengths = tasks.map { codec.promptTokens($0).count }.sorted()
        let (model, _) = try tinyPolicy(limit: lengths[4] + 3)
        for options in [EvalOptions(maxNewTokens: 6, batchSize: 2), EvalOptions(temperature: 1, seed: 4, maxNewTokens: 6, batchSize: 3)] {
            let evaluator = Evaluator(model: model, codec: codec, options: options)
            let alone = try evaluator.evaluate(tasks, range: 0..<tasks.count)
            #expect(alone.map(\.id) == tasks.map(\.id))
            #expect(alone.contains { $0.finish == .promptTooLong } && alone.contains { $0.finish != .promptTooLong })
            for size in 1...3 {
                let perRank = try LocalCommunicator.run(size: size) { [tasks] comm in try evaluator.evaluate(tasks, on: comm) }
                for (rank, outcomes) in perRank.enumerated() {
                    #expect(outcomes == alone, "\(size) ranks, rank \(rank), options \(options)")
                    #expect(EvalReport(outcomes: outcomes) == EvalReport(outcomes: alone))
                }
            }
        }
    }

    /// k samples per task (the pass-rate filter's): one sampler group per task, task i's j-th
    /// sample the completion of sequence id i * k + j drawn alone, for any batching and rank count.
    @Test func samplesPerTaskAreGroupsOfIndependentStreams() throws {
        let codec = try TaskCodec(tokenizer: ByteTokenizer())
        let lengths = tasks.map { codec.promptTokens($0).count }.sorted()
        let (model, _) = try tinyPolicy(limit: lengths[4] + 3)
        let k = 3
        let options = EvalOptions(temperature: 1, seed: 9, maxNewTokens: 6, batchSize: 3)
        let alone = try Evaluator(model: model, codec: codec, options: options).evaluate(tasks, range: 0..<tasks.count, samplesPerTask: k)
        #expect(alone.map(\.id) == tasks.flatMap { t in Array(repeating: t.id, count: k) })
        let sampling = options.samplingOptions(endOfSequence: codec.endOfSequence)
        for (i, task) in tasks.enumerated() {
            let prompt = codec.promptTokens(task)
            for j in 0..<k {
                let outcome = alone[i * k + j]
                guard prompt.count + 1 <= model.config.maxPositionEmbeddings else {
                    #expect(outcome == .promptTooLong(task: task)); continue
                }
                let single = try Sampler(model: model).sample([SamplingRequest(prompt: prompt, firstSequenceId: UInt64(i * k + j))], options: sampling)[0]
                #expect(outcome == codec.outcome(task: task, tokens: single.tokens, stopped: single.stopped), "task \(i) sample \(j)")
            }
        }
        let sampled = alone.filter { $0.finish != .promptTooLong }
        #expect(!sampled.isEmpty && Set(sampled.map(\.completion)).count > 1, "the samples should differ")
        for batch in [1, 2, 7, 64] {
            var o = options
            o.batchSize = batch
            let evaluator = Evaluator(model: model, codec: codec, options: o)
            for size in [1, 3] {
                let perRank = try LocalCommunicator.run(size: size) { [tasks] comm in try evaluator.evaluate(tasks, samplesPerTask: k, on: comm) }
                #expect(perRank.allSatisfy { $0 == alone }, "batch \(batch), \(size) ranks")
            }
        }
    }

    /// The evaluator says how many of its tasks are done after each sampler call.
    @Test func progressCountsTasksAfterEverySamplerCall() throws {
        let (model, codec) = try tinyPolicy(limit: 1024)
        var calls: [[Int]] = []
        let options = EvalOptions(temperature: 1, maxNewTokens: 3, batchSize: 4)
        _ = try Evaluator(model: model, codec: codec, options: options)
            .evaluate(tasks, range: 0..<tasks.count, samplesPerTask: 2) { calls.append([$0, $1]) }
        #expect(calls == [[2, 7], [4, 7], [6, 7], [7, 7]], "\(calls)")
    }

    @Test func gatherKeepsRankOrderWithEmptyShards() throws {
        let outcomes = evalWorld.prefix(2).map {
            EvalOutcome.scored(task: $0.task, completion: $0.completion, completionTokens: 3, stopped: true, format: .python)
        }
        let gathered = try LocalCommunicator.run(size: 3) { comm in
            try Evaluator.gather(Array(outcomes[ShardLayout(count: 2, worldSize: 3).range(rank: comm.rank)]), on: comm)
        }
        #expect(gathered.allSatisfy { $0 == outcomes })
    }

    @Test func promptsThatDoNotFitAreCountedNotSampled() throws {
        let codec = try TaskCodec(tokenizer: ByteTokenizer())
        let lengths = tasks.map { codec.promptTokens($0).count }
        let shortest = lengths.indices.min { lengths[$0] < lengths[$1] }!
        // Exactly room for one new token after the shortest prompt; every longer one does not fit.
        let (model, _) = try tinyPolicy(limit: lengths[shortest] + 1)
        let outcomes = try Evaluator(model: model, codec: codec, options: EvalOptions(maxNewTokens: 5)).evaluate(tasks, range: 0..<tasks.count)
        for (i, outcome) in outcomes.enumerated() {
            if lengths[i] + 1 <= lengths[shortest] + 1 {
                #expect(outcome.completionTokens == 1 && outcome.finish != .promptTooLong, "task \(i): \(outcome)")
            } else {
                #expect(outcome == .promptTooLong(task: tasks[i]))
                #expect(!outcome.passed && outcome.failure == "prompt_too_long" && outcome.result.isEmpty)
            }
        }
        let report = EvalReport(outcomes: outcomes)
        let tooLong = lengths.filter { $0 > lengths[shortest] }.count
        #expect(tooLong > 0 && report.overall.promptTooLong == tooLong && report.overall.n == tasks.count)
        #expect(report.table.contains("prompt_too_long \(tooLong)"), "\(report.table)")
    }
}

/// The scoring and report path with scripted completions.
@Suite struct EvalScoringTests {
    /// Within each category, task k gets: k % 3 == 0 the reference completion (passes); 1 a
    /// completion without blocks (format failure; for irrelevance a call instead, see
    /// `bfclCheckIsLenientWhereTheRewardIsStrict`); 2 a well-formed wrong answer.
    static func scripted() -> [EvalOutcome] {
        var seen: [TaskCategory: Int] = [:]
        return evalWorld.map { g in
            let k = seen[g.task.category, default: 0]
            seen[g.task.category] = k + 1
            let irrelevance = g.task.category == .irrelevance
            let wrongAnswer = PromptFormat.completion(think: "guess", answer: irrelevance ? "[get_weather(city='Oslo')]" : "[]")
            let completion = k % 3 == 0 ? g.completion : k % 3 == 1 && !irrelevance ? "I would call a function here." : wrongAnswer
            return EvalOutcome.scored(task: g.task, completion: completion, completionTokens: completion.utf8.count, stopped: k % 3 != 1,
                                      format: .python)
        }
    }

    @Test func referenceCompletionsScoreOne() {
        let outcomes = evalWorld.map { EvalOutcome.scored(task: $0.task, completion: $0.completion, completionTokens: 1, stopped: true, format: .python) }
        let report = EvalReport(outcomes: outcomes)
        let o = report.overall
        #expect(o.n == 40 && o.correct == 40 && o.accuracy == 1 && o.stderr == 0 && o.promptTooLong == 0 && o.truncated == 0, "\(o)")
        #expect(report.categories.mapValues(\.n) == ["simple_python": 12, "multiple": 10, "parallel": 6, "parallel_multiple": 6, "irrelevance": 6])
        for (g, o) in zip(evalWorld, outcomes) {
            #expect(o.passed && o.failure.isEmpty, "\(o.id): \(o.failure)")
            #expect(o.result == String(try! Reward.split(g.completion).get()))
        }
    }

    @Test func mixedCompletionsGivePerCategoryAccuracyAndStandardError() throws {
        let outcomes = Self.scripted()
        let report = EvalReport(outcomes: outcomes)
        // k % 3 == 0 passes: 4 of 12, 4 of 10, 2 of 6 (x3); 14 of 40 overall.
        #expect(report.categories.mapValues(\.correct) == ["simple_python": 4, "multiple": 4, "parallel": 2, "parallel_multiple": 2, "irrelevance": 2])
        let simple = try #require(report.categories["simple_python"])
        #expect(simple.accuracy == 1.0 / 3 && abs(simple.stderr - 0.13608276348795434) < 1e-15, "\(simple)")   // sqrt((1/3)(2/3)/12)
        #expect(report.overall.accuracy == 0.35 && abs(report.overall.stderr - 0.0754155156) < 1e-10, "\(report.overall)")   // sqrt(.35 .65 / 40)
        #expect(report.overall.truncated == outcomes.filter { $0.finish == .truncated }.count && report.overall.truncated == 13)   // k % 3 == 1: 4 + 3 + 2 + 2 + 2
        #expect(report.table.contains("simple_python      n=12  acc 0.333 ± 0.136"), "\(report.table)")
        #expect(report.table.split(separator: "\n").last!.hasPrefix("overall            n=40  acc 0.350 ± 0.075"), "\(report.table)")
        let labels = Dictionary(grouping: outcomes.filter { !$0.passed }, by: \.category).mapValues { Set($0.map(\.failure)) }
        #expect(labels[.simplePython] == ["format:missing_think", "simple_function_checker:wrong_count"])
        #expect(labels[.irrelevance] == ["irrelevance_error:decoder_success"])
        // A format failure's result is the raw completion; a well-formed one's is the answer block.
        #expect(outcomes.filter { $0.failure.hasPrefix("format:") }.allSatisfy { $0.result == $0.completion })
        #expect(outcomes.filter { $0.failure.hasSuffix("wrong_count") }.allSatisfy { $0.result == "[]" })

        let json = try JSONSerialization.jsonObject(with: report.json()) as! [String: Any]
        let overall = json["overall"] as! [String: Any], categories = json["categories"] as! [String: [String: Any]]
        #expect(overall["n"] as? Int == 40 && overall["correct"] as? Int == 14 && overall["prompt_too_long"] as? Int == 0)
        #expect(categories["parallel"]?["accuracy"] as? Double == 1.0 / 3)
        #expect(try JSONDecoder().decode(EvalReport.self, from: report.json()) == report)
    }

    @Test func resultFilesAgreeWithTheBFCLCheck() throws {
        let folder = try Fixtures.temporaryDirectory("eval-bfcl")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FunctionWorldWriter.write(evalWorld, to: folder.appendingPathComponent("data-folder"))
        let outcomes = Self.scripted()
        let out = try EvalOutputFolder(path: folder.appendingPathComponent("out").path)
        try out.write(outcomes, report: EvalReport(outcomes: outcomes))
        let spec = try EvalDataSpec(parsing: folder.appendingPathComponent("data-folder").path)
        #expect(try spec.loadTasks() == evalWorld.map(\.task).sorted { order($0) < order($1) })
        var check = BFCLResultsCheck(dataset: spec.dataset)
        var verdicts: [String: Bool] = [:]
        for category in spec.categories {
            let file = out.directory.appendingPathComponent(EvalOutputFolder.resultFileName(category))
            for v in try check.check(resultsFile: file) { verdicts[v.id] = v.verdict.valid }
        }
        #expect(verdicts.count == outcomes.count)
        for o in outcomes { #expect(verdicts[o.id] == o.passed, "\(o.id): BFCL says \(String(describing: verdicts[o.id])), reward \(o.failure)") }
        let lines = try String(contentsOf: out.directory.appendingPathComponent("outcomes.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(try lines.map { try JSONDecoder().decode(EvalOutcome.self, from: Data($0.utf8)) } == outcomes)
    }

    /// Where BFCL's check and the reward part ways, by design: BFCL does not require the think and
    /// answer blocks, and passes an irrelevance task whose output does not decode. The reward
    /// requires the layout, so these outcomes fail while `bfcl check` of their result passes.
    @Test func bfclCheckIsLenientWhereTheRewardIsStrict() throws {
        let irrelevant = try #require(evalWorld.first { $0.task.category == .irrelevance }?.task)
        let simple = try #require(evalWorld.first { $0.task.category == .simplePython })
        let bareCall = String(try Reward.split(simple.completion).get())
        for (task, completion) in [(irrelevant, "Nothing here fits."), (simple.task, bareCall)] {
            let outcome = EvalOutcome.scored(task: task, completion: completion, completionTokens: 1, stopped: true, format: .python)
            #expect(!outcome.passed && outcome.failure == "format:missing_think" && outcome.result == completion)
            #expect(ASTChecker().check(rawOutput: outcome.result, task: task).valid)
        }
    }

    func order(_ task: FunctionTask) -> Int { TaskCategory.allCases.firstIndex(of: task.category)! }
}

/// `--data` and `--out` values.
@Suite struct EvalInputTests {
    @Test func dataSpecs() throws {
        let one = try EvalDataSpec(parsing: "bfcl:live_simple")
        #expect(one.categories == [.liveSimple] && one.directory == BFCLDataset.bundledDirectory)
        #expect(try one.loadTasks(limit: 3).map(\.id) == ["live_simple_0-0-0", "live_simple_1-1-0", "live_simple_2-2-0"])
        #expect(try EvalDataSpec(parsing: "bfcl:all").categories == TaskCategory.pythonSyntax)
        #expect(try EvalDataSpec(parsing: "bfcl:all", javaAndJavaScript: true).categories == TaskCategory.allCases)
        #expect(throws: EvalError.invalidSpec(.unknownCategory(spec: "bfcl:simple", name: "simple"))) { try EvalDataSpec(parsing: "bfcl:simple") }
        #expect(throws: EvalError.generatedSpec(spec: "functionworld")) { try EvalDataSpec(parsing: "functionworld") }
        #expect(throws: EvalError.missingFolder(spec: "/no/such/folder")) { try EvalDataSpec(parsing: "/no/such/folder") }
        let empty = try Fixtures.temporaryDirectory("eval-empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: EvalError.noBFCLFiles(spec: empty.path)) { try EvalDataSpec(parsing: empty.path) }
        let message = EvalError.invalidSpec(.unknownCategory(spec: "bfcl:simple", name: "simple")).description
        #expect(message.contains("bfcl:all") && message.contains("simple_python") && !message.contains("\n"), "\(message)")
    }

    @Test func outputFolderRefusesAFileAndTheCheckpoint() throws {
        let folder = try Fixtures.temporaryDirectory("eval-out")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.h5").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: EvalError.outputIsAFile(path: file)) { try EvalOutputFolder(path: file) }
        #expect(throws: EvalError.outputIsTheCheckpoint(path: file)) { try EvalOutputFolder(path: file, checkpoint: file) }
        let fresh = try EvalOutputFolder(path: folder.appendingPathComponent("new/results").path, checkpoint: file)
        let written = try fresh.write([], report: EvalReport(outcomes: []))
        #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent } == ["scores.json", "outcomes.jsonl"])
        #expect(EvalOutputFolder.resultFileName(.parallelMultiple) == "BFCL_v4_parallel_multiple_result.json")
    }
}
