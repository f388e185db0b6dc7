import Foundation
import ShardedTensor

/// What every training run sets up first, the same on every rank: the resolved config, the
/// checkpoint a `--resume` continues from, and on rank 0 the run folder, held under its lock for
/// the whole run, with its metrics log. Lines for the user go to `events` on rank 0 only.
public final class RunContext {
    public let comm: any Communicator
    public let config: TrainerConfig
    public let kind: TrainingState.Kind
    /// Rank 0 only.
    public let folder: RunFolder?
    let log: MetricsLog?
    /// Rank 0's hold on the folder; released when the run ends.
    let lock: RunLock?
    /// The checkpoint a `--resume` run continues from (every rank loads it).
    public let resumed: TrainingCheckpoint.Loaded?
    let request: RunRequest
    let events: RunEvents
    /// This rank's steps whose gradient a fault test makes NaN.
    let nonFiniteGradientSteps: Set<Int>

    /// `launcher train` or `launcher sft`, for messages.
    public var command: String { kind.command }
    public var isRoot: Bool { comm.rank == 0 }

    init(comm: any Communicator, config: TrainerConfig, kind: TrainingState.Kind, folder: RunFolder?, log: MetricsLog?, lock: RunLock?,
         resumed: TrainingCheckpoint.Loaded?, request: RunRequest, events: @escaping RunEvents) {
        self.comm = comm
        self.config = config
        self.kind = kind
        self.folder = folder
        self.log = log
        self.lock = lock
        self.resumed = resumed
        self.request = request
        self.events = events
        nonFiniteGradientSteps = request.nonFiniteGradientSteps(rank: comm.rank)
    }

