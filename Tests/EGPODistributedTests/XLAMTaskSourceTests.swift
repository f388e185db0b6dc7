import Foundation
import FunctionCalling
import Testing
import TestSupport
@testable import EGPODistributed

/// `xlam:FILE` wherever a data spec is taken: TaskSource, `launcher sft`/`train` through
/// data.train, and `launcher data xlam` converting to BFCL's layout. Fixtures are
/// FunctionCallingTests' (Tests/FunctionCallingTests/Fixtures/xlam, see make_xlam_fixtures.py).
@Suite struct XLAMTaskSourceTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/FunctionCallingTests/Fixtures/xlam")
    static let mixed = folder.appendingPathComponent("xlam-mixed.jsonl").path

    @Test func loadsTheRecordsStageOneKeepsWithReferences() throws {
        var logged: [String] = []
        let tasks = try TaskSource.load(spec: .xlam(file: Self.mixed), count: 5, seed: 1, split: .train) { logged.append($0) }
        #expect(tasks.count == 10)
        #expect(tasks.map(\.task.id).prefix(3) == ["simple_python_xlam0", "multiple_xlam1", "parallel_xlam2"])
        #expect(!tasks.map(\.task.id).contains("simple_python_xlam9"))
        for t in tasks {
            let reference = try #require(t.reference, "\(t.task.id) has no reference")
            #expect(Reward.score(completion: reference, task: t.task, format: .python).value == 1, "\(t.task.id): \(reference)")
        }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("13 tasks: 10 kept (1 repaired), 3 dropped") == true, "\(logged)")
        #expect(logged.first?.contains("drop:required-missing: 1 task") == true, "\(logged)")
    }

    @Test func badSpecsAndFilesAreOneLineErrors() throws {
        func message(_ spec: DataSpec) -> String {
            do { _ = try TaskSource.load(spec: spec, count: 1, seed: 1, split: .train); return "loaded" } catch { return error.description }
        }
        #expect(message(.xlam(file: "/nonexistent/x.jsonl")) == "/nonexistent/x.jsonl: cannot read: no such file (expected a readable regular file)")
        let badType = Self.folder.appendingPathComponent("xlam-bad-type.jsonl").path
        #expect(message(.xlam(file: badType)).hasPrefix(badType + ":2: tools[0].parameters.path.type \"Path\": unknown type name"))
        #expect(message(.folder("/nonexistent-folder")).contains("expected \(DataSpec.forms)"))
        // `xlam:` alone names no file: refused when the config is read, before a model is built.
        do {
            _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "data.train", value: "xlam:")], purpose: .supervised)
            Issue.record("data.train=xlam: was accepted")
        } catch {
            #expect(error.description == #"command line: data.train must be xlam:FILE naming a file (xLAM JSON lines or a JSON array), got "xlam:""#)
        }
        let config = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "data.train", value: "xlam:" + Self.mixed)], purpose: .supervised)
        #expect(config.data.train == .xlam(file: Self.mixed))
    }

    @Test func launcherConvertsToBFCLLayoutAndTrainsOnTheFile() throws {
        let dir = try Fixtures.temporaryDirectory("xlam-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let convert = try LauncherBinary.run(["data", "xlam", "--file", Self.mixed, "--out", dir.path + "/bfcl"])
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stdout.contains("13 records (simple_python 9, multiple 1, parallel 1, parallel_multiple 1, irrelevance 1)"), "\(convert.stdout)")
        #expect(convert.stdout.contains("wrote 10 tasks"), "\(convert.stdout)")
        // The converted folder reads back as the same tasks with the same references.
        let direct = try TaskSource.load(spec: .xlam(file: Self.mixed), count: 1, seed: 1, split: .train)
        let folder = try TaskSource.loadFolder(dir.path + "/bfcl")
        #expect(Set(folder.map(\.task.id)) == Set(direct.map(\.task.id)))
        for t in folder {
            let d = try #require(direct.first { $0.task.id == t.task.id })
            #expect(t.task == d.task, "\(t.task.id)")
            #expect(t.reference == d.reference, "\(t.task.id)")
        }

        let bad = try LauncherBinary.run(["data", "xlam", "--file", Self.folder.appendingPathComponent("xlam-bad-unknown-function.jsonl").path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains(":2: answers[0] calls \"is_prime\", which \"tools\" does not offer"), "\(bad.stderr)")
        #expect(bad.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(bad.stderr)")

        let sft = try LauncherBinary.run(["sft", "--steps", "1", "--run-dir", dir.path + "/sft", "--set", "data.train=xlam:" + Self.mixed,
                                          "--set", "model.architecture.hidden_size=32", "--set", "model.architecture.intermediate_size=64",
                                          "--set", "model.architecture.num_hidden_layers=1", "--set", "model.architecture.num_attention_heads=2",
                                          "--set", "model.architecture.num_key_value_heads=2", "--set", "model.architecture.vocab_size=300",
                                          "--set", "model.tokenizerVocabulary=300", "--set", "sft.batchSize=2"])
        #expect(sft.status == 0, "\(sft.stderr)")
        #expect(sft.stdout.contains("13 tasks: 10 kept (1 repaired), 3 dropped"), "\(sft.stdout)")
        #expect(sft.stdout.contains("sft 1/1"), "\(sft.stdout)")

        let eval = try LauncherBinary.run(["eval", "--checkpoint", dir.path + "/sft/checkpoints/final.h5", "--data", "xlam:" + Self.mixed,
                                           "--out", dir.path + "/eval", "--max-tokens", "4"])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("3 dropped"), "\(eval.stdout)")
        #expect(eval.stdout.contains("eval: 10 tasks"), "\(eval.stdout)")
    }

    @Test func evalTakesXLAMFiles() throws {
        let spec = try EvalDataSpec(parsing: "xlam:" + Self.mixed)
        var logged: [String] = []
        let firstOfEach = try spec.loadTasks(limit: 1) { logged.append($0) }
        #expect(firstOfEach.map(\.id) == ["simple_python_xlam0", "multiple_xlam1", "parallel_xlam2", "parallel_multiple_xlam3", "irrelevance_xlam8"])
        #expect(logged.first?.contains("13 tasks: 10 kept") == true, "\(logged)")
        #expect(try spec.loadTasks().count == 10)
        #expect(throws: EvalError.invalidSpec(.noFile(spec: "xlam:"))) { try EvalDataSpec(parsing: "xlam:") }
        let bad = Self.folder.appendingPathComponent("xlam-bad-json.jsonl").path
        #expect(throws: EvalError.self) { try EvalDataSpec(parsing: "xlam:" + bad).loadTasks() }
    }
}
