import Foundation

/// Why BFCL data could not be loaded: the file, the 1-based line and the problem.
public enum BFCLDatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case malformedLine(file: String, line: Int, problem: String)
    case duplicateID(file: String, line: Int, id: String)
    /// A prompt of an answered category has no possible answer with its id.
    case missingAnswer(promptFile: String, answerFile: String, id: String)
    /// A possible answer names an id that no prompt has.
    case orphanAnswer(answerFile: String, line: Int, id: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let r): "\(f): cannot read: \(r)"
        case .malformedLine(let f, let l, let p): "\(f):\(l): \(p)"
        case .duplicateID(let f, let l, let id): "\(f):\(l): id \(id) appears twice"
        case .missingAnswer(let p, let a, let id): "\(p): task \(id) has no possible answer in \(a)"
        case .orphanAnswer(let a, let l, let id): "\(a):\(l): answer \(id) matches no prompt"
        }
    }
}

/// BFCL's single-turn data in a directory laid out like `bfcl/` (`data/BFCL_v4_<category>.json`,
/// `possible_answer/BFCL_v4_<category>.json`), JSON lines joined by id.
public struct BFCLDataset: Sendable {
    /// The folder holding `data/` and `possible_answer/`.
    public var directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The BFCL copy shipped with the project (Python-syntax categories, Apache-2.0, see its NOTICE).
    public static var bundledDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("bfcl")
    }

    /// The dataset shipped with the project.
    public static var bundled: BFCLDataset { BFCLDataset(directory: bundledDirectory) }

    public func promptFile(_ category: TaskCategory) -> URL {
        directory.appendingPathComponent("data").appendingPathComponent(category.fileName)
    }

    public func answerFile(_ category: TaskCategory) -> URL {
        directory.appendingPathComponent("possible_answer").appendingPathComponent(category.fileName)
    }

    /// All tasks of one category, in file order, with their ground truth joined by id.
    public func load(_ category: TaskCategory) throws(BFCLDatasetError) -> [FunctionTask] {
        try Self.load(promptFile: promptFile(category), answerFile: category.hasPossibleAnswers ? answerFile(category) : nil,
                      category: category)
    }

    /// Tasks of several categories, in the order given (by default the Python-syntax ones, which
    /// the project's own formats, data preparation and training use).
    public func load(_ categories: [TaskCategory] = TaskCategory.pythonSyntax) throws(BFCLDatasetError) -> [FunctionTask] {
        var all: [FunctionTask] = []
        for c in categories { all += try load(c) }
        return all
    }

    /// Each task's `function` list exactly as the prompt file holds it (key order, unknown keys and
    /// all), by id: what BFCL serialises into its system prompt.
    public func functionDocuments(_ category: TaskCategory) throws(BFCLDatasetError) -> [(id: String, docs: [Value])] {
        var out: [(id: String, docs: [Value])] = []
        try Self.forEachLine(promptFile(category)) { (line, value) throws(BFCLDatasetError) in
            guard case .string(let id)? = value["id"] else { throw .malformedLine(file: promptFile(category).path, line: line, problem: "no string \"id\"") }
            if case .list(let docs)? = value["function"] { out.append((id, docs)) } else { out.append((id, [])) }
        }
        return out
    }

    /// Loads a prompt file and, when given, its possible-answer file (for synthetic data too).
    /// - Parameters:
    ///   - category: the category of every task, or nil to derive each from its id as BFCL does.
    public static func load(promptFile: URL, answerFile: URL?, category: TaskCategory?) throws(BFCLDatasetError) -> [FunctionTask] {
        var answers: [String: (line: Int, calls: [ExpectedCall])] = [:]
        var answerOrder: [String] = []
        if let answerFile {
            try forEachLine(answerFile) { (line, value) throws(BFCLDatasetError) in
                let file = answerFile.path
                guard case .string(let id)? = value["id"] else {
                    throw .malformedLine(file: file, line: line, problem: "no string \"id\"")
                }
                guard let truth = value["ground_truth"] else {
                    throw .malformedLine(file: file, line: line, problem: "no \"ground_truth\"")
                }
                do {
                    let calls = try BFCLFormat.expectedCalls(from: truth)
                    if answers[id] != nil { throw BFCLDatasetError.duplicateID(file: file, line: line, id: id) }
                    answers[id] = (line, calls)
                    answerOrder.append(id)
                } catch let e as BFCLFormat.EntryError {
                    throw .malformedLine(file: file, line: line, problem: e.problem)
                } catch {
                    throw error as! BFCLDatasetError
                }
            }
        }
        var tasks: [FunctionTask] = []
        var seen = Set<String>()
        try forEachLine(promptFile) { (line, value) throws(BFCLDatasetError) in
            let file = promptFile.path
            guard case .string(let id)? = value["id"] else {
                throw .malformedLine(file: file, line: line, problem: "no string \"id\"")
            }
            guard seen.insert(id).inserted else { throw .duplicateID(file: file, line: line, id: id) }
            guard let taskCategory = category ?? TaskCategory(taskID: id) else {
                throw .malformedLine(file: file, line: line, problem: "id \(id) names no BFCL single-turn category")
            }
            guard let question = value["question"] else {
                throw .malformedLine(file: file, line: line, problem: "no \"question\"")
            }
            do {
                let messages = try BFCLFormat.messages(from: question)
                var functions: [FunctionSchema] = []
                if let docs = value["function"] {
                    guard case .list(let list) = docs else { throw BFCLFormat.EntryError("\"function\" is not a list") }
                    for d in list { functions.append(try BFCLFormat.functionSchema(from: d)) }
                }
                var truth: [ExpectedCall]?
                if answerFile != nil && taskCategory.hasPossibleAnswers {
                    guard let a = answers[id] else {
                        throw BFCLDatasetError.missingAnswer(promptFile: file, answerFile: answerFile!.path, id: id)
                    }
                    truth = a.calls
                }
                try validate(functions: functions, truth: truth, language: taskCategory.language)
                tasks.append(FunctionTask(id: id, category: taskCategory, messages: messages, functions: functions, groundTruth: truth))
            } catch let e as BFCLFormat.EntryError {
                throw .malformedLine(file: file, line: line, problem: e.problem)
            } catch {
                throw error as! BFCLDatasetError
            }
        }
        if let answerFile, answers.count > 0 {
            for id in answerOrder where !seen.contains(id) {
                throw .orphanAnswer(answerFile: answerFile.path, line: answers[id]!.line, id: id)
            }
        }
        return tasks
    }

    /// Calls `body` with each non-blank line's 1-based number and parsed JSON.
    static func forEachLine(_ url: URL, _ body: (Int, Value) throws(BFCLDatasetError) -> Void) throws(BFCLDatasetError) {
        let data: Data
        do {
            data = try InputFile.read(url.path)
        } catch {
            throw .unreadable(file: url.path, reason: error.problem)
        }
        try forEachJSONLine(data, file: url.path, body)
    }

    /// Splits JSON-lines bytes and parses each non-blank line.
    static func forEachJSONLine(_ data: Data, file: String, _ body: (Int, Value) throws(BFCLDatasetError) -> Void) throws(BFCLDatasetError) {
        let bytes = [UInt8](data)
        try bytes.withUnsafeBufferPointer { (buffer) throws(BFCLDatasetError) in
            var start = 0
            var line = 0
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                line += 1
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<end])
                start = end + 1
                if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let value: Value
                do {
                    value = try JSON.parse(bytes: slice)
                } catch {
                    throw .malformedLine(file: file, line: line, problem: "\(error)")
                }
                guard case .dict = value else { throw .malformedLine(file: file, line: line, problem: "the line is not a JSON object") }
                try body(line, value)
            }
        }
    }
}
