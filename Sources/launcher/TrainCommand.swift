import ArgumentParser

/// `launcher train`: the whole pipeline on the embedded default (not built yet).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a policy with SFT warm-up and EGPO (not built yet)."
    )

    func run() throws {
        throw LauncherError("the EGPO trainer is not built yet: `launcher train` will run SFT warm-up, EGPO and evaluation once it lands")
    }
}
