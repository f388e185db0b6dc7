import Foundation
import FunctionCalling

/// The folder an evaluation writes (rank 0 only):
/// - `BFCL_v4_<category>_result.json` per category: `{"id": ..., "result": ...}` per task, in task
///   order, which `launcher bfcl check` (and BFCL's own checker) reads. The name is BFCL's
///   (`RESULT_FILE_PATTERN = f"{VERSION_PREFIX}_*_result.json"`, `VERSION_PREFIX = "BFCL_v4"`, in
///   gorilla's `bfcl_eval/constants/eval_config.py` and `category_mapping.py`); BFCL keeps them
///   under `result/<model>/<group>/`, here they sit flat in the folder.
/// - `scores.json`: the `EvalReport`.
/// - `outcomes.jsonl`: every `EvalOutcome`, one JSON object per line, in task order.
///
/// Each file is written atomically: Foundation's `.atomic` option writes a temporary file in the
/// same folder and renames it over the name (as `DataPrep` writes BFCL data).
public struct EvalOutputFolder: Sendable {
    public let directory: URL

    /// Checks the output path: an existing regular file, or the checkpoint itself, is refused.
    /// - Parameters:
    ///   - path: the folder (created on `write` when missing).
    ///   - checkpoint: the model file being evaluated, if any.
    public init(path: String, checkpoint: String? = nil) throws(EvalError) {
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        if let checkpoint, URL(fileURLWithPath: checkpoint).standardizedFileURL.resolvingSymlinksInPath() == url {
            throw .outputIsTheCheckpoint(path: path)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .outputIsAFile(path: path)
        }
        directory = url
    }

    /// BFCL's result file name for a category (`BFCL_v4_simple_python_result.json`).
    public static func resultFileName(_ category: TaskCategory) -> String {
        "BFCL_v4_\(category.rawValue)_result.json"
    }

    public static let scoresFileName = "scores.json"
    public static let outcomesFileName = "outcomes.jsonl"

    /// The result lines of each category present in `outcomes`, in task order.
    public static func resultLines(_ outcomes: [EvalOutcome]) -> [(category: TaskCategory, lines: [String])] {
        let grouped = Dictionary(grouping: outcomes, by: \.category)
        return TaskCategory.allCases.compactMap { c in
            grouped[c].map { (c, $0.map { JSON.serialize(.object([("id", .string($0.id)), ("result", .string($0.result))])) }) }
        }
    }

    /// Writes the result files, `scores.json` and `outcomes.jsonl`, creating the folder.
    /// - Returns: the paths written.
    @discardableResult
    public func write(_ outcomes: [EvalOutcome], report: EvalReport) throws(EvalError) -> [String] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: directory.path, reason: "\(error)")
        }
        var written: [String] = []
        for (category, lines) in Self.resultLines(outcomes) {
            written.append(try write(Data((lines.joined(separator: "\n") + "\n").utf8), name: Self.resultFileName(category)))
        }
        let scores: Data
        do { scores = try report.json() } catch { throw .cannotWrite(path: Self.scoresFileName, reason: "\(error)") }
        written.append(try write(scores, name: Self.scoresFileName))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var jsonl = Data()
        for outcome in outcomes {
            do { jsonl += try encoder.encode(outcome) } catch { throw .cannotWrite(path: Self.outcomesFileName, reason: "\(error)") }
            jsonl += Data("\n".utf8)
        }
        written.append(try write(jsonl, name: Self.outcomesFileName))
        return written
    }

    private func write(_ data: Data, name: String) throws(EvalError) -> String {
        let url = directory.appendingPathComponent(name)
        do {
            try OutputFile.write(data, to: url.path)
        } catch {
            throw .cannotWrite(path: url.path, reason: error.problem)
        }
        return url.path
    }
}