    /// Resolves the config, locks the run folder (rank 0; its name is broadcast so every rank
    /// records the same), writes `config.json` and says the resolved config. With `--resume`,
    /// the checkpoint's config is the base the file and overrides apply to, the run folder is
    /// the checkpoint's unless `--run-dir` says otherwise, and the changes are said. A new run
    /// in a folder that holds an earlier run is refused unless `--overwrite` moves it aside.
    public static func start(_ request: RunRequest, kind: TrainingState.Kind, comm: any Communicator,
                             events: @escaping RunEvents) throws -> RunContext {
        if request.handlesSignals { StopRequest.install() }
        try request.validate(kind: kind)
        let say: (String) -> Void = { line in if comm.rank == 0 { events(.say(line)) } }
        var lock: RunLock?
        var resumed: TrainingCheckpoint.Loaded?, skipped: [String] = []
        if let resume = request.resume {
            var path = resume
            if resume == "latest", let dir = request.runDir {
                // Locked before anything in it is read or removed: a run still going keeps its files.
                path = try agreedOnRoot(comm) {
                    let folder = RunFolder(root: URL(fileURLWithPath: dir))
                    guard FileManager.default.fileExists(atPath: folder.checkpoints.path) else {
                        throw TrainingError.checkpoint(path: folder.checkpoints.path, problem: "no such folder: \(dir) holds no run to resume")
                    }
                    lock = try RunLock(folder: folder.root, command: kind.command)
                    let found = try folder.latestCheckpoint()
                    skipped = found.skipped
                    return found.loaded.path
                }
            }
            let loaded = try TrainingCheckpoint.load(path)
            // The history is copied into the new metrics.jsonl and read back for the summary.
            for (i, line) in loaded.state.metricsLines.enumerated() where MetricsRecord(jsonLine: line) == nil {
                throw TrainingError.checkpoint(path: path, problem: "line \(i + 1) of its metrics history is not a JSON object "
                                               + "(\(line.prefix(60).debugDescription)); the file was edited or damaged: resume from another checkpoint")
            }
            guard loaded.state.kind == kind else {
                throw TrainingError.resume("\(path) was written by \(loaded.state.kind.command); resume it with \(loaded.state.kind.command) --resume")
            }
            resumed = loaded
        }
        let purpose: TrainerConfig.Purpose = kind == .sft ? .supervised : .reinforcement
        let base = resumed?.state.config ?? TrainerConfig()
        var config = try TrainerConfig.resolve(file: request.configFile, overrides: request.overrides, base: base, worldSize: comm.size, purpose: purpose)
        if let r = resumed {
            let architecture = config.changes(from: r.state.config).filter { $0.hasPrefix("model.architecture.") }
            guard architecture.isEmpty else {
                throw TrainingError.resume("the architecture comes from the checkpoint \(r.path) and cannot change (\(architecture.joined(separator: "; ")))")
            }
            let (total, key) = kind == .sft ? (config.sft.steps, "sft.steps") : (config.run.steps, "run.steps")
            guard total >= r.state.step else {
                throw TrainingError.resume("\(r.path) is at step \(r.state.step); \(key) \(total) must be at least that")
            }
        }
        config.run.runDir = try comm.broadcast(RunFolder.path(config.run.runDir), root: 0)
        var folder: RunFolder?, log: MetricsLog?
        _ = try agreedOnRoot(comm) {
            let f = try RunFolder.create(config.run.runDir)
            // `--resume latest` locked its folder already; any other run locks the one it writes.
            if lock?.folder.standardized != f.root.standardized { lock = try RunLock(folder: f.root, command: kind.command) }
            if let reason = lock?.unprotected { say("warning: \(reason)") }
            if resumed == nil {
                let earlier = f.earlierRun()
                if !earlier.isEmpty {
                    guard request.overwrite else { throw TrainingError.folderHoldsRun(folder: f.root.path, found: earlier) }
                    let aside = try f.moveAside()
                    say("run folder: moved the earlier run (\(earlier.joined(separator: ", "))) aside into \(aside.path)")
                }
            }
            try f.write(config.json() + "\n", to: "config.json")
            log = try MetricsLog(url: f.metricsFile, history: resumed?.state.metricsLines ?? [])
            folder = f
            return ""
        }
        if let f = folder {
            say("\(kind == .sft ? "sft" : "train"): \(comm.size) rank(s), run folder \(f.root.path)")
            if let r = resumed {
                for s in skipped { say("resume: skipped \(s)") }
                let s = r.state
                say("resume: from \(r.path), step \(s.step) (\(s.optimizerStep) optimizer updates, written at \(s.worldSize) rank(s)"
                    + (s.worldSize == comm.size ? ")" : "; now \(comm.size): the data position and global batch carry over)")
                    + "; data epoch \(s.cursor.epoch), position \(s.cursor.position)")
                let changes = config.changes(from: s.config)
                say(changes.isEmpty ? "resume: no setting changed" : "resume: settings changed from the checkpoint:\n  " + changes.joined(separator: "\n  "))
            } else {
                say("config (resolved; * = changed from the default):")
                say(config.table())
            }
        }
        return RunContext(comm: comm, config: config, kind: kind, folder: folder, log: log, lock: lock, resumed: resumed,
                          request: request, events: events)
    }

    /// A context for a phase of this run in a sub-folder (`train --from-scratch`'s SFT in
    /// `<run>/sft`), under the same lock.
    func subRun(folderName: String, kind: TrainingState.Kind, config: TrainerConfig) throws -> RunContext {
        var folder: RunFolder?, log: MetricsLog?
        if let root = self.folder?.root {
            let f = try RunFolder.create(root.appendingPathComponent(folderName).path)
            log = try MetricsLog(url: f.metricsFile)
            folder = f
        }
        return RunContext(comm: comm, config: config, kind: kind, folder: folder, log: log, lock: nil, resumed: nil,
                          request: request, events: events)
    }

    /// Ends the run's hold on its folder.
    func finish() { lock?.release() }

    /// Says `line` (rank 0 only).
    func say(_ line: String) {
        if isRoot { events(.say(line)) }
    }

    /// Refuses the run, on every rank, when the estimate for the ranks on the busiest host
    /// exceeds what that host has available; otherwise rank 0 says the estimate in one line.
    func checkMemory(_ estimate: MemoryEstimate) throws {
        try MachineMemory.agreedCheck(estimate, comm: comm, say: say)
    }

