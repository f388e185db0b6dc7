import EGPODistributed
import Foundation
import ShardedTensor

/// What every training command sets up first: the resolved config (the same on all ranks), the
/// run folder and metrics log (rank 0), rank-0 printing, and with `--resume` the checkpoint.
struct RunSetup {
    let comm: MPICommunicator
    let config: TrainerConfig
    /// Set on rank 0 only.
    let folder: RunFolder?
    let log: MetricsLog?
    /// Test hook (hidden --fail-on-rank R --fail-at-step S): rank R throws at step S, to show
    /// that a failing rank ends the whole job with its name instead of hanging its peers.
    var injectedFault: (rank: Int, step: Int)? = nil
    /// The checkpoint a `--resume` run continues from (every rank loads it).
    var resumed: TrainingCheckpoint.Loaded? = nil
    /// The command, for messages (`launcher train`).
    var command = "launcher"
    /// `--stop-after`.
    var stopAfter: Int? = nil

    /// Fault tests: `EGPO_DEBUG_NAN_GRADIENT=R:S1,S2,...` makes rank R's gradient NaN at steps
    /// S1, S2, ... (1-based), so the run skips them (and ends after `run.maxNonFiniteSteps` in a
    /// row). Read once, at start: this rank's steps.
    var nonFiniteGradientSteps: Set<Int> = []

    func injectsNonFiniteGradient(step: Int) -> Bool { nonFiniteGradientSteps.contains(step) }

    /// This rank's steps in `EGPO_DEBUG_NAN_GRADIENT`.
    static func nonFiniteGradientSteps(rank: Int) -> Set<Int> {
        guard let text = ProcessInfo.processInfo.environment["EGPO_DEBUG_NAN_GRADIENT"],
              let colon = text.firstIndex(of: ":"), Int(text[..<colon]) == rank else { return [] }
        return Set(text[text.index(after: colon)...].split(separator: ",").compactMap { Int($0) })
    }

    /// Throws the injected fault when this rank and step match it.
    func checkInjectedFault(step: Int) throws {
        if let f = injectedFault, f.rank == comm.rank, f.step == step {
            throw LauncherError("injected failure at step \(step) (--fail-on-rank \(f.rank))")
        }
    }

    var isRoot: Bool { comm.rank == 0 }

    /// Resolves the config, picks the run folder on rank 0 (its name is broadcast so every rank
    /// records the same), writes `config.json` and prints the resolved config as a table. With
    /// `--resume`, the checkpoint's config is the base the file and overrides apply to, the run
    /// folder is the checkpoint's unless --run-dir says otherwise, and the changes are printed.
    static func start(_ options: RunOptions, comm: MPICommunicator, stepsKey: String, purpose: TrainerConfig.Purpose,
                      kind: TrainingState.Kind, title: String) throws -> RunSetup {
        StopRequest.install()
        if let k = options.stopAfter, k < 1 { throw LauncherError("--stop-after \(k): expected a step number of at least 1") }
        let overrides = try options.resolvedOverrides(stepsKey: stepsKey)
        var resumed: TrainingCheckpoint.Loaded?, skipped: [String] = []
        if let resume = options.resume {
            var path = resume
            if resume == "latest" {
                guard let dir = options.runDir else { throw LauncherError("--resume latest needs --run-dir, the run folder to search") }
                var chosen = ""
                if comm.rank == 0 {
                    let found = try RunFolder(root: URL(fileURLWithPath: dir)).latestCheckpoint()
                    chosen = found.loaded.path
                    skipped = found.skipped
                }
                path = try comm.broadcast(chosen, root: 0)
            }
            let loaded = try TrainingCheckpoint.load(path)
            guard loaded.state.kind == kind else {
                throw TrainingError.resume("\(path) was written by \(loaded.state.kind.command); resume it with \(loaded.state.kind.command) --resume")
            }
            resumed = loaded
        }
        let base = resumed?.state.config ?? TrainerConfig()
        var config = try TrainerConfig.resolve(file: options.config, overrides: overrides, base: base, worldSize: comm.size, purpose: purpose)
        if let r = resumed {
            let architecture = config.changes(from: r.state.config).filter { $0.hasPrefix("model.architecture.") }
            guard architecture.isEmpty else {
                throw TrainingError.resume("the architecture comes from the checkpoint \(r.path) and cannot change (\(architecture.joined(separator: "; ")))")
            }
            let total = kind == .sft ? config.sft.steps : config.run.steps
            guard total >= r.state.step else {
                throw TrainingError.resume("\(r.path) is at step \(r.state.step); \(stepsKey) \(total) must be at least that")
            }
        }
        config.run.runDir = try comm.broadcast(RunFolder.path(config.run.runDir), root: 0)
        var folder: RunFolder?, log: MetricsLog?
        if comm.rank == 0 {
            let f = try RunFolder.create(config.run.runDir)
            try f.write(config.json() + "\n", to: "config.json")
            log = try MetricsLog(url: f.metricsFile, history: resumed?.state.metricsLines ?? [])
            folder = f
            Console.out("\(title): \(comm.size) rank(s), run folder \(f.root.path)")
            if let r = resumed {
                for s in skipped { Console.out("resume: skipped \(s)") }
                let s = r.state
                Console.out("resume: from \(r.path), step \(s.step) (\(s.optimizerStep) optimizer updates, written at \(s.worldSize) rank(s)"
                            + (s.worldSize == comm.size ? ")" : "; now \(comm.size): the data position and global batch carry over)")
                            + "; data epoch \(s.cursor.epoch), position \(s.cursor.position)")
                let changes = config.changes(from: s.config)
                Console.out(changes.isEmpty ? "resume: no setting changed" : "resume: settings changed from the checkpoint:\n  " + changes.joined(separator: "\n  "))
            } else {
                Console.out("config (resolved; * = changed from the default):")
                Console.out(config.table())
            }
        }
        return RunSetup(comm: comm, config: config, folder: folder, log: log,
                        injectedFault: options.failOnRank.map { ($0, options.failAtStep) }, resumed: resumed, command: "launcher \(title)",
                        stopAfter: options.stopAfter, nonFiniteGradientSteps: nonFiniteGradientSteps(rank: comm.rank))
    }

