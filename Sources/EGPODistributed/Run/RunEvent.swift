/// What a run tells its user, handed to a callback on rank 0 (the library prints nothing): lines
/// to show as they are, and one report per step for the caller to format.
public enum RunEvent: Sendable {
    /// A line for the user: the resolved config, evaluations, checkpoints, the summary.
    case say(String)
    /// A step finished.
    case step(StepReport)
}

/// A step of a run's loop, as the callback sees it.
public struct StepReport: Sendable {
    public enum Phase: String, Sendable { case sft, egpo }

    public var phase: Phase
    public var progress: Progress
    /// The newest held-out accuracy measured during the run (EGPO with `eval.every`), if any.
    public var heldOutAccuracy: Double?
    /// Whether this step is one to print (`run.logEvery`, and always the last).
    public var isLogged: Bool
    /// `run.maxNonFiniteSteps`, for the line of a skipped step.
    public var maxNonFiniteSteps: Int
}

/// Receives a run's events on rank 0.
public typealias RunEvents = @Sendable (RunEvent) -> Void
