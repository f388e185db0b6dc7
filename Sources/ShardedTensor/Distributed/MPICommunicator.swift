import CMPI
import Foundation

/// A communicator over MPI processes. CMPI is imported by this file, `MPIRuntime` (init,
/// finalize, the library version) and `CollectiveWatchdog` (MPI_Abort from its thread), all in
/// ShardedTensor/Distributed; nothing above this module sees MPI.
///
/// `MPICommunicator.world()` initialises MPI once per process (singleton init works without
/// mpirun), duplicates MPI_COMM_WORLD so the trainer's traffic is isolated, makes MPI return
/// error codes instead of aborting, and finalizes once at exit. Every call's return code is
/// checked and turned into `CommunicatorError.mpi` with the call's name and MPI's message.
/// MPI calls are serialized by a process-wide lock so tests may share the singleton safely.
public final class MPICommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// All-reduces larger than this are split into chunks of this many bytes. OpenMPI's
    /// pipelined ring is 2-4x faster on 1-4 MiB pieces than on one 16-64 MB call (TOOLCHAIN.md).
    public var allReduceChunkBytes: Int

    private let comm: MPI_Comm

    /// Default chunk size for large all-reduces (see `bench comm`).
    public static let defaultChunkBytes = 2 << 20

    private init(comm: MPI_Comm, chunkBytes: Int) throws {
        self.comm = comm
        var r: Int32 = 0, s: Int32 = 0
        try MPIRuntime.check("MPI_Comm_rank") { MPI_Comm_rank(comm, &r) }
        try MPIRuntime.check("MPI_Comm_size") { MPI_Comm_size(comm, &s) }
        rank = Int(r)
        size = Int(s)
        allReduceChunkBytes = chunkBytes
    }

    /// The communicator over every process of the job (a private duplicate of MPI_COMM_WORLD).
    /// - Parameter chunkBytes: chunk size for large all-reduces; 0 disables chunking.
    public static func world(chunkBytes: Int = defaultChunkBytes) throws -> MPICommunicator {
        try MPIRuntime.initialize()
        let dup: MPI_Comm = try MPIRuntime.locked {
            var c: MPI_Comm? = nil
            try MPIRuntime.check("MPI_Comm_dup") { MPI_Comm_dup(cmpi_comm_world(), &c) }
            try MPIRuntime.check("MPI_Comm_set_errhandler") { MPI_Comm_set_errhandler(c, cmpi_errors_return()) }
            return c!
        }
        let world = try MPIRuntime.locked { try MPICommunicator(comm: dup, chunkBytes: chunkBytes) }
        try CollectiveWatchdog.shared.start(rank: world.rank)
        return world
    }

    /// The host this rank runs on, as MPI names it.
    public var processorName: String {
        var buffer = [CChar](repeating: 0, count: Int(cmpi_max_processor_name()) + 1)
        var length: Int32 = 0
        _ = MPI_Get_processor_name(&buffer, &length)
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func abort(errorCode: Int32) {
        // No lock: another thread may be blocked inside MPI holding it, and MPI_Abort must still run.
        _ = MPI_Abort(comm, errorCode)
        exit(errorCode)
    }

    public func barrier() throws {
        try MPIRuntime.locked { try MPIRuntime.check("MPI_Barrier") { MPI_Barrier(comm) } }
    }

    public func broadcast<T: CommScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        try validateRoot(root, "MPI_Bcast")
        guard buffer.count > 0 else { return }
        let count = try int32(buffer.count, "MPI_Bcast")
        try MPIRuntime.locked {
            try MPIRuntime.check("MPI_Bcast") {
                MPI_Bcast(buffer.baseAddress, count, Self.datatype(T.self), Int32(root), comm)
            }
        }
    }

    public func allReduce<T: CommScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp) throws {
        let chunk = allReduceChunkBytes > 0
            ? max(1, allReduceChunkBytes / MemoryLayout<T>.stride) : Int(Int32.max)
        var start = 0
        try MPIRuntime.locked {
            while start < buffer.count {
                let n = min(chunk, buffer.count - start)
                let count = try int32(n, "MPI_Allreduce")
                try MPIRuntime.check("MPI_Allreduce of \(n) x \(T.self)") {
                    MPI_Allreduce(cmpi_in_place(), buffer.baseAddress! + start, count,
                                  Self.datatype(T.self), Self.op(op), comm)
                }
                start += n
            }
        }
    }

    public func allGather<T: CommScalar>(_ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>) throws {
        guard receive.count == send.count * size else {
            throw CommunicatorError.sizeMismatch(operation: "MPI_Allgather", expected: send.count * size,
                                                 actual: receive.count, detail: "receive must hold size x send")
        }
        guard send.count > 0 else { return }
        let count = try int32(send.count, "MPI_Allgather")
        try MPIRuntime.locked {
            try MPIRuntime.check("MPI_Allgather") {
                MPI_Allgather(send.baseAddress, count, Self.datatype(T.self),
                              receive.baseAddress, count, Self.datatype(T.self), comm)
            }
        }
    }

    public func allGatherV<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, counts: [Int]
    ) throws {
        let (counts32, displacements) = try countsAndDisplacements(counts, sendCount: send.count,
                                                                   total: receive.count, "MPI_Allgatherv")
        var dummy = T.zero
        try withUnsafeMutablePointer(to: &dummy) { dummyPointer in
            try MPIRuntime.locked {
                try MPIRuntime.check("MPI_Allgatherv") {
                    MPI_Allgatherv(send.baseAddress ?? UnsafePointer(dummyPointer), counts32[rank], Self.datatype(T.self),
                                   receive.baseAddress ?? dummyPointer, counts32, displacements,
                                   Self.datatype(T.self), comm)
                }
            }
        }
    }

    public func reduceScatter<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, counts: [Int], op: ReduceOp
    ) throws {
        guard counts.count == size else {
            throw CommunicatorError.sizeMismatch(operation: "MPI_Reduce_scatter", expected: size,
                                                 actual: counts.count, detail: "one count per rank")
        }
        let total = counts.reduce(0, +)
        guard send.count == total, receive.count == counts[rank] else {
            throw CommunicatorError.sizeMismatch(operation: "MPI_Reduce_scatter", expected: total, actual: send.count,
                                                 detail: "send holds sum(counts); receive holds counts[\(rank)] = \(counts[rank]), got \(receive.count)")
        }
        let counts32 = try counts.map { try int32($0, "MPI_Reduce_scatter") }
        if let first = counts32.first, first > 0, counts32.allSatisfy({ $0 == first }) {
            // Equal shards: OpenMPI's reduce_scatter_block picks a ring/halving algorithm, where
            // reduce_scatter with a counts array was slower here than a whole all-reduce.
            try MPIRuntime.locked {
                try MPIRuntime.check("MPI_Reduce_scatter_block") {
                    MPI_Reduce_scatter_block(send.baseAddress, receive.baseAddress, first, Self.datatype(T.self), Self.op(op), comm)
                }
            }
            return
        }
        var dummy = T.zero
        try withUnsafeMutablePointer(to: &dummy) { dummyPointer in
            try MPIRuntime.locked {
                try MPIRuntime.check("MPI_Reduce_scatter") {
                    MPI_Reduce_scatter(send.baseAddress ?? UnsafePointer(dummyPointer), receive.baseAddress ?? dummyPointer,
                                       counts32, Self.datatype(T.self), Self.op(op), comm)
                }
            }
        }
    }

    public func gather<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, root: Int
    ) throws {
        try validateRoot(root, "MPI_Gather")
        if rank == root, receive.count != send.count * size {
            throw CommunicatorError.sizeMismatch(operation: "MPI_Gather", expected: send.count * size,
                                                 actual: receive.count, detail: "receive on the root must hold size x send")
        }
        guard send.count > 0 else { return }
        let count = try int32(send.count, "MPI_Gather")
        try MPIRuntime.locked {
            try MPIRuntime.check("MPI_Gather") {
                MPI_Gather(send.baseAddress, count, Self.datatype(T.self),
                           rank == root ? receive.baseAddress : nil, count, Self.datatype(T.self), Int32(root), comm)
            }
        }
    }

    // MARK: - Helpers

    private func validateRoot(_ root: Int, _ call: String) throws {
        guard (0..<size).contains(root) else { throw CommunicatorError.invalidRank(operation: call, rank: root, size: size) }
    }

    private func int32(_ n: Int, _ call: String) throws -> Int32 {
        guard let v = Int32(exactly: n) else { throw CommunicatorError.countTooLarge(operation: call, count: n) }
        return v
    }

    private func countsAndDisplacements(
        _ counts: [Int], sendCount: Int, total: Int, _ call: String
    ) throws -> ([Int32], [Int32]) {
        guard counts.count == size else {
            throw CommunicatorError.sizeMismatch(operation: call, expected: size, actual: counts.count, detail: "one count per rank")
        }
        guard counts[rank] == sendCount else {
            throw CommunicatorError.sizeMismatch(operation: call, expected: counts[rank], actual: sendCount,
                                                 detail: "rank \(rank) sends counts[\(rank)] elements")
        }
        guard counts.reduce(0, +) == total else {
            throw CommunicatorError.sizeMismatch(operation: call, expected: counts.reduce(0, +), actual: total,
                                                 detail: "receive holds the sum of counts")
        }
        var displacements: [Int32] = []
        var offset = 0
        for c in counts {
            displacements.append(try int32(offset, call))
            offset += c
        }
        return (try counts.map { try int32($0, call) }, displacements)
    }

    private static func datatype<T: CommScalar>(_: T.Type) -> MPI_Datatype {
        switch T.scalarKind {
        case .float: return cmpi_type_float()
        case .double: return cmpi_type_double()
        case .int64: return cmpi_type_int64()
        case .int32: return cmpi_type_int32()
        case .uint8: return cmpi_type_uint8()
        }
    }

    private static func op(_ op: ReduceOp) -> MPI_Op {
        switch op {
        case .sum: return cmpi_op_sum()
        case .max: return cmpi_op_max()
        case .min: return cmpi_op_min()
        }
    }
}
