import Foundation
import FunctionCalling

/// Which tasks to evaluate, from `--data`: `bfcl:CATEGORY` or `bfcl:all` (the BFCL copy shipped
/// with the project), or a folder in BFCL's layout as `launcher data generate` writes it
/// (`data/BFCL_v4_<category>.json`, `possible_answer/...`), taking every category file present.
public struct EvalDataSpec: Sendable, Equatable {
    /// The folder holding `data/` and `possible_answer/`.
    public var directory: URL
    /// The categories to load, in `TaskCategory` order.
    public var categories: [TaskCategory]

    public init(directory: URL, categories: [TaskCategory]) {
        self.directory = directory
        self.categories = categories
    }

    /// Reads a `--data` value.
    public init(parsing spec: String) throws(EvalError) {
        let prefix = "bfcl:"
        if spec.hasPrefix(prefix) {
            let name = String(spec.dropFirst(prefix.count))
            directory = BFCLDataset.bundledDirectory
            if name == "all" {
                categories = TaskCategory.allCases
            } else if let category = TaskCategory(rawValue: name) {
                categories = [category]
            } else {
                throw .unknownCategory(spec: spec, name: name)
            }
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingFolder(spec: spec)
        }
        directory = URL(fileURLWithPath: spec)
        let dataset = BFCLDataset(directory: directory)
        categories = TaskCategory.allCases.filter { FileManager.default.fileExists(atPath: dataset.promptFile($0).path) }
        guard !categories.isEmpty else { throw .noBFCLFiles(spec: spec) }
    }

    /// The dataset the tasks come from (also what BFCL's checker needs to check the result files).
    public var dataset: BFCLDataset { BFCLDataset(directory: directory) }

    /// The tasks of every category in order, in file order within each.
    /// - Parameter limit: at most this many tasks per category (the first ones), for quick runs.
    public func loadTasks(limit: Int? = nil) throws(BFCLDatasetError) -> [FunctionTask] {
        var tasks: [FunctionTask] = []
        for category in categories {
            let all = try dataset.load(category)
            tasks += limit.map { Array(all.prefix($0)) } ?? all
        }
        return tasks
    }
}
