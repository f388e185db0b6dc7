import ArgumentParser

/// `launcher bench ...`: benchmarks whose figures the issues' closing notes quote.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: communication, the model, one EGPO step, evaluation sampling, and fp32 against bf16 matrix products.",
        subcommands: [BenchCommCommand.self, BenchModelCommand.self, BenchStepCommand.self, BenchEvalCommand.self, BenchGemmCommand.self]
    )
}
