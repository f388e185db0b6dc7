import Foundation
import ShardedTensor

/// Where a loop is, handed to a callback after every step (rank 0 prints it; the loop does not).
public struct Progress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var metrics: MetricsRecord
    /// Seconds since the loop started.
    public var elapsed: Double

    /// Seconds left at the mean pace so far.
    public var eta: Double { step == 0 ? 0 : elapsed / Double(step) * Double(totalSteps - step) }
}

/// The step loop shared by SFT and EGPO: run a step, log its metrics (rank 0), report progress,
/// and save a model file every `saveEvery` steps and at the end.
public struct TrainingLoop {
    public var steps: Int
    public var saveEvery: Int
    public var folder: RunFolder?
    public var log: MetricsLog?
    public var onProgress: (Progress) -> Void

    public init(steps: Int, saveEvery: Int, folder: RunFolder?, log: MetricsLog?, onProgress: @escaping (Progress) -> Void) {
        self.steps = steps
        self.saveEvery = saveEvery
        self.folder = folder
        self.log = log
        self.onProgress = onProgress
    }

    /// Runs `steps` calls of `step` (0-based), then writes `final.h5` through `save` (rank 0 only:
    /// `save` is called where `folder` is set).
    public func run(_ step: (Int) throws -> MetricsRecord, save: (URL) throws -> Void) throws {
        let start = ContinuousClock.now
        for s in 0..<steps {
            let record = try step(s)
            try log?.append(record)
            onProgress(Progress(step: s + 1, totalSteps: steps, metrics: record, elapsed: (ContinuousClock.now - start).seconds))
            if let folder, saveEvery > 0, (s + 1) % saveEvery == 0, s + 1 < steps {
                try save(folder.checkpoint(step: s + 1))
            }
        }
        if let folder { try save(folder.finalCheckpoint) }
    }
}
