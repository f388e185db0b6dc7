import CMPI
import Foundation

/// Process-wide MPI state: initialise once, finalize once at exit, one lock for every call.
enum MPIRuntime {
    private static let lock = NSRecursiveLock()
    nonisolated(unsafe) private static var initializedHere = false

    /// Initialises MPI if nobody has (MPI_Init may run once per process) and registers
    /// MPI_Finalize to run at exit.
    static func initialize() throws {
        try locked {
            var flag: Int32 = 0
            try check("MPI_Initialized") { MPI_Initialized(&flag) }
            if flag != 0 { return }
            applyCollectiveDefaults()
            var provided: Int32 = 0
            // SERIALIZED: any thread may call MPI, one at a time; `locked` guarantees that.
            try check("MPI_Init_thread") { MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided) }
            initializedHere = true
            atexit { MPIRuntime.finalize() }
        }
    }

    /// OpenMPI settings read at MPI_Init, applied unless the user set them (environment or mpirun -mca).
    /// For reduce_scatter_block, OpenMPI's fixed decision picks a linear reduce-then-scatter that
    /// took longer than a whole chunked all-reduce of the same buffer (bench comm, 2 ranks, 64 MB:
    /// 41 ms against 11 ms); recursive doubling (algorithm 2) took 12 ms. Other collectives keep
    /// OpenMPI's fixed decisions: with dynamic rules on and nothing forced, tuned falls back to them.
    private static func applyCollectiveDefaults() {
        let defaults = [
            ("OMPI_MCA_coll_tuned_use_dynamic_rules", "1"),
            ("OMPI_MCA_coll_tuned_reduce_scatter_block_algorithm", "2"),
        ]
        for (key, value) in defaults where getenv(key) == nil {
            setenv(key, value, 0)
        }
        // Started without mpirun (a singleton: swift test, a one-rank run), OpenMPI would fork an
        // orted helper inside MPI_Init. Forking a process whose OpenBLAS thread pool is busy on
        // another thread deadlocks in OpenBLAS's fork handler (seen in swift test: MPI_Init of the
        // singleton test waited forever on a BLAS worker). An isolated singleton forks nothing.
        if getenv("OMPI_COMM_WORLD_SIZE") == nil, getenv("OMPI_MCA_ess_singleton_isolated") == nil {
            setenv("OMPI_MCA_ess_singleton_isolated", "1", 0)
        }
    }

    /// Finalizes MPI if this process initialised it and nobody finalized it yet.
    static func finalize() {
        locked {
            guard initializedHere else { return }
            var flag: Int32 = 0
            MPI_Finalized(&flag)
            if flag == 0 { MPI_Finalize() }
            initializedHere = false
        }
    }

    /// Runs `body` holding the process-wide MPI lock.
    static func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Runs one MPI call and throws `CommunicatorError.mpi` naming it when it does not succeed.
    /// The call is timed by the collective watchdog while it runs.
    static func check(_ call: String, _ body: () -> Int32) throws {
        CollectiveWatchdog.shared.begin(call)
        let code = body()
        CollectiveWatchdog.shared.end()
        guard code == cmpi_success() else {
            throw CommunicatorError.mpi(call: call, code: code, message: errorString(code))
        }
    }

    /// MPI's own text for an error code.
    static func errorString(_ code: Int32) -> String {
        // OpenMPI 4.1 aborts if MPI_Error_string runs before MPI_Init.
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        guard initialized != 0 else { return "MPI error code \(code) (MPI not initialised, no message available)" }
        var buffer = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &buffer, &length) == cmpi_success() else { return "unknown MPI error" }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
