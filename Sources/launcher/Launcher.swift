import ArgumentParser

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
        main(NegativeNumberArguments.attach(Array(CommandLine.arguments.dropFirst())))
    }
}
