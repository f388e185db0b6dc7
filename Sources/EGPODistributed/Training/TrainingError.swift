/// A training run that cannot go on, with the values that stopped it.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// Steps `first...last` in a row had a NaN or infinite loss or gradient norm (each was
    /// skipped), reaching `run.maxNonFiniteSteps`.
    case nonFiniteSteps(first: Int, last: Int, limit: Int)
    case promptTooLong(task: String, tokens: Int, completionRoom: Int, limit: Int)
    case noTasks(source: String)
    case data(String)
    /// A training checkpoint that cannot be resumed from, and why.
    case checkpoint(path: String, problem: String)
    /// A `--resume` that cannot go ahead (a setting that must not change, a wrong kind).
    case resume(String)
    /// The run would not fit in this host's memory (the message holds the estimate).
    case memory(String)
    /// Another process holds the run folder's lock (`holder`: host, pid, start time, command).
    case locked(folder: String, holder: String)
    /// A new run (no `--resume`, no `--overwrite`) in a folder that holds another run's files.
    case folderHoldsRun(folder: String, found: [String])
    /// A request that cannot go ahead as given (a flag combination, a bad flag value).
    case request(String)

    public var description: String {
        switch self {
        case let .nonFiniteSteps(first, last, limit):
            "steps \(first)-\(last): the loss or gradient was NaN or infinite in \(last - first + 1) steps in a row "
                + "(run.maxNonFiniteSteps \(limit)); each was skipped, so the parameters are those after step \(first - 1); "
                + "lower optimizer.lr or check the data and the model, then --resume latest"
        case let .promptTooLong(task, tokens, room, limit):
            "task \(task): its prompt has \(tokens) tokens, and with \(room) completion tokens it exceeds max_position_embeddings \(limit)"
        case let .noTasks(source): "no tasks in \(source)"
        case let .data(message): message
        case let .checkpoint(path, problem): "checkpoint \(path): \(problem)"
        case let .resume(message): "resume: \(message)"
        case let .memory(message): "memory: \(message)"
        case let .locked(folder, holder):
            "run folder \(folder) is in use by another run (\(holder)); wait for it to end, or choose another --run-dir"
        case let .folderHoldsRun(folder, found):
            "run folder \(folder) already holds a run (\(found.joined(separator: ", "))); continue it with --resume latest, "
                + "move its files aside with --overwrite, or choose another --run-dir"
        case let .request(message): message
        }
    }
}
