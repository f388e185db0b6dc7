import ArgumentParser
import Foundation
import FunctionCalling

/// `launcher bfcl`: BFCL tools (the AST checker on result files).
struct BFCLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bfcl",
        abstract: "Berkeley Function Calling Leaderboard tools.",
        subcommands: [BFCLCheckCommand.self]
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
