import Foundation
import FunctionCalling

/// Which tasks to evaluate, from `--data` (a `DataSpec`): `bfcl:CATEGORY` or `bfcl:all` (the BFCL
/// copy shipped with the project), a folder in BFCL's layout as `launcher data generate` writes it
/// (`data/BFCL_v4_<category>.json`, `possible_answer/...`), taking every category file present,
/// or `xlam:FILE`, xlam-function-calling-60k records through DataPrep's stage 1.
public struct EvalDataSpec: Sendable, Equatable {
    /// The folder holding `data/` and `possible_answer/` (for `xlam:FILE`, the file).
    public var directory: URL
    /// The categories to load, in `TaskCategory` order (for `xlam:FILE`, every category: those
    /// the file's records have are known only once it is read).
    public var categories: [TaskCategory]
    /// The xLAM file of an `xlam:FILE` spec. Its tasks are not a BFCL folder: to check result
    /// files with `launcher bfcl check`, convert it first with `launcher data xlam --out DIR`.
    public var xlamFile: String?

    public init(directory: URL, categories: [TaskCategory]) {
        self.directory = directory
        self.categories = categories
    }

    /// Reads a `--data` value. `bfcl:all` and a folder take the Python-syntax categories, and
    /// also simple_java and simple_javascript with `javaAndJavaScript` (BFCL's prompting format
    /// asks for answers in those languages; the project's own format answers in Python calls).
    public init(parsing text: String, javaAndJavaScript: Bool = false) throws(EvalError) {
        let known = javaAndJavaScript ? TaskCategory.allCases : TaskCategory.pythonSyntax
        let spec: DataSpec
        do { spec = try DataSpec(parsing: text) } catch { throw .invalidSpec(error) }
        switch spec {
        case .functionWorld:
            throw .generatedSpec(spec: text)
        case .xlam(let file):
            directory = URL(fileURLWithPath: file)
            categories = TaskCategory.allCases
            xlamFile = file
        case .bfcl(let category):
            directory = BFCLDataset.bundledDirectory
            categories = category.map { [$0] } ?? known
        case .folder(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .missingFolder(spec: text)
            }
            directory = URL(fileURLWithPath: path)
            let dataset = BFCLDataset(directory: directory)
            categories = known.filter { FileManager.default.fileExists(atPath: dataset.promptFile($0).path) }
            guard !categories.isEmpty else { throw .noBFCLFiles(spec: text) }
        }
    }

    /// The dataset the tasks come from (also what BFCL's checker needs to check the result files).
    public var dataset: BFCLDataset { BFCLDataset(directory: directory) }

    /// Each task's function docs exactly as its prompt file holds them, by id (none for xLAM).
    public func functionDocuments() throws(EvalError) -> [String: [Value]] {
        guard xlamFile == nil else { return [:] }
        var out: [String: [Value]] = [:]
        for category in categories {
            do {
                for (id, docs) in try dataset.functionDocuments(category) { out[id] = docs }
            } catch {
                throw .tasks("\(error)")
            }
        }
        return out
    }

    /// The tasks of every category in order, in file order within each.
    /// - Parameters:
    ///   - limit: at most this many tasks per category (the first ones), for quick runs.
    ///   - log: receives the stage-1 counts of an xLAM file.
    public func loadTasks(limit: Int? = nil, log: (String) -> Void = { _ in }) throws(EvalError) -> [FunctionTask] {
        var byCategory: [TaskCategory: [FunctionTask]] = [:]
        if let xlamFile {
            let prepared: XLAMDataset.Prepared
            do { prepared = try XLAMDataset.prepared(xlamFile) } catch { throw .tasks("\(error)") }
            log(prepared.summary(file: xlamFile))
            for t in prepared.tasks { byCategory[t.category, default: []].append(t) }
        } else {
            for category in categories {
                do { byCategory[category] = try dataset.load(category) } catch { throw .tasks("\(error)") }
            }
        }
        var tasks: [FunctionTask] = []
        for category in categories {
            let all = byCategory[category] ?? []
            tasks += limit.map { Array(all.prefix($0)) } ?? all
        }
        return tasks
    }
}

extension EvalDataSpec {
    /// `perCategory` tasks of each category drawn without replacement (a partial Fisher-Yates
    /// shuffle of the indices with SplitMix64 seeded by `seed` and the category's position), then
    /// put back in file order; a category with fewer tasks is kept whole. The draw depends only on
    /// the seed and the category's task count, so a rerun evaluates the same tasks.
    public static func sample(_ tasks: [FunctionTask], perCategory: Int, seed: UInt64) -> [FunctionTask] {
        var out: [FunctionTask] = []
        for (k, category) in TaskCategory.allCases.enumerated() {
            var rng = SplitMix64(seed: seed).derived(UInt64(k + 1))
            out += rng.draw(tasks.filter { $0.category == category }, keepingOrder: perCategory)
        }
        return out
    }
}
