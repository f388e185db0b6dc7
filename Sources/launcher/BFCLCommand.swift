import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

/// `launcher bfcl`: BFCL tools (the AST checker on result files).
struct BFCLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bfcl",
        abstract: "Berkeley Function Calling Leaderboard tools.",
        subcommands: [BFCLCheckCommand.self, BFCLScoreCommand.self]
    )
}

/// `launcher bfcl check`: BFCL's AST checker on a results file, one verdict line per input.
struct BFCLCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check model outputs with BFCL's AST rules (every single-turn category).",
        discussion: """
            Each input line is {"id": ..., "result": "<raw model output>"}; the category comes from the \
            id as BFCL derives it (cut at the last '_'); simple_java and simple_javascript outputs are \
            decoded as Java and JavaScript calls in the python format, as BFCL decodes them. Prints {"id", "result", "valid", "error_type"} \
            per line on stdout and a per-category summary on stderr.
            """
    )

    @Option(name: .long, help: "The results file (JSON lines with id and result).")
    var results: String

    @Option(name: .long, help: "A folder with data/ and possible_answer/ like BFCL's (default: the copy shipped with the project).")
    var dataDir: String?

    @Option(name: .long, help: "How the outputs write calls: python (BFCL's syntax), tool-call (<tool_call>{json}</tool_call>) or json (BFCL's JSON return format).")
    var format: String = BFCLResultsCheck.ResultFormat.python.rawValue

    func validate() throws {
        guard BFCLResultsCheck.ResultFormat(rawValue: format) != nil else {
            throw ValidationError("--format \(format.debugDescription) is not one of \(BFCLResultsCheck.ResultFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let dataDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dataDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--data-dir \(dataDir.debugDescription) is not a directory")
            }
        }
    }

    func run() throws {
        let directory = dataDir.map { URL(fileURLWithPath: $0) } ?? BFCLDataset.bundledDirectory
        var check = BFCLResultsCheck(dataset: BFCLDataset(directory: directory), format: BFCLResultsCheck.ResultFormat(rawValue: format)!)
        let outcomes = try check.check(resultsFile: URL(fileURLWithPath: results))
        var out = ""
        out.reserveCapacity(outcomes.count * 200)
        for o in outcomes {
            out += o.jsonLine
            out += "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        Console.err(BFCLResultsCheck.summary(outcomes))
    }
}

/// `launcher bfcl score`: the outcomes of `launcher eval --format bfcl` runs, checked again and
/// reported together, so that categories evaluated in separate runs get BFCL's summary scores.
struct BFCLScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Check the completions of --format bfcl evaluations again and report them together.",
        discussion: """
            Reads outcomes.jsonl files written by `launcher eval --format bfcl` (several runs, e.g. one \
            per category), checks every completion again with BFCL's decoder and checker (tasks from \
            --data-dir or the shipped copy), and writes into --out what eval writes: the result files, \
            scores.json with BFCL's summary scores over all categories, and outcomes.jsonl. A task id \
            that occurs twice is refused.
            """
    )

    @Option(name: .long, parsing: .upToNextOption, help: "outcomes.jsonl files of --format bfcl evaluations.")
    var outcomes: [String]

    @Option(name: .long, help: "Folder for the result files, scores.json and outcomes.jsonl.")
    var out: String

    @Option(name: .long, help: "A folder with data/ and possible_answer/ like BFCL's (default: the copy shipped with the project).")
    var dataDir: String?

    @Option(name: .long, help: "The format the completions were asked in: bfcl, bfcl-json or bfcl-think.")
    var format: String = "bfcl"

    func validate() throws {
        guard ["bfcl", "bfcl-json", "bfcl-think"].contains(format) else {
            throw ValidationError("--format \(format.debugDescription) is not one of bfcl, bfcl-json, bfcl-think")
        }
        guard !outcomes.isEmpty else { throw ValidationError("--outcomes names no file") }
    }

    func run() throws {
        let directory = dataDir.map { URL(fileURLWithPath: $0) } ?? BFCLDataset.bundledDirectory
        var tasks: [String: FunctionTask] = [:]
        for t in try BFCLDataset(directory: directory).load(TaskCategory.allCases) { tasks[t.id] = t }
        let returnFormat: BFCLPrompting.ReturnFormat = format == "bfcl-json" ? .json : .python
        var scored: [EvalOutcome] = []
        var seen = Set<String>()
        for file in outcomes {
            let data = try InputFile.read(file)
            for (i, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
                let old: EvalOutcome
                do { old = try JSONDecoder().decode(EvalOutcome.self, from: Data(line)) } catch {
                    throw LauncherError("\(file):\(i + 1): not an eval outcome: \(error)")
                }
                guard let task = tasks[old.id] else { throw LauncherError("\(file):\(i + 1): no task with id \(old.id.debugDescription)") }
                guard seen.insert(old.id).inserted else { throw LauncherError("\(file):\(i + 1): task \(old.id) occurs twice") }
                if old.finish == .promptTooLong { scored.append(old); continue }
                var outcome = BFCLPromptingCodec.scored(task: task, completion: old.completion, completionTokens: old.completionTokens,
                                                        stopped: old.finish == .stopped, format: returnFormat,
                                                        thinking: format == "bfcl-think")
                outcome.finish = old.finish
                scored.append(outcome)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: TaskCategory.allCases.enumerated().map { ($1, $0) })
        scored = scored.enumerated().sorted { (order[$0.element.category]!, $0.offset) < (order[$1.element.category]!, $1.offset) }.map(\.element)
        let report = EvalReport(outcomes: scored, format: format)
        let written = try EvalOutputFolder(path: out).write(scored, report: report)
        Console.out(report.table)
        Console.out("bfcl score: \(scored.count) outcomes from \(outcomes.count) file(s); wrote \(written.count) files under \(out)")
    }
}
