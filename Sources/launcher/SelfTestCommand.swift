import ArgumentParser
import Foundation
import HDF5
import ShardedTensor

/// `launcher selftest`: checks every collective against closed forms and an HDF5 round trip,
/// on however many ranks mpirun started. Exits non-zero naming the rank and the failed check.
struct SelfTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Check every collective and an HDF5 round trip across all ranks (run under mpirun -n 2 or more)."
    )

    static let hdf5CheckName = "hdf5-roundtrip"
    /// Checks `--break` can perturb (the barrier has no value to perturb).
    static let breakableChecks = Array(CollectiveChecks.names.dropFirst()) + [hdf5CheckName]

    @Option(name: .customLong("break"), help: "Perturb one check on the last rank on purpose, to see a failure reported. One of: \(breakableChecks.joined(separator: ", ")).")
    var brokenCheck: String?

    @Option(help: "Folder for the HDF5 round-trip file; must be shared by all nodes when ranks span machines.")
    var scratchDir: String = FileManager.default.temporaryDirectory.path

    @Flag(help: "Allow a single rank (the checks then cannot see cross-rank errors).")
    var allowSingleRank = false

    func validate() throws {
        if let brokenCheck, !Self.breakableChecks.contains(brokenCheck) {
            throw ValidationError("--break '\(brokenCheck)' is not a check name; expected one of \(Self.breakableChecks.joined(separator: ", "))")
        }
    }

    func run() throws {
        let comm = try MPICommunicator.world()
        guard comm.size >= 2 || allowSingleRank else {
            throw LauncherError("selftest needs at least 2 ranks to test anything across ranks: run it as `mpirun -n 2 launcher selftest` (or pass --allow-single-rank)")
        }
        var outcomes = try CollectiveChecks(faultyCheck: brokenCheck).run(on: comm)
        outcomes.append(try hdf5RoundTrip(comm))

        let failures = outcomes.filter { !$0.passed }
        for failure in failures {
            Console.err("selftest: rank \(comm.rank) of \(comm.size) on \(comm.processorName): check \(failure.name) FAILED: \(failure.failure ?? "")")
        }
        let totalFailures = try comm.allReduce(Int64(failures.count), op: .sum)
        let failedRanks = try comm.allGather(Int64(failures.isEmpty ? 0 : 1))
        if comm.rank == 0 {
            let names = outcomes.map(\.name).joined(separator: ", ")
            if totalFailures == 0 {
                Console.out("selftest: \(outcomes.count) checks passed on all \(comm.size) ranks (\(names))")
            } else {
                let ranks = failedRanks.enumerated().filter { $0.element != 0 }.map { String($0.offset) }
                Console.out("selftest: \(totalFailures) failed check(s) on rank(s) \(ranks.joined(separator: ", ")); see stderr")
            }
        }
        if totalFailures > 0 { throw ExitCode.failure }
    }

    /// Rank 0 writes a file atomically; every rank reads it back and compares with the formula
    /// rank 0 used, then rank 0 removes it.
    private func hdf5RoundTrip(_ comm: MPICommunicator) throws -> CollectiveChecks.Outcome {
        let name = Self.hdf5CheckName
        let unique = try comm.broadcast(comm.rank == 0 ? "\(getpid())-\(UInt32.random(in: 0...UInt32.max))" : "", root: 0)
        let path = URL(fileURLWithPath: scratchDir).appendingPathComponent("egpo-selftest-\(unique).h5").path
        let shape = [3, 5]
        let expected = (0..<15).map { Float($0) * 0.25 - Float(comm.size) }
        var writeError = ""
        if comm.rank == 0 {
            do {
                try HDF5File.writeAtomically(to: path) { file in
                    let root = try file.root
                    try root.writeDataset("model.embed_tokens.weight", expected, shape: shape)
                    try root.setAttribute("config", "{\"world_size\": \(comm.size)}")
                    try root.setAttribute("step", Int64(comm.size * 10))
                }
            } catch { writeError = "\(error)" }
        }
        writeError = try comm.broadcast(writeError, root: 0)
        defer { if comm.rank == 0 { try? FileManager.default.removeItem(atPath: path) } }
        guard writeError.isEmpty else { try comm.barrier(); return .init(name: name, failure: "rank 0 could not write: \(writeError)") }

        var failure: String?
        do {
            let root = try HDF5File.open(at: path).root
            var values = try root.readDataset("model.embed_tokens.weight", as: Float.self, expectedShape: shape).values
            if brokenCheck == name && comm.rank == comm.size - 1 { values[0] += 1 }
            let config = try root.stringAttribute("config"), step = try root.int64Attribute("step")
            if values != expected {
                failure = "dataset differs: first element \(values[0]), expected \(expected[0])"
            } else if config != "{\"world_size\": \(comm.size)}" || step != Int64(comm.size * 10) {
                failure = "attributes differ: config \(config), step \(step)"
            }
        } catch {
            failure = "\(error) (with ranks on several nodes, --scratch-dir must be a shared folder)"
        }
        try comm.barrier()   // everyone has read before rank 0 removes the file
        return .init(name: name, failure: failure)
    }
}
