import ArgumentParser
import Foundation

/// The command-line entry point: thin, it parses arguments, builds library values and runs them.
@main
struct Launcher: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launcher",
        abstract: "Sharded CPU trainer for function-calling policies with EGPO.",
        subcommands: [
            TrainCommand.self,
            SFTCommand.self,
            EvalCommand.self,
            InitCommand.self,
            ImportCommand.self,
            ExportCommand.self,
            ScoreCommand.self,
            SampleCommand.self,
            SelfTestCommand.self,
            BenchCommand.self,
            DebugAtomicWriteCommand.self,
            DebugStallCommand.self,
            CompareModelsCommand.self,
            InspectCommand.self,
            TokenizerCommand.self,
            BFCLCommand.self,
            DataCommand.self,
        ]
    )

    static func main() {
        let arguments = NegativeNumberArguments.attach(Array(CommandLine.arguments.dropFirst()))
        if let problem = ArgumentChecks.unknownHelpTopic(arguments) {
            Console.err("Error: \(problem)")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        // As ParsableCommand.main, with one more look at a parse error (ArgumentChecks).
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if let line = ArgumentChecks.unknownOption(arguments, after: error) {
                // ArgumentParser's usage lines stay; its complaint about another option goes.
                let usage = fullMessage(for: error).components(separatedBy: "\n").drop { !$0.hasPrefix("Usage:") }
                Console.err((["Error: " + line] + usage).joined(separator: "\n"))
                Foundation.exit(exitCode(for: error).rawValue)
            }
            exit(withError: error)
        }
    }
}
