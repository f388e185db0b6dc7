import Foundation

/// Writes generated tasks in BFCL's layout: `data/BFCL_v4_<category>.json` (prompts),
/// `possible_answer/BFCL_v4_<category>.json` (ground truth; none for irrelevance, as in BFCL) and
/// `reference/BFCL_v4_<category>.json` (`{"id", "completion", "templates"}` per task, for SFT).
/// All JSON lines, one task per line, in generation order.
public enum FunctionWorldWriter {
    /// Writes `tasks` under `directory` and returns the paths written.
    @discardableResult
    public static func write(_ tasks: [FunctionWorld.Generated], to directory: URL) throws(DataPrep.FileError) -> [String] {
        var references: [TaskCategory: [String]] = [:]
        for g in tasks { references[g.task.category, default: []].append(referenceLine(g)) }
        var written = try DataPrep.write(tasks.map(\.task), to: directory)
        written += try DataPrep.writeLines(references, to: directory.appendingPathComponent("reference"))
        return written
    }

    /// The reference-completion line of a task.
    public static func referenceLine(_ g: FunctionWorld.Generated) -> String {
        JSON.serialize(.object([("id", .string(g.task.id)), ("completion", .string(g.completion)),
                                ("templates", .list(g.templateIDs.map(Value.string)))]))
    }
}
