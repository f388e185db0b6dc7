import ArgumentParser

/// `launcher bench ...`: benchmarks whose figures the issues' closing notes quote.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: communication, the model, one EGPO step, and evaluation sampling.",
        subcommands: [BenchCommCommand.self, BenchModelCommand.self, BenchStepCommand.self, BenchEvalCommand.self]
    )
}
