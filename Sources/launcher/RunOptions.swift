import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling
import ShardedTensor

/// Options every training command takes: the config file, the run folder and common overrides.
struct RunOptions: ParsableArguments {
    @Option(help: "Run config, YAML or JSON (sections run, data, model, rollout, egpo, optimizer, sft, eval); defaults apply to what it leaves out.")
    var config: String?

    @Option(help: "Run folder (default: runs/<UTC timestamp>).")
    var runDir: String?

    @Option(help: "Steps: rollout batches for train (run.steps; egpo.mu optimizer updates each), batches for sft (sft.steps).")
    var steps: Int?

    @Option(help: "Save a checkpoint every N steps (run.saveEvery; 0: only final.h5).")
    var saveEvery: Int?

    @Option(help: "Seed of sampling, data order and initialisation (run.seed).")
    var seed: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override any config field, e.g. --set egpo.lambda=0 --set rollout.groupSize=4 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: ArgumentHelp("Continue from a training checkpoint: a file, or `latest` (the newest good one in --run-dir). The architecture comes from the checkpoint; other settings from it, then from --config and --set.", valueName: "checkpoint|latest"))
    var resume: String?

    @Option(help: ArgumentHelp("Stop after this step with a checkpoint, as a pre-emption would; the run's plan (--steps, the schedule) is unchanged, so --resume continues it.", valueName: "step"))
    var stopAfter: Int?

    @Option(help: .hidden) var failOnRank: Int?
    @Option(help: .hidden) var failAtStep: Int = 1

    /// The overrides in the order they apply: --set values, then the named flags.
    func resolvedOverrides(stepsKey: String) throws -> [TrainerConfig.Override] {
        var out = try overrides.map { try TrainerConfig.Override(parsing: $0) }
        if let runDir { out.append(.init(key: "run.runDir", value: JSON.quoted(runDir))) }
        if let steps { out.append(.init(key: stepsKey, value: "\(steps)")) }
        if let saveEvery { out.append(.init(key: "run.saveEvery", value: "\(saveEvery)")) }
        if let seed { out.append(.init(key: "run.seed", value: "\(seed)")) }
        return out
    }
}

/// Runs `body` on every rank of the job. A failure on any rank is printed by that rank, naming
/// itself, and ends the whole job through the communicator's abort, so no peer hangs in its next
/// collective. On a single rank the error is simply thrown.
func onEveryRank(_ body: (MPICommunicator) throws -> Void) throws {
    let comm = try MPICommunicator.world()
    do {
        try body(comm)
    } catch let stopped as StoppedBySignal {
        // Every rank agreed to stop (a collective), saved, and leaves cleanly.
        if comm.rank == 0 { Console.out(stopped.description) }
    } catch let agreed as AgreedFailure {
        // Every rank knows; one says why, and the job ends without N copies of the message.
        guard comm.size > 1 else { throw agreed }
        if comm.rank == agreed.reporter { Console.err("rank \(comm.rank) of \(comm.size) on \(comm.processorName) failed: \(agreed.message)") }
        comm.abort(errorCode: 1)
    } catch {
        guard comm.size > 1 else { throw error }
        if let exit = error as? ExitCode, exit == .success { return }
        Console.err("rank \(comm.rank) of \(comm.size) on \(comm.processorName) failed: \(error)")
        comm.abort(errorCode: 1)
    }
}

/// A failure every rank has agreed on (a collective decided it): thrown on all ranks, printed
/// by `reporter` only, the lowest rank that found it.
struct AgreedFailure: Error, CustomStringConvertible {
    var message: String
    var reporter: Int
    var description: String { message }
}

/// A run that stopped on SIGTERM, SIGINT or SIGUSR1 after saving a checkpoint: not a failure.
struct StoppedBySignal: Error, CustomStringConvertible {
    var reason: String
    var step: Int
    var checkpoint: String
    var runDir: String
    var command: String

    var description: String {
        "\(command): stopped by \(reason) after step \(step); saved \(checkpoint). Continue with: \(command) --resume latest --run-dir \(runDir)"
    }
}
