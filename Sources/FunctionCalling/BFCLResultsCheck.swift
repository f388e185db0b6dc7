import Foundation

/// The core of `launcher bfcl check`: read BFCL result lines (`{"id", "result"}`), check each
/// against its task (category from the id, as BFCL derives it), and report verdicts.
public struct BFCLResultsCheck {
    /// One checked result.
    public struct Outcome: Sendable, Equatable {
        public var id: String
        public var result: String
        public var category: TaskCategory
        public var verdict: CheckResult

        /// `{"id", "result", "valid", "error_type"}` as one JSON line.
        public var jsonLine: String {
            JSON.serialize(.object([("id", .string(id)), ("result", .string(result)), ("valid", .bool(verdict.valid)),
                                    ("error_type", .string(verdict.errorTypeString))]))
        }
    }

    /// A results line that cannot be checked.
    public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
        case badLine(file: String, line: Int, problem: String)
        case dataset(BFCLDatasetError)

        public var description: String {
            switch self {
            case .badLine(let f, let l, let p): "\(f):\(l): \(p)"
            case .dataset(let e): "\(e)"
            }
        }
    }

    /// How the results write their calls.
    public enum ResultFormat: String, Sendable, CaseIterable {
        /// BFCL's Python-call syntax, decoded as BFCL does (§2.1–2.2).
        case python
        /// The project's `<tool_call>{json}</tool_call>` form.
        case toolCall = "tool-call"
        /// BFCL's JSON return format (§2.3), `[{"function": ..., "parameters": {...}}]`.
        case json
    }

    public let dataset: BFCLDataset
    public var checker: ASTChecker
    public var format: ResultFormat
    private var tasks: [String: FunctionTask] = [:]
    private var loaded: Set<TaskCategory> = []

    public init(dataset: BFCLDataset, checker: ASTChecker = ASTChecker(), format: ResultFormat = .python) {
        self.dataset = dataset
        self.checker = checker
        self.format = format
    }

    /// The task with this id, loading its category on first use.
    public mutating func task(id: String, file: String, line: Int) throws(InputError) -> FunctionTask {
        guard let category = TaskCategory(taskID: id) else {
            throw .badLine(file: file, line: line, problem: "id \(id.debugDescription) is not of a BFCL single-turn category (got category \(TaskCategory.name(fromID: id).debugDescription))")
        }
        if !loaded.contains(category) {
            do {
                for t in try dataset.load(category) { tasks[t.id] = t }
            } catch {
                throw .dataset(error)
            }
            loaded.insert(category)
        }
        guard let task = tasks[id] else { throw .badLine(file: file, line: line, problem: "no task with id \(id.debugDescription) in \(category.fileName)") }
        return task
    }

    /// Checks one raw output against a task, in this check's output format.
    public func verdict(result: String, task: FunctionTask) -> CheckResult {
        switch format {
        case .python:
            return checker.check(rawOutput: result, task: task)
        case .json:
            return checker.check(rawOutput: result, task: task, returnFormat: .json)
        case .toolCall:
            do {
                return checker.check(calls: try ToolCallDecoder.decode(result), task: task)
            } catch {
                let route = task.category.route
                if route == .irrelevance { return .pass }
                if route == .relevance { return .fail(.relevanceDecoderFailed, "\(error)") }
                return .fail(.decoderFailed, "\(error)")
            }
        }
    }

    /// Checks every line of a results file's contents.
    public mutating func check(contents data: Data, file: String) throws(InputError) -> [Outcome] {
        var outcomes: [Outcome] = []
        do throws(BFCLDatasetError) {
            try BFCLDataset.forEachJSONLine(data, file: file) { (line, value) throws(BFCLDatasetError) in
                guard case .string(let id)? = value["id"] else {
                    throw .malformedLine(file: file, line: line, problem: "no string \"id\"")
                }
                guard case .string(let result)? = value["result"] else {
                    throw .malformedLine(file: file, line: line, problem: "no string \"result\" (the raw model output)")
                }
                let task: FunctionTask
                do throws(InputError) {
                    task = try self.task(id: id, file: file, line: line)
                } catch {
                    switch error {
                    case .badLine(_, _, let problem): throw .malformedLine(file: file, line: line, problem: problem)
                    case .dataset(let e): throw e
                    }
                }
                outcomes.append(Outcome(id: id, result: result, category: task.category, verdict: verdict(result: result, task: task)))
            }
        } catch {
            if case .malformedLine(let f, let l, let p) = error { throw .badLine(file: f, line: l, problem: p) }
            throw .dataset(error)
        }
        return outcomes
    }

    /// Checks a results file.
    public mutating func check(resultsFile url: URL) throws(InputError) -> [Outcome] {
        let data: Data
        do { data = try InputFile.read(url.path) } catch {
            throw .badLine(file: url.path, line: 0, problem: error.problem)
        }
        return try check(contents: data, file: url.path)
    }

    /// Per-category counts and accuracy, one line per category plus a total.
    public static func summary(_ outcomes: [Outcome]) -> String {
        var counts: [TaskCategory: (valid: Int, total: Int)] = [:]
        for o in outcomes {
            var c = counts[o.category] ?? (0, 0)
            c.total += 1
            if o.verdict.valid { c.valid += 1 }
            counts[o.category] = c
        }
        var lines: [String] = []
        func row(_ name: String, _ v: Int, _ t: Int) -> String {
            let pct = t > 0 ? Double(v) * 100 / Double(t) : 0
            return name.padding(toLength: 24, withPad: " ", startingAt: 0) + "\(v)/\(t)  " + String(format: "%.2f%%", pct)
        }
        for c in TaskCategory.allCases { if let n = counts[c] { lines.append(row(c.rawValue, n.valid, n.total)) } }
        let valid = outcomes.filter { $0.verdict.valid }.count
        lines.append(row("total", valid, outcomes.count))
        return lines.joined(separator: "\n")
    }
}