    /// Refuses the run, on every rank, when the estimate for the ranks on the busiest host
    /// exceeds what that host has available; otherwise rank 0 prints the estimate in one line.
    func checkMemory(_ estimate: MemoryEstimate) throws {
        try Self.checkMemory(estimate, comm: comm, say: say)
    }

    /// `checkMemory` for commands without a run setup (`bench step`).
    static func checkMemory(_ estimate: MemoryEstimate, comm: MPICommunicator, say: (String) -> Void) throws {
        let (local, hostBytes) = try MachineMemory.hostShare(estimate, comm)
        let available = MachineMemory.availableBytes()
        // Every rank takes the same branch; the lowest rank on a host that cannot fit says why.
        var failure: TrainingError?
        do { try MachineMemory.check(estimate, ranksOnHost: local, hostBytes: hostBytes, available: available) } catch { failure = error }
        let reporter = Int(try comm.allReduce(Double(failure == nil ? comm.size : comm.rank), op: .min))
        if reporter < comm.size { throw AgreedFailure(message: failure.map { "\($0)" } ?? "", reporter: reporter) }
        let transient = estimate.parts.filter { $0.name.contains("activations") || $0.name.contains("sampler") }.reduce(0) { $0 + $1.bytes }
        say(String(format: "memory: about %.2f GB on rank 0 (%.2f GB of it activations and sampler), %.2f GB for the %d rank(s) on its host; ",
                   estimate.total / 1e9, transient / 1e9, hostBytes / 1e9, local)
            + (available.map { String(format: "%.1f GB available", $0 / 1e9) } ?? "available memory unknown"))
    }

    /// Prints on rank 0 only.
    func say(_ line: String) {
        if isRoot { Console.out(line) }
    }

    /// The loop's stop check: any rank's SIGTERM, SIGINT or SIGUSR1 stops every rank after the same step.
    func stopRequested() throws -> Int32? { try StopRequest.agreed(comm) }

    /// What to throw after the loop stopped on a signal.
    func stopped(_ outcome: TrainingLoop.Outcome) -> StoppedBySignal? {
        guard case let .stopped(step, reason) = outcome else { return nil }
        return StoppedBySignal(reason: reason, step: step, checkpoint: RunFolder(root: URL(fileURLWithPath: config.run.runDir)).checkpoint(step: step).path,
                               runDir: config.run.runDir, command: command)
    }
}

/// The optimizer's memory and update path, printed once at start (rank 0).
func sayOptimizer(_ setup: RunSetup, _ replica: PolicyReplica) {
    let m = replica.optimizerMemory
    let path: String
    switch replica.update {
    case .replicated: path = "replicated on every rank"
    case .zero1(let p): path = "ZeRO-1 over \(setup.comm.size) rank(s), gradients by \(p.rawValue)"
    }
    setup.say("optimizer: \(path); Adam state " + String(format: "%.1f MB per rank (%.1f MB replicated)", Double(m.perRank) / 1e6, Double(m.replicated) / 1e6))
}

extension RunSetup {
    /// Saves a training checkpoint (every rank takes part) and says how big and how slow it was.
    func timedSave(to url: URL?, replica: PolicyReplica, state: TrainingState, reference: Transformer?) throws {
        let start = ContinuousClock.now
        try TrainingCheckpoint.save(to: url, replica: replica, state: state, reference: reference)
        guard let url, isRoot else { return }
        let seconds = (ContinuousClock.now - start).seconds
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        Console.out("checkpoint: \(url.path) " + String(format: "(%.1f MB, %.2f s)", Double(bytes) / 1e6, seconds))
    }
}

/// `12m05s`, `45s`.
func formatDuration(_ seconds: Double) -> String {
    let s = max(0, Int(seconds.rounded()))
    return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
}

/// The line rank 0 prints for a step skipped because its loss or gradient was NaN or infinite.
func nonFiniteLine(name: String, step: Int, of total: Int, _ m: MetricsRecord, limit: Int) -> String {
    "\(name) \(step)/\(total)  skipped: the loss or gradient is NaN or infinite (loss \(m["loss"] ?? .nan), "
        + "grad norm \(m["grad_norm"] ?? .nan)); no update; the run ends after \(limit) such steps in a row (run.maxNonFiniteSteps)"
}
