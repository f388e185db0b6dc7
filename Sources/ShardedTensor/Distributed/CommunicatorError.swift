/// What can go wrong in a collective. MPI errors carry the call and MPI's own message.
public enum CommunicatorError: Error, CustomStringConvertible, Equatable {
    /// An MPI call returned a code other than MPI_SUCCESS.
    case mpi(call: String, code: Int32, message: String)
    /// Buffers or counts do not match what the collective needs.
    case sizeMismatch(operation: String, expected: Int, actual: Int, detail: String)
    /// A root or rank outside 0..<size.
    case invalidRank(operation: String, rank: Int, size: Int)
    /// A count too large for MPI's 32-bit count argument.
    case countTooLarge(operation: String, count: Int)
    /// Another rank of a LocalCommunicator world failed, so this rank stopped waiting.
    case peerFailed(rank: Int)
    /// An environment setting of the communicator that is not of the expected form.
    case invalidSetting(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .mpi(call, code, message):
            return "\(call) failed with code \(code): \(message)"
        case let .sizeMismatch(operation, expected, actual, detail):
            return "\(operation): expected \(expected) elements, got \(actual) (\(detail))"
        case let .invalidRank(operation, rank, size):
            return "\(operation): rank \(rank) is outside 0..<\(size)"
        case let .countTooLarge(operation, count):
            return "\(operation): count \(count) exceeds MPI's Int32 limit; split the buffer"
        case let .peerFailed(rank):
            return "rank \(rank): a peer rank failed, collective abandoned"
        case let .invalidSetting(name, value, expected):
            return "\(name)=\(value): expected \(expected)"
        }
    }
}
