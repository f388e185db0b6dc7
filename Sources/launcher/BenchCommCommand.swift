import ArgumentParser
import Foundation
import ShardedTensor

/// `launcher bench comm`: all-reduce time and algorithm bandwidth for the current world size,
/// one MPI call on the whole buffer against the buffer in chunks, plus the ZeRO-1 pair
/// (reduce-scatter then all-gather) on the largest size.
struct BenchCommCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comm",
        abstract: "Time all-reduce (unchunked and chunked) and reduce-scatter + all-gather on Float buffers."
    )

    @Option(help: "Buffer sizes in bytes, comma-separated.")
    var bytes: String = "4,16000000,64000000"

    @Option(help: "Chunk sizes in bytes for the chunked all-reduce, comma-separated.")
    var chunkBytes: String = "1048576,2097152,4194304"

    @Option(help: "Timed repetitions per measurement for buffers of 1 MB or more (small ones use 50x as many).")
    var repeats: Int = 8

    @Flag(help: "Print one JSON object per measurement instead of a table.")
    var json = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats \(repeats) must be at least 1") }
        for (name, list) in [("--bytes", bytes), ("--chunk-bytes", chunkBytes)] {
            guard let values = Self.parseList(list), values.allSatisfy({ $0 >= 4 }) else {
                throw ValidationError("\(name) '\(list)' must be comma-separated byte counts of at least 4")
            }
            _ = values
        }
    }

    static func parseList(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return parts.contains(where: { $0 == nil }) || parts.isEmpty ? nil : parts.map { $0! }
    }

    func run() throws {
        let comm = try MPICommunicator.world()
        let sizes = Self.parseList(bytes)!, chunks = Self.parseList(chunkBytes)!
        if comm.rank == 0 && !json {
            Console.out("bench comm: \(comm.size) ranks, Float sum in place, median of timed runs (max over ranks)")
            Console.out("size_bytes      mode                               time_us    algbw_GB/s")
        }
        for size in sizes {
            let count = size / MemoryLayout<Float>.stride
            let buffer = ShardedBuffer(count: count, communicator: comm)
            for i in 0..<count { buffer.full[i] = Float(i % 7) }
            let runs = size >= 1_000_000 ? repeats : repeats * 50
            var modes: [(String, Int)] = [("allreduce one call", 0)]
            if size > (chunks.min() ?? .max) { modes += chunks.map { ("allreduce chunked \($0 >> 10) KiB", $0) } }
            for (label, chunk) in modes {
                comm.allReduceChunkBytes = chunk
                let seconds = try time(comm, runs: runs) { try comm.allReduce(buffer.full, op: .sum) }
                report(comm, size: size, mode: label, seconds: seconds)
            }
            if size >= 1_000_000 {
                // The ZeRO-1 pair: gradients reduce-scattered, updated shards all-gathered.
                let scatter = try time(comm, runs: runs) { try buffer.reduceScatter(comm) }
                report(comm, size: size, mode: "reduce-scatter (1 MiB rounds)", seconds: scatter)
                let gather = try time(comm, runs: runs) { try buffer.allGather(comm) }
                report(comm, size: size, mode: "all-gather (1 MiB rounds)", seconds: gather)
                report(comm, size: size, mode: "reduce-scatter + all-gather", seconds: scatter + gather)
            }
        }
        comm.allReduceChunkBytes = MPICommunicator.defaultChunkBytes
    }

    /// Median over `runs` of the slowest rank's time for `body`, after two warm-up calls.
    private func time(_ comm: MPICommunicator, runs: Int, _ body: () throws -> Void) throws -> Double {
        try body(); try body()
        var samples: [Double] = []
        for _ in 0..<runs {
            try comm.barrier()
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            samples.append(try comm.allReduce(elapsed, op: .max))
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    private func report(_ comm: MPICommunicator, size: Int, mode: String, seconds: Double) {
        guard comm.rank == 0 else { return }
        let bandwidth = Double(size) / seconds / 1e9
        if json {
            Console.out("{\"ranks\": \(comm.size), \"bytes\": \(size), \"mode\": \"\(mode)\", \"seconds\": \(seconds), \"algbw_gb_s\": \(bandwidth)}")
        } else {
            let us = String(format: "%13.1f", seconds * 1e6), bw = String(format: "%10.3f", bandwidth)
            Console.out("\(String(size).padding(toLength: 16, withPad: " ", startingAt: 0))\(mode.padding(toLength: 32, withPad: " ", startingAt: 0))\(us)    \(bw)")
        }
    }
}
