/// A group of ranks that run collectives together: the only way ranks talk to each other.
///
/// Every rank must call the same collectives in the same order with matching sizes, as in MPI.
/// Buffers are caller-owned and typed; "in place" means the result replaces the input.
/// Two implementations: `MPICommunicator` (processes under mpirun, or a singleton) and
/// `LocalCommunicator` (ranks as threads of one process, for tests).
public protocol Communicator: AnyObject, Sendable {
    /// This rank, in 0..<size.
    var rank: Int { get }
    /// The number of ranks.
    var size: Int { get }

    /// Blocks until every rank has reached the barrier.
    func barrier() throws

    /// Copies `buffer` on `root` into `buffer` on every other rank.
    func broadcast<T: CommScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws

    /// Reduces `buffer` elementwise over all ranks, in place; every rank gets the same result.
    func allReduce<T: CommScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp) throws

    /// Concatenates each rank's `send` (all the same length) into `receive`, in rank order.
    func allGather<T: CommScalar>(_ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>) throws

    /// Concatenates each rank's `send` (rank r sends `counts[r]` elements) into `receive`.
    func allGatherV<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, counts: [Int]
    ) throws

    /// Reduces `send` (the full buffer, sum of `counts` elements) elementwise over all ranks and
    /// leaves rank r's part, `counts[r]` elements starting at the sum of earlier counts, in `receive`.
    func reduceScatter<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, counts: [Int], op: ReduceOp
    ) throws

    /// Concatenates each rank's `send` (all the same length) into `receive` on `root` only;
    /// `receive` is ignored (may be empty) on other ranks.
    func gather<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, root: Int
    ) throws

    /// Ends the whole job after a failure on this rank, so no peer waits forever in its next
    /// collective: under MPI every process exits with `errorCode` (MPI_Abort, which does not
    /// return); in a local world the peers' pending and later collectives throw `peerFailed`.
    func abort(errorCode: Int32)
}
