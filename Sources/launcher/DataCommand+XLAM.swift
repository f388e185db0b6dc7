import ArgumentParser
import Foundation
import FunctionCalling

extension DataCommand {
    /// `launcher data xlam`: xLAM records into BFCL's layout, through DataPrep's stage 1.
    struct XLAM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "xlam",
            abstract: "Convert xlam-function-calling-60k records to BFCL's layout, dropping those the stage-1 rules reject.",
            discussion: """
            --file is JSON lines or a JSON array of {"id", "query", "tools", "answers"} records (tools and \
            answers are JSON strings; parameter types in Python spelling). Each record becomes a task of the \
            category its shape has (simple_python, multiple, parallel, parallel_multiple; irrelevance for an \
            empty answer), with the answer as its possible answer. Prints the counts per category and per \
            stage-1 reason; with --out, writes data/, possible_answer/ and reference/ (the answer as the \
            reference completion, with an empty think block), which launcher eval, launcher data filter and \
            data.train accept. The trainer reads the file directly too: --set data.train=xlam:FILE.
            """
        )

        @Option(help: ArgumentHelp("The xLAM records (\"-\": standard input).", valueName: "file"))
        var file: String

        @Option(help: ArgumentHelp("Write the kept tasks here in BFCL's layout.", valueName: "dir"))
        var out: String?

        @Flag(help: "List every dropped and repaired task with its reasons.")
        var verbose = false

        func run() throws {
            let prepared = try XLAMDataset.prepared(file)
            print(prepared.summary(file: file))
            if verbose {
                for d in prepared.report.dropped { print("dropped \(d.task.id): " + d.findings.map(\.description).joined(separator: "; ")) }
                for r in prepared.report.repaired { print("repaired \(r.task.id): " + r.findings.map(\.description).joined(separator: "; ")) }
            }
            if let out {
                let root = URL(fileURLWithPath: out)
                let paths = try DataPrep.write(prepared.tasks, to: root)
                    + DataPrep.writeReferences(prepared.tasks, references: prepared.references, to: root)
                print("wrote \(prepared.tasks.count) tasks in \(paths.count) files under \(out)")
            }
        }
    }
}
