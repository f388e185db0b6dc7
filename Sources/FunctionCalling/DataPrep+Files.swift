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

    /// Reads every Python-syntax category present under `directory` (BFCL's layout), joining
    /// possible answers to prompts by id. A small reader for this stage's command line and tests;
    /// the project's full loader with its checks is `BFCLDataset`.
    public static func readTasks(directory: URL) throws(FileError) -> [Task] {
        var tasks: [Task] = []
        for category in TaskCategory.allCases {
            let dataURL = directory.appendingPathComponent("data").appendingPathComponent(category.fileName)
            guard FileManager.default.fileExists(atPath: dataURL.path) else { continue }
            var answers: [String: [ExpectedCall]] = [:]
            let answerURL = directory.appendingPathComponent("possible_answer").appendingPathComponent(category.fileName)
            if category.hasPossibleAnswers, FileManager.default.fileExists(atPath: answerURL.path) {
                try forEachLine(answerURL) { (json, line) throws(FileError) in
                    guard case .string(let id)? = json["id"], let truth = json["ground_truth"] else {
                        throw FileError(path: answerURL.path, line: line, problem: "no string \"id\" or no \"ground_truth\"")
                    }
                    do { answers[id] = try BFCLFormat.expectedCalls(from: truth) } catch {
                        throw FileError(path: answerURL.path, line: line, problem: "\(error)")
                    }
                }
            }
            try forEachLine(dataURL) { (json, line) throws(FileError) in
                guard case .string(let id)? = json["id"], let question = json["question"], case .list(let docs)? = json["function"] else {
                    throw FileError(path: dataURL.path, line: line, problem: "needs \"id\", \"question\" and a \"function\" list")
                }
                do {
                    let functions = try docs.map { (d: Value) throws(BFCLFormat.EntryError) in try BFCLFormat.functionSchema(from: d) }
                    tasks.append(Task(id: id, category: category, messages: try BFCLFormat.messages(from: question),
                                      functions: functions, groundTruth: answers[id]))
                } catch {
                    throw FileError(path: dataURL.path, line: line, problem: "\(error)")
                }
            }
        }
        return tasks
    }

    static func forEachLine(_ url: URL, _ body: (Value, Int) throws(FileError) -> Void) throws(FileError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw FileError(path: url.path, line: nil, problem: "cannot read: \(error)")
        }
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            let json: Value
            do { json = try JSON.parse(String(line)) } catch {
                throw FileError(path: url.path, line: i + 1, problem: "\(error)")
            }
            try body(json, i + 1)
        }
    }
}
