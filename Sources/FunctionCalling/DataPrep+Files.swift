import Foundation

extension DataPrep {
    /// A data directory that could not be written.
    public enum FileError: Error, CustomStringConvertible {
        case cannotCreateDirectory(path: String, reason: String)
        case cannotWrite(path: String, reason: String)

        public var description: String {
            switch self {
            case .cannotCreateDirectory(let path, let reason): "cannot create directory \(path): \(reason)"
            case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
            }
        }
    }

    /// Writes tasks in BFCL's layout under `directory`: `data/BFCL_v4_<category>.json` and, for
    /// tasks with ground truth, `possible_answer/BFCL_v4_<category>.json`. Returns the paths.
    @discardableResult
    public static func write(_ tasks: [FunctionTask], to directory: URL) throws(FileError) -> [String] {
        var prompts: [TaskCategory: [String]] = [:]
        var answers: [TaskCategory: [String]] = [:]
        for t in tasks {
            prompts[t.category, default: []].append(BFCLFormat.promptLine(t))
            if let a = BFCLFormat.possibleAnswerLine(t) { answers[t.category, default: []].append(a) }
        }
        var written = try writeLines(prompts, to: directory.appendingPathComponent("data"))
        written += try writeLines(answers, to: directory.appendingPathComponent("possible_answer"))
        return written
    }

    /// Writes `reference/BFCL_v4_<category>.json` under `directory`: `{"id", "completion"}` per
    /// task that has a reference completion (`references` by task id), in task order.
    @discardableResult
    public static func writeReferences(_ tasks: [FunctionTask], references: [String: String], to directory: URL) throws(FileError) -> [String] {
        var lines: [TaskCategory: [String]] = [:]
        for t in tasks {
            guard let r = references[t.id] else { continue }
            lines[t.category, default: []].append(JSON.serialize(.object([("id", .string(t.id)), ("completion", .string(r))])))
        }
        return try writeLines(lines, to: directory.appendingPathComponent("reference"))
    }

    /// Writes one JSON-lines file per category into `dir`, creating it.
    static func writeLines(_ files: [TaskCategory: [String]], to dir: URL) throws(FileError) -> [String] {
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: dir.path, reason: "\(error)")
        }
        var written: [String] = []
        for category in TaskCategory.allCases {
            guard let lines = files[category], !lines.isEmpty else { continue }
            let url = dir.appendingPathComponent(category.fileName)
            do {
                try OutputFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: url.path)
            } catch {
                throw .cannotWrite(path: url.path, reason: error.problem)
            }
            written.append(url.path)
        }
        return written
    }
}