    /// Throws the injected fault when this rank and step match it (fault tests).
    func checkInjectedFault(step: Int) throws {
        if let f = request.injectedFault, f.rank == comm.rank, f.step == step {
            throw TrainingError.request("injected failure at step \(step) (--fail-on-rank \(f.rank))")
        }
    }

    /// The loop's stop check: any rank's SIGTERM, SIGINT or SIGUSR1 stops every rank after the same step.
    func stopRequested() throws -> Int32? { try StopRequest.agreed(comm, pending: request.pendingSignal()) }

    /// What to throw after the loop stopped on a signal.
    func stopped(_ outcome: TrainingLoop.Outcome) -> StoppedBySignal? {
        guard case let .stopped(step, reason) = outcome else { return nil }
        return StoppedBySignal(reason: reason, step: step, checkpoint: RunFolder(root: URL(fileURLWithPath: config.run.runDir)).checkpoint(step: step).path,
                               runDir: config.run.runDir, command: command)
    }

    /// The loop shared by both phases, with this run's settings, folder, log and stop check.
    func loop(steps: Int, onProgress: @escaping (Progress) -> Void) -> TrainingLoop {
        TrainingLoop(steps: steps, saveEvery: config.run.saveEvery, keepCheckpoints: config.run.keepCheckpoints, stopAfter: request.stopAfter,
                     maxNonFiniteSteps: config.run.maxNonFiniteSteps, folder: folder, log: log, stopRequested: stopRequested,
                     onProgress: onProgress)
    }

    /// Reports a step to the user (rank 0).
    func report(_ phase: StepReport.Phase, _ p: Progress, heldOutAccuracy: Double? = nil) {
        guard isRoot else { return }
        events(.step(StepReport(phase: phase, progress: p, heldOutAccuracy: heldOutAccuracy,
                                isLogged: p.step % config.run.logEvery == 0 || p.step == p.totalSteps,
                                maxNonFiniteSteps: config.run.maxNonFiniteSteps)))
    }

    /// Prepares this rank's replica for a step: the fault hooks of `step` (1-based).
    func prepare(step: Int, replica: PolicyReplica) throws {
        try checkInjectedFault(step: step)
        replica.injectNonFiniteGradient = nonFiniteGradientSteps.contains(step)
    }

    /// Saves a training checkpoint (every rank takes part) and says how big and how slow it was.
    func timedSave(to url: URL?, replica: PolicyReplica, state: TrainingState, reference: Transformer?) throws {
        let start = ContinuousClock.now
        try TrainingCheckpoint.save(to: url, replica: replica, state: state, reference: reference)
        guard let url, isRoot else { return }
        let seconds = (ContinuousClock.now - start).seconds
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        say("checkpoint: \(url.path) " + String(format: "(%.1f MB, %.2f s)", Double(bytes) / 1e6, seconds))
    }

    /// The optimizer's memory and update path, said once at start.
    func sayOptimizer(_ replica: PolicyReplica) {
        let m = replica.optimizerMemory
        let path: String
        switch replica.update {
        case .replicated: path = "replicated on every rank"
        case .zero1(let p): path = "ZeRO-1 over \(comm.size) rank(s), gradients by \(p.rawValue)"
        }
        say("optimizer: \(path); Adam state " + String(format: "%.1f MB per rank (%.1f MB replicated)", Double(m.perRank) / 1e6, Double(m.replicated) / 1e6))
    }
}

/// Runs `body` on rank 0 and tells every rank its result: the string it returned, or its
/// failure, which every rank then throws (rank 0 the error itself on a single rank; otherwise an
/// `AgreedFailure` that rank 0 reports), so no rank waits in a collective for a peer that failed.
func agreedOnRoot(_ comm: any Communicator, _ body: () throws -> String) throws -> String {
    var outcome = "ok:", failure: (any Error)?
    if comm.rank == 0 {
        do { outcome = "ok:" + (try body()) } catch {
            failure = error
            outcome = "error:\(error)"
        }
    }
    if comm.size == 1, let failure { throw failure }
    outcome = try comm.broadcast(outcome, root: 0)
    if outcome.hasPrefix("error:") { throw AgreedFailure(message: String(outcome.dropFirst(6)), reporter: 0) }
    return String(outcome.dropFirst(3))
}
