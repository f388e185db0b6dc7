import Foundation
import ShardedTensor

/// Where a loop is, handed to a callback after every step (rank 0 prints it; the loop does not).
public struct Progress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var metrics: MetricsRecord
    /// Seconds since the loop started (this process; a resumed run counts from its resume).
    public var elapsed: Double
    /// The step the loop started from (0, or a resumed checkpoint's).
    public var firstStep: Int = 0

    /// Seconds left at the mean pace so far.
    public var eta: Double { step <= firstStep ? 0 : elapsed / Double(step - firstStep) * Double(totalSteps - step) }
}

/// The step loop shared by SFT and EGPO: run a step, log its metrics (rank 0), report progress,
/// save a training checkpoint every `saveEvery` steps and at the end, keep the newest
/// `keepCheckpoints`, and stop early (with a checkpoint) when `shouldStop` says so. A step whose
/// loss or gradient was NaN or infinite changed nothing (the optimizer skipped it and the record
/// says `skipped_nonfinite: 1`); `maxNonFiniteSteps` of them in a row end the run with an error,
/// keeping the checkpoints already written.
public struct TrainingLoop {
    /// How a loop ended.
    public enum Outcome: Equatable, Sendable {
        case finished
        /// Stopped on request (SIGTERM, SIGINT, or a planned stop) after this many steps, with a
        /// checkpoint saved.
        case stopped(afterStep: Int, reason: String)
    }

    public var steps: Int
    public var saveEvery: Int
    public var keepCheckpoints: Int
    /// Stop (with a checkpoint) after this step, as a pre-emption would, leaving the plan of
    /// `steps` unchanged, so a resume continues the same run (`--stop-after`).
    public var stopAfter: Int?
    public var folder: RunFolder?
    public var log: MetricsLog?
    public var onProgress: (Progress) -> Void
    /// Asked after every step on every rank; must give every rank the same answer (a collective).
    public var stopRequested: () throws -> Int32?
    /// Skipped (non-finite) steps in a row that end the run (`run.maxNonFiniteSteps`).
    public var maxNonFiniteSteps: Int

    public init(steps: Int, saveEvery: Int, keepCheckpoints: Int = 0, stopAfter: Int? = nil, maxNonFiniteSteps: Int = 5,
                folder: RunFolder?, log: MetricsLog?,
                stopRequested: @escaping () throws -> Int32? = { nil }, onProgress: @escaping (Progress) -> Void) {
        self.maxNonFiniteSteps = maxNonFiniteSteps
        self.stopAfter = stopAfter
        self.steps = steps
        self.saveEvery = saveEvery
        self.keepCheckpoints = keepCheckpoints
        self.folder = folder
        self.log = log
        self.stopRequested = stopRequested
        self.onProgress = onProgress
    }

    /// Runs steps `firstStep ..< steps` of `step` (0-based). `save(stepsDone, url)` is called on
    /// every rank (a checkpoint may gather state), with the file to write on rank 0 and nil elsewhere.
    @discardableResult
    public func run(from firstStep: Int = 0, _ step: (Int) throws -> MetricsRecord,
                    save: (_ stepsDone: Int, _ url: URL?) throws -> Void) throws -> Outcome {
        let start = ContinuousClock.now
        var nonFiniteRun = 0
        for s in firstStep..<max(firstStep, steps) {
            let record = try step(s)
            try log?.append(record)
            onProgress(Progress(step: s + 1, totalSteps: steps, metrics: record, elapsed: (ContinuousClock.now - start).seconds,
                                firstStep: firstStep))
            // Every rank has the same record (global loss and gradient norm), so all stop together.
            nonFiniteRun = record.isNonFinite ? nonFiniteRun + 1 : 0
            if nonFiniteRun >= maxNonFiniteSteps {
                throw TrainingError.nonFiniteSteps(first: s + 2 - nonFiniteRun, last: s + 1, limit: maxNonFiniteSteps)
            }
            let signal = try stopRequested()
            if signal != nil || (s + 1 == stopAfter && s + 1 < steps) {
                try save(s + 1, folder?.checkpoint(step: s + 1))
                try folder?.pruneCheckpoints(keep: keepCheckpoints)
                return .stopped(afterStep: s + 1, reason: signal.map(StopRequest.name) ?? "--stop-after")
            }
            if saveEvery > 0, (s + 1) % saveEvery == 0, s + 1 < steps {
                try save(s + 1, folder?.checkpoint(step: s + 1))
                try folder?.pruneCheckpoints(keep: keepCheckpoints)
            }
        }
        try save(max(firstStep, steps), folder?.finalCheckpoint)
        return .finished
    }
}
