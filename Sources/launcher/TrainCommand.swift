import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

/// `launcher train`: EGPO from the shipped SFT checkpoint (or SFT first with --from-scratch),
/// held-out evaluation before and after, and the run folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a function-calling policy with EGPO (the embedded default needs no arguments).",
        discussion: """
        With no arguments: FunctionWorld tasks are generated, EGPO starts from the SFT checkpoint \
        shipped in the repository, held-out tasks are evaluated before and after, and the run folder \
        (runs/<timestamp>/) gets config.json, metrics.jsonl, checkpoints/, eval/before and eval/after \
        (BFCL result files and scores.json), summary.md, summary.json and plot.svg. \
        Run under mpirun to spread each batch over ranks: mpirun -n 8 launcher train.
        """
    )

    @OptionGroup var options: RunOptions

    @Flag(help: "Run SFT from a fresh model first (into <run>/sft), then EGPO from its result.")
    var fromScratch = false

    func run() throws {
        var request = try options.request(stepsKey: "run.steps")
        request.fromScratch = fromScratch
        try onEveryRank { comm in
            _ = try TrainingRun.train(request, comm: comm, events: RunConsole.print)
        }
    }
}
