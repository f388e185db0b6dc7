/// A training run that cannot go on, with the values that stopped it.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case nonFiniteGradient(step: Int, norm: Double)
    case nonFiniteLoss(step: Int, value: Double)
    case promptTooLong(task: String, tokens: Int, completionRoom: Int, limit: Int)
    case noTasks(source: String)
    case data(String)
    /// A training checkpoint that cannot be resumed from, and why.
    case checkpoint(path: String, problem: String)
    /// A `--resume` that cannot go ahead (a setting that must not change, a wrong kind).
    case resume(String)

    public var description: String {
        switch self {
        case let .nonFiniteGradient(step, norm): "step \(step): the gradient norm is \(norm); the update was not applied"
        case let .nonFiniteLoss(step, value): "step \(step): the loss is \(value)"
        case let .promptTooLong(task, tokens, room, limit):
            "task \(task): its prompt has \(tokens) tokens, and with \(room) completion tokens it exceeds max_position_embeddings \(limit)"
        case let .noTasks(source): "no tasks in \(source)"
        case let .data(message): message
        case let .checkpoint(path, problem): "checkpoint \(path): \(problem)"
        case let .resume(message): "resume: \(message)"
        }
    }
}
