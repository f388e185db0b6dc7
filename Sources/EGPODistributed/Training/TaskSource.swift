import Foundation
import FunctionCalling

/// A task with its reference completion when one is known (FunctionWorld writes them; SFT needs them).
public struct TrainingTask: Sendable {
    public var task: FunctionTask
    /// `<think>…</think><answer>…</answer>` that earns reward 1, or nil.
    public var reference: String?

    public init(task: FunctionTask, reference: String?) {
        self.task = task
        self.reference = reference
    }
}

/// Where the trainer's tasks come from (a `DataSpec`): generated FunctionWorld tasks, a file in
/// the xlam-function-calling-60k format (`xlam:FILE`), the BFCL copy shipped with the project
/// (`bfcl:CATEGORY`, `bfcl:all`), or a folder in BFCL's layout (`data/BFCL_v4_<category>.json`,
/// `possible_answer/...`, and optionally `reference/...` with `{"id", "completion"}` lines), as
/// `launcher data generate` and `launcher data filter` write.
public enum TaskSource {
    /// The tasks of `spec`; `count`, `seed` and `split` are used for `functionworld` only.
    /// - Parameters:
    ///   - log: receives what loading found worth saying (the xLAM filter's counts).
    ///   - categories: the categories a folder (and bfcl:all) is read for: those the run's prompt
    ///     style can answer (`PromptStyle.categories`; the Python-syntax ones by default).
    public static func load(spec: DataSpec, count: Int, seed: Int, split: WorldSplit, categories: [TaskCategory] = TaskCategory.pythonSyntax,
                            log: (String) -> Void = { _ in }) throws(TrainingError) -> [TrainingTask] {
        switch spec {
        case .functionWorld:
            return functionWorldTasks(count: count, seed: seed, split: split)
        case .xlam(let file):
            return try loadXLAM(file, log: log)
        case .bfcl(let category):
            // bfcl:all trains on the Python-syntax categories: the answer forms are Python calls.
            return try loadFolder(BFCLDataset.bundledDirectory.path, categories: category.map { [$0] } ?? categories)
        case .folder(let path):
            return try loadFolder(path, categories: categories)
        }
    }

    /// The records of an xLAM file that pass DataPrep's stage-1 rules, each with its answer as the
    /// reference completion; `log` gets the per-category and per-reason counts.
    public static func loadXLAM(_ path: String, log: (String) -> Void = { _ in }) throws(TrainingError) -> [TrainingTask] {
        guard !path.isEmpty else {
            throw .data("task source xlam: names no file; expected xlam:FILE (JSON lines or a JSON array of {\"id\", \"query\", \"tools\", \"answers\"})")
        }
        let prepared: XLAMDataset.Prepared
        do { prepared = try XLAMDataset.prepared(path) } catch { throw .data("\(error)") }
        log(prepared.summary(file: path))
        guard !prepared.tasks.isEmpty else { throw .noTasks(source: "\(path) (the stage-1 rules dropped every record)") }
        return prepared.tasks.map { TrainingTask(task: $0, reference: prepared.references[$0.id]) }
    }

    /// `count` generated FunctionWorld training tasks with their references.
    public static func functionWorldTasks(count: Int, seed: Int, split: WorldSplit = .train) -> [TrainingTask] {
        FunctionWorld(seed: UInt64(seed), split: split).generate(count: count).map { TrainingTask(task: $0.task, reference: $0.completion) }
    }

    /// Every category file under `folder/data` (of `categories`), in `TaskCategory` order, with references joined by id.
    public static func loadFolder(_ folder: String, categories: [TaskCategory] = TaskCategory.pythonSyntax) throws(TrainingError) -> [TrainingTask] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .data("task source \(folder): not a folder; expected \(DataSpec.forms)")
        }
        let root = URL(fileURLWithPath: folder)
        let dataset = BFCLDataset(directory: root)
        var out: [TrainingTask] = []
        for category in TaskCategory.allCases where categories.contains(category) && FileManager.default.fileExists(atPath: dataset.promptFile(category).path) {
            let tasks: [FunctionTask]
            do { tasks = try dataset.load(category) } catch { throw .data("\(error)") }
            let references = try readReferences(root.appendingPathComponent("reference").appendingPathComponent(category.fileName))
            out += tasks.map { TrainingTask(task: $0, reference: references[$0.id]) }
        }
        guard !out.isEmpty else { throw .noTasks(source: "\(folder)/data (no BFCL_v4_<category>.json file)") }
        return out
    }

    /// `{"id", "completion"}` lines by id; an absent file is no references.
    static func readReferences(_ file: URL) throws(TrainingError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: file.path) else { return [:] }
        var out: [String: String] = [:]
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if text.allSatisfy(\.isWhitespace) { continue }
            let value: Value
            do { value = try JSON.parse(text) } catch { throw .data("\(file.path):\(i + 1): \(error)") }
            guard case .dict(let entries) = value,
                  case .string(let id)? = entries.first(where: { $0.key == .string("id") })?.value,
                  case .string(let completion)? = entries.first(where: { $0.key == .string("completion") })?.value else {
                throw .data("\(file.path):\(i + 1): expected {\"id\": string, \"completion\": string}")
            }
            out[id] = completion
        }
        return out
    }
}

/// The held-out tasks a run evaluates: `eval.tasks` of them from `data.heldOut`, none with a
/// prompt that also occurs in the training tasks. Generated FunctionWorld tasks come mixed and
/// are taken in order; a file or folder lists its tasks category by category, so `eval.tasks` of
/// them are drawn (seeded by `data.heldOutSeed`, kept in file order) rather than its first ones.
public enum EvaluationTasks {
    public static func load(_ config: TrainerConfig, excluding training: [TrainingTask],
                            log: (String) -> Void = { _ in }) throws(TrainingError) -> [FunctionTask] {
        guard config.eval.tasks > 0 else { return [] }
        let seen = Set(training.map { PromptFormat.prompt($0.task) })
        // Generate a margin so that `eval.tasks` remain after removing tasks seen in training.
        let candidates = try TaskSource.load(spec: config.data.heldOut, count: config.eval.tasks * 2, seed: config.data.heldOutSeed,
                                             split: config.data.heldOutSplit, categories: config.model.promptStyle.categories, log: log)
        let unseen = candidates.filter { !seen.contains(PromptFormat.prompt($0.task)) }.map(\.task)
        if case .functionWorld = config.data.heldOut { return Array(unseen.prefix(config.eval.tasks)) }
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: config.data.heldOutSeed))
        return rng.draw(unseen, keepingOrder: config.eval.tasks)
    }
}
