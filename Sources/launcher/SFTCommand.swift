import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

/// `launcher sft`: supervised fine-tuning on reference completions, data-parallel over mpirun ranks.
struct SFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft",
        abstract: "Supervised fine-tuning on reference completions (cross-entropy on completion tokens only).",
        discussion: """
        Starts from model.checkpoint, or from a fresh model of model.architecture with a BPE tokenizer \
        learnt from the training text. Writes config.json, metrics.jsonl and checkpoints/final.h5 into \
        the run folder. Run under mpirun to split each batch over ranks.
        """
    )

    @OptionGroup var options: RunOptions

    func run() throws {
        let request = try options.request(stepsKey: "sft.steps")
        try onEveryRank { comm in
            let result = try TrainingRun.sft(request, comm: comm, events: RunConsole.print)
            if let folder = result.folder {
                let model = result.policy.model
                let what = model.adapters.map { "LoRA adapters, \($0.layout.totalCount) parameters, on the base \(result.policy.base?.path ?? "?")" }
                    ?? "\(model.config.parameterCount) parameters"
                Console.out("sft: wrote \(folder.finalCheckpoint.path) (\(what))")
            }
        }
    }
}
