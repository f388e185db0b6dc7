import Foundation

/// Why xLAM data could not be read: the file, the record's place and what was expected there.
public enum XLAMDatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case malformed(file: String, place: XLAMDataset.Place, problem: String)
    case duplicateID(file: String, place: XLAMDataset.Place, id: String, first: XLAMDataset.Place)
    case empty(file: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let r): "\(f): cannot read: \(r)"
        case .malformed(let f, let p, let problem): "\(f)\(p.suffix): \(problem)"
        case .duplicateID(let f, let p, let id, let first): "\(f)\(p.suffix): id \(id) appears twice (first at \(first))"
        case .empty(let f): "\(f): no records (expected JSON lines or a JSON array of {\"id\", \"query\", \"tools\", \"answers\"})"
        }
    }
}

/// The xlam-function-calling-60k format (Salesforce/xlam-function-calling-60k, APIGen,
/// arXiv:2406.18518): JSON lines or one JSON array of records
/// `{"id": int, "query": str, "tools": str, "answers": str}`, where `tools` is a JSON *string*
/// holding a list of `{"name", "description", "parameters": {name: {"type", "description",
/// "default"}}}` with Python type spellings, and `answers` a JSON string holding a list of
/// `{"name", "arguments": {...}}`.
///
/// Each record becomes a task of the project's world: one user message, the tools as BFCL
/// function docs, the answer as BFCL's possible answer (each argument's value the one accepted
/// value, an optional parameter the answer leaves out accepting omission, `""`, as BFCL's files
/// do), and the BFCL category its shape has. Records that parse go through DataPrep's stage-1
/// rules (`prepared`), so an answer that contradicts its own schema is dropped and counted.
public enum XLAMDataset {
    /// Where a record is: a 1-based line of a JSON-lines file, or a 0-based index of a JSON array.
    public enum Place: Sendable, Equatable, CustomStringConvertible {
        case line(Int)
        case index(Int)

        /// `:12` or `[3]`, to follow the file name.
        public var suffix: String {
            switch self {
            case .line(let l): ":\(l)"
            case .index(let i): "[\(i)]"
            }
        }

        public var description: String {
            switch self {
            case .line(let l): "line \(l)"
            case .index(let i): "index \(i)"
            }
        }
    }

    /// One record read into a task.
    public struct Record: Sendable, Equatable {
        /// The record's own id (`id` in the file).
        public var id: String
        public var place: Place
        public var task: FunctionTask
        /// The calls of `answers`, as written.
        public var answer: [FunctionCall]
    }

    /// The tasks that pass stage 1, their reference completions and the filter's report.
    public struct Prepared: Sendable {
        public var records: [Record]
        public var report: DataPrep.Report
        /// Kept tasks in file order (repaired where a rule applied).
        public var tasks: [FunctionTask] { report.kept }
        /// Reference completion by task id, for each kept task.
        public var references: [String: String]

        /// What was read and what the rules did, one line each (the same counts as `launcher data validate`).
        public func summary(file: String) -> String {
            var perCategory: [TaskCategory: Int] = [:]
            for r in records { perCategory[r.task.category, default: 0] += 1 }
            let categories = TaskCategory.allCases.compactMap { c in perCategory[c].map { "\(c.rawValue) \($0)" } }
            return "xlam \(file): \(records.count) records (\(categories.joined(separator: ", ")))\n" + report.summary
        }
    }

    /// Reads a file (through `InputFile`) and applies DataPrep's stage-1 rules.
    public static func prepared(_ path: String) throws(XLAMDatasetError) -> Prepared {
        prepare(try load(path))
    }

    /// Applies stage 1 to read records and renders a reference completion for each kept task.
    public static func prepare(_ records: [Record]) -> Prepared {
        let report = DataPrep.validate(records.map(\.task))
        var references: [String: String] = [:]
        for task in report.kept { references[task.id] = reference(task) }
        return Prepared(records: records, report: report, references: references)
    }

    /// The completion that earns reward 1: an empty think block (xLAM records carry no reasoning)
    /// and the ground truth as Python calls, taken from the task after stage 1 so that a repaired
    /// value (`5.0` for a float written `5`) is what the reference shows.
    public static func reference(_ task: FunctionTask) -> String {
        PromptFormat.completion(think: "", answer: PythonRenderer.python(answerCalls(task)))
    }

    /// The shortest accepted call for each expected call: the first accepted value of every
    /// argument, optional arguments the answer may leave out left out.
    static func answerCalls(_ task: FunctionTask) -> [FunctionCall] {
        (task.groundTruth ?? []).map { $0.canonicalCall(schema: task.function(named: $0.functionName), includeOptional: false) }
    }

    /// Reads every record of a file ("-": standard input).
    public static func load(_ path: String) throws(XLAMDatasetError) -> [Record] {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw .unreadable(file: path, reason: error.problem) }
        return try parse(data, file: path)
    }

    /// Reads JSON lines (CRLF or LF) or a JSON array, told apart by the first non-blank byte.
    public static func parse(_ data: Data, file: String) throws(XLAMDatasetError) -> [Record] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.first(where: { !isBlank($0) }) else { throw .empty(file: file) }
        var values: [(Place, Value)] = []
        if first == UInt8(ascii: "[") {
            let document: Value
            do {
                document = try bytes.withUnsafeBufferPointer { (b) throws(JSON.ParseError) in try JSON.parse(bytes: b) }
            } catch {
                let line = bytes.prefix(error.offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                throw .malformed(file: file, place: .line(line), problem: "\(error) (expected a JSON array of {\"id\", \"query\", \"tools\", \"answers\"})")
            }
            guard case .list(let items) = document else { throw .empty(file: file) }
            values = items.enumerated().map { (.index($0.offset), $0.element) }
        } else {
            var start = 0, line = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                line += 1
                let slice = bytes[start..<end]
                start = end + 1
                if slice.allSatisfy(isBlank) { continue }
                do {
                    let value = try Array(slice).withUnsafeBufferPointer { (b) throws(JSON.ParseError) in try JSON.parse(bytes: b) }
                    values.append((.line(line), value))
                } catch {
                    throw .malformed(file: file, place: .line(line), problem: "\(error) (expected one JSON object per line)")
                }
            }
        }
        guard !values.isEmpty else { throw .empty(file: file) }
        var records: [Record] = []
        var seen: [String: Place] = [:]
        for (place, value) in values {
            let record: Record
            do { record = try Self.record(from: value, place: place) } catch {
                throw .malformed(file: file, place: place, problem: error.problem)
            }
            if let earlier = seen[record.id] { throw .duplicateID(file: file, place: place, id: record.id, first: earlier) }
            seen[record.id] = place
            records.append(record)
        }
        return records
    }
}
