import Foundation

extension DataPrep {
    /// A data directory that could not be read or written.
    public struct FileError: Error, CustomStringConvertible {
        public let path: String
        public let line: Int?
        public let problem: String
        public var description: String { path + (line.map { ":\($0)" } ?? "") + ": " + problem }
    }

    /// Writes tasks in BFCL's layout under `directory`: `data/BFCL_v4_<category>.json` and, for
    /// tasks with ground truth, `possible_answer/BFCL_v4_<category>.json`. Returns the paths.
    @discardableResult
    public static func write(_ tasks: [Task], to directory: URL) throws(FileError) -> [String] {
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

    /// Writes one JSON-lines file per category into `dir`, creating it.
    static func writeLines(_ files: [TaskCategory: [String]], to dir: URL) throws(FileError) -> [String] {
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: dir.path, line: nil, problem: "cannot create directory: \(error)")
        }
        var written: [String] = []
        for category in TaskCategory.allCases {
            guard let lines = files[category], !lines.isEmpty else { continue }
            let url = dir.appendingPathComponent(category.fileName)
            do {
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url, options: .atomic)
            } catch {
                throw FileError(path: url.path, line: nil, problem: "cannot write: \(error)")
            }
            written.append(url.path)
        }
        return written
    }
}
