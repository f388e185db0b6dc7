import Foundation

/// What a user asked of a training run (`launcher train` or `launcher sft`), before the config
/// is resolved: the command line as values, so that a run can be started from a test as well.
public struct RunRequest: Sendable {
    /// `--config`: a YAML or JSON run config.
    public var configFile: String?
    /// `--set` and the named flags, in the order they apply.
    public var overrides: [TrainerConfig.Override] = []
    /// `--run-dir` (it is also among `overrides` as `run.runDir`); `--resume latest` searches it.
    public var runDir: String?
    /// `--resume`: a training checkpoint, or `latest` (the newest good one in `runDir`).
    public var resume: String?
    /// `--stop-after`: stop after this step with a checkpoint, as a pre-emption would.
    public var stopAfter: Int?
    /// `--overwrite`: a new run in a folder that holds an earlier run moves the earlier run's
    /// files aside (into `replaced-<timestamp>/`) instead of being refused.
    public var overwrite = false
    /// `launcher train --from-scratch`: SFT from a fresh model first (into `<run>/sft`).
    public var fromScratch = false
    /// Fault tests (hidden `--fail-on-rank R --fail-at-step S`): rank R throws at step S.
    public var injectedFault: InjectedFault?
    /// Fault tests (`EGPO_DEBUG_NAN_GRADIENT=R:S1,S2,...`): rank R's gradient is NaN at steps
    /// S1, S2, ... (1-based).
    public var nonFiniteGradients: String?
    /// Whether the run installs its SIGTERM, SIGINT and SIGUSR1 handlers (`StopRequest`); a test
    /// that runs in-process gives `pendingSignal` instead and leaves the test runner's alone.
    public var handlesSignals = true
    /// The signal this rank has received, asked between steps (every rank's answers are agreed
    /// by an all-reduce): the process's (`StopRequest.pending`), or a test's own, which stays
    /// within its run where the process-wide one would reach every run in the process.
    public var pendingSignal: @Sendable () -> Int32? = { StopRequest.pending }

    public struct InjectedFault: Sendable, Equatable {
        public var rank: Int, step: Int
        public init(rank: Int, step: Int) { self.rank = rank; self.step = step }
    }

    public init(configFile: String? = nil, overrides: [TrainerConfig.Override] = [], runDir: String? = nil, resume: String? = nil,
                stopAfter: Int? = nil, overwrite: Bool = false, fromScratch: Bool = false) {
        self.configFile = configFile
        self.overrides = overrides
        self.runDir = runDir
        self.resume = resume
        self.stopAfter = stopAfter
        self.overwrite = overwrite
        self.fromScratch = fromScratch
    }

    /// The steps of `nonFiniteGradients` that apply to `rank`.
    func nonFiniteGradientSteps(rank: Int) -> Set<Int> {
        guard let text = nonFiniteGradients, let colon = text.firstIndex(of: ":"), Int(text[..<colon]) == rank else { return [] }
        return Set(text[text.index(after: colon)...].split(separator: ",").compactMap { Int($0) })
    }

    /// Refuses flag combinations that cannot mean anything, before any file is touched.
    func validate(kind: TrainingState.Kind) throws(TrainingError) {
        if let k = stopAfter, k < 1 { throw .request("--stop-after \(k): expected a step number of at least 1") }
        if resume != nil, overwrite {
            throw .request("--resume and --overwrite: --resume continues the run in its folder, --overwrite starts a new one there; choose one")
        }
        if resume == "latest", runDir == nil { throw .request("--resume latest needs --run-dir, the run folder to search") }
        if kind == .egpo, fromScratch, resume != nil {
            throw .request("--from-scratch and --resume: a resumed EGPO run continues from its checkpoint; resume an SFT phase with launcher sft --resume")
        }
    }
}
