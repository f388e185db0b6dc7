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

    @Flag(help: "Start a new run in a --run-dir that holds an earlier run, moving the earlier run's files aside into replaced-<timestamp>/ (without it such a run is refused).")
    var overwrite = false

    @Option(help: .hidden) var failOnRank: Int?
    @Option(help: .hidden) var failAtStep: Int = 1

    /// The request these options make; `EGPO_DEBUG_NAN_GRADIENT` (fault tests) is read here, once.
    func request(stepsKey: String) throws -> RunRequest {
        var r = RunRequest(configFile: config, overrides: try resolvedOverrides(stepsKey: stepsKey), runDir: runDir, resume: resume,
                           stopAfter: stopAfter, overwrite: overwrite)
        r.injectedFault = failOnRank.map { RunRequest.InjectedFault(rank: $0, step: failAtStep) }
        r.nonFiniteGradients = ProcessInfo.processInfo.environment["EGPO_DEBUG_NAN_GRADIENT"]
        return r
    }

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
