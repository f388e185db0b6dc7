import EGPODistributed
import Foundation
import ShardedTensor

/// What every training command sets up first: the resolved config (the same on all ranks), the
/// run folder and metrics log (rank 0), and rank-0 printing.
struct RunSetup {
    let comm: MPICommunicator
    let config: TrainerConfig
    /// Set on rank 0 only.
    let folder: RunFolder?
    let log: MetricsLog?
    /// Test hook (hidden --fail-on-rank R --fail-at-step S): rank R throws at step S, to show
    /// that a failing rank ends the whole job with its name instead of hanging its peers.
    var injectedFault: (rank: Int, step: Int)? = nil

    /// Throws the injected fault when this rank and step match it.
    func checkInjectedFault(step: Int) throws {
        if let f = injectedFault, f.rank == comm.rank, f.step == step {
            throw LauncherError("injected failure at step \(step) (--fail-on-rank \(f.rank))")
        }
    }

    var isRoot: Bool { comm.rank == 0 }

    /// Resolves the config, picks the run folder on rank 0 (its name is broadcast so every rank
    /// records the same), writes `config.json` and prints the resolved config as a table.
    static func start(_ options: RunOptions, comm: MPICommunicator, stepsKey: String, purpose: TrainerConfig.Purpose,
                      title: String) throws -> RunSetup {
        var config = try TrainerConfig.resolve(file: options.config, overrides: options.resolvedOverrides(stepsKey: stepsKey),
                                               worldSize: comm.size, purpose: purpose)
        config.run.runDir = try comm.broadcast(RunFolder.path(config.run.runDir), root: 0)
        var folder: RunFolder?, log: MetricsLog?
        if comm.rank == 0 {
            let f = try RunFolder.create(config.run.runDir)
            try f.write(config.json() + "\n", to: "config.json")
            log = try MetricsLog(url: f.metricsFile)
            folder = f
            Console.out("\(title): \(comm.size) rank(s), run folder \(f.root.path)")
            Console.out("config (resolved; * = changed from the default):")
            Console.out(config.table())
        }
        return RunSetup(comm: comm, config: config, folder: folder, log: log,
                        injectedFault: options.failOnRank.map { ($0, options.failAtStep) })
    }

    /// Prints on rank 0 only.
    func say(_ line: String) {
        if isRoot { Console.out(line) }
    }
}

/// `12m05s`, `45s`.
func formatDuration(_ seconds: Double) -> String {
    let s = max(0, Int(seconds.rounded()))
    return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
}
