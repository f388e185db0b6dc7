import ShardedTensor

extension MachineMemory {
    /// Refuses a run, on every rank, when the estimate for the ranks on the busiest host exceeds
    /// what that host has available (the lowest rank on such a host says why); otherwise `say`
    /// gets the estimate in one line (the caller prints it on rank 0).
    public static func agreedCheck(_ estimate: MemoryEstimate, comm: any Communicator, say: (String) -> Void) throws {
        let (local, hostBytes) = try hostShare(estimate, comm)
        let available = availableBytes()
        // Every rank takes the same branch; the lowest rank on a host that cannot fit says why.
        var failure: TrainingError?
        do { try check(estimate, ranksOnHost: local, hostBytes: hostBytes, available: available) } catch { failure = error }
        let reporter = Int(try comm.allReduce(Double(failure == nil ? comm.size : comm.rank), op: .min))
        if reporter < comm.size {
            if comm.size == 1, let failure { throw failure }
            throw AgreedFailure(message: failure.map { "\($0)" } ?? "", reporter: reporter)
        }
        let transient = estimate.parts.filter { $0.name.contains("activations") || $0.name.contains("sampler") }.reduce(0) { $0 + $1.bytes }
        say(String(format: "memory: about %.2f GB on rank 0 (%.2f GB of it activations and sampler), %.2f GB for the %d rank(s) on its host; ",
                   estimate.total / 1e9, transient / 1e9, hostBytes / 1e9, local)
            + (available.map { String(format: "%.1f GB available", $0 / 1e9) } ?? "available memory unknown"))
    }
}
