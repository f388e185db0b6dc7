import Foundation
import ShardedTensor

/// How much memory this machine (or this job's cgroup) can still give, and how many ranks of
/// the job share it, so a run can be refused before it allocates what is not there.
public enum MachineMemory {
    /// Bytes available to new allocations: `EGPO_MEMORY_AVAILABLE` when set, else
    /// /proc/meminfo's MemAvailable, lowered to the cgroup's limit minus its usage when a
    /// container or SLURM job sets one. nil when neither is readable (then nothing is refused).
    public static func availableBytes() -> Double? {
        // Tests (and users who know their machine better) can state it: EGPO_MEMORY_AVAILABLE=8e9.
        if let text = ProcessInfo.processInfo.environment["EGPO_MEMORY_AVAILABLE"], let stated = Double(text) { return stated }
        var best: Double?
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kB = Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") {
            best = kB * 1024
        }
        if let limit = cgroupNumber("/sys/fs/cgroup/memory.max") ?? cgroupNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
           let used = cgroupNumber("/sys/fs/cgroup/memory.current") ?? cgroupNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
           limit < 1e18 {
            best = min(best ?? .infinity, max(0, limit - used))
        }
        return best
    }

    private static func cgroupNumber(_ path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))   // "max" reads as nil
    }

    /// The ranks of the job on this host and the sum of their estimates, found with one
    /// all-gather of (host, bytes) pairs.
    public static func hostShare(_ estimate: MemoryEstimate, _ comm: any Communicator) throws -> (ranks: Int, bytes: Double) {
        guard comm.size > 1 else { return (1, estimate.total) }
        // Swift's Hasher is seeded per process; FNV-1a of the name gives every rank the same number.
        let host = Double(fnv1a(ProcessInfo.processInfo.hostName) & 0xF_FFFF_FFFF_FFFF)
        var all = [Double](repeating: 0, count: 2 * comm.size)
        try [host, estimate.total].withUnsafeBufferPointer { s in try all.withUnsafeMutableBufferPointer { try comm.allGather(s, into: $0) } }
        let mine = stride(from: 0, to: all.count, by: 2).filter { all[$0] == host }
        return (mine.count, mine.reduce(0) { $0 + all[$1 + 1] })
    }

    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// Throws when `estimate` times the ranks sharing this host exceeds what is available, with
    /// the estimate's table and what to change. `EGPO_MEMORY_CHECK=0` turns the check off (an
    /// estimate is an upper bound; a user who knows better may run anyway).
    /// - Parameter hostBytes: the estimates of all ranks on this host summed (default: this
    ///   rank's times `ranksOnHost`).
    public static func check(_ estimate: MemoryEstimate, ranksOnHost: Int, hostBytes: Double? = nil,
                             available: Double? = availableBytes()) throws(TrainingError) {
        if ProcessInfo.processInfo.environment["EGPO_MEMORY_CHECK"] == "0" { return }
        guard let available else { return }
        let need = hostBytes ?? estimate.total * Double(ranksOnHost)
        guard need > available else { return }
        throw .memory(String(format: "this run needs about %.2f GB on this rank, %.2f GB for its %d rank(s) on this host, but %.2f GB is available",
                             estimate.total / 1e9, need / 1e9, ranksOnHost, available / 1e9)
            + " (MemAvailable or the cgroup limit); this rank:\n" + estimate.table
            + "\nuse optimizer.zero: 1, fewer ranks per host, a smaller rollout.microBatch, rollout.maxCompletionTokens or batch, "
            + "or egpo.beta: 0 (no reference policy); EGPO_MEMORY_CHECK=0 runs anyway")
    }
}
