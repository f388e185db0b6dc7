/// Closed-form checks of every collective, run by `launcher selftest` under mpirun and by the
/// unit tests on LocalCommunicator worlds. Each rank contributes values that depend on its rank,
/// so the expected result of every collective is a formula in (rank, size, index).
///
/// Every check is exact: the values are small integers, exactly representable in Float.
public struct CollectiveChecks: Sendable {
    /// The outcome of one check on this rank.
    public struct Outcome: Sendable, CustomStringConvertible {
        public let name: String
        public let failure: String?
        public var passed: Bool { failure == nil }
        /// An outcome: passed when `failure` is nil, else failed with that explanation.
        public init(name: String, failure: String?) {
            self.name = name
            self.failure = failure
        }
        public var description: String { failure.map { "\(name): FAILED: \($0)" } ?? "\(name): ok" }
    }

    /// The names of the checks, in the order they run.
    public static let names = [
        "barrier", "allreduce-sum-double", "allreduce-max-min-int64", "allreduce-chunked-float",
        "broadcast-nonzero-root", "broadcast-string", "allgather", "allgatherv-uneven",
        "reducescatter-uneven", "gather-to-root", "sharded-buffer-roundtrip",
    ]

    /// A check whose input the last rank perturbs on purpose, to show that failures are caught.
    public var faultyCheck: String?
    /// Elements in the chunked all-reduce: enough for several 2 MiB chunks.
    public var largeCount: Int

    public init(faultyCheck: String? = nil, largeCount: Int = 1_500_000) {
        self.faultyCheck = faultyCheck
        self.largeCount = largeCount
    }

    /// Runs every check on `comm` (all ranks must call this together) and returns their outcomes.
    /// Collective errors are thrown; wrong values are reported as failed outcomes.
    public func run(on comm: some Communicator) throws -> [Outcome] {
        let r = comm.rank, n = comm.size
        // The last rank adds `fault` to its contribution in the check named by `faultyCheck`.
        func fault(_ name: String) -> Int { (faultyCheck == name && r == n - 1) ? 1 : 0 }
        var outcomes: [Outcome] = []
        func record(_ name: String, _ failure: String?) { outcomes.append(Outcome(name: name, failure: failure)) }
        let triangle = n * (n - 1) / 2   // sum of ranks

        try comm.barrier()
        record("barrier", nil)

        // Sum of rank-dependent Doubles: element i of rank r is 1000 r + i + 0.5.
        var doubles = (0..<5).map { Double(1000 * r + $0 + fault("allreduce-sum-double")) + 0.5 }
        try comm.allReduce(&doubles, op: .sum)
        record("allreduce-sum-double", firstMismatch(doubles) { Double(1000 * triangle + n * $0) + 0.5 * Double(n) })

        // Max and min of Int64 values 7 r - 3.
        let v = Int64(7 * r - 3 + fault("allreduce-max-min-int64"))
        let maxV = try comm.allReduce(v, op: .max), minV = try comm.allReduce(v, op: .min)
        let expectedMax = Int64(7 * (n - 1) - 3), expectedMin: Int64 = -3
        record("allreduce-max-min-int64", maxV == expectedMax && minV == expectedMin ? nil
               : "max \(maxV) (expected \(expectedMax)), min \(minV) (expected \(expectedMin))")

        // A large Float all-reduce that the MPI communicator splits into chunks: element i of rank r
        // is (i mod 97) + r, so the sum is n (i mod 97) + n(n-1)/2.
        var large = [Float](repeating: 0, count: largeCount)
        for i in 0..<largeCount { large[i] = Float(i % 97 + r) }
        if fault("allreduce-chunked-float") == 1 { large[largeCount - 1] += 1 }
        try comm.allReduce(&large, op: .sum)
        record("allreduce-chunked-float", firstMismatch(large) { Float(n * ($0 % 97) + triangle) })

        // Broadcast from the last rank (non-zero whenever n > 1).
        let root = n - 1
        var broadcastValues = (0..<7).map { Int32(r == root ? 40 + $0 : -1) }
        try comm.broadcast(&broadcastValues, root: root)
        if fault("broadcast-nonzero-root") == 1 { broadcastValues[0] += 1 }
        record("broadcast-nonzero-root", firstMismatch(broadcastValues) { Int32(40 + $0) })

        let text = try comm.broadcast(r == 0 ? "{\"config\": \"ümlaut ✓\"}" : "", root: 0)
        let expectedText = "{\"config\": \"ümlaut ✓\"}" + (fault("broadcast-string") == 1 ? "!" : "")
        record("broadcast-string", text == expectedText ? nil : "got \(text.debugDescription)")

        // allGather: rank r sends [10 r, 10 r + 1].
        let sendPair = [Float(10 * r + fault("allgather")), Float(10 * r + 1)]
        var gathered = [Float](repeating: -1, count: 2 * n)
        try sendPair.withUnsafeBufferPointer { s in try gathered.withUnsafeMutableBufferPointer { try comm.allGather(s, into: $0) } }
        record("allgather", firstMismatch(gathered) { Float(10 * ($0 / 2) + $0 % 2) })

        // allGatherV with uneven counts, including an empty contribution: rank q sends
        // countsV[q] elements 100 q + j.
        let countsV = (0..<n).map { $0 % 3 == 1 ? 0 : $0 + 1 }
        let sendV = (0..<countsV[r]).map { Double(100 * r + $0 + fault("allgatherv-uneven")) }
        var gatheredV = [Double](repeating: -1, count: countsV.reduce(0, +))
        try sendV.withUnsafeBufferPointer { s in
            try gatheredV.withUnsafeMutableBufferPointer { try comm.allGatherV(s, into: $0, counts: countsV) }
        }
        var expectedV: [Double] = []
        for q in 0..<n { for j in 0..<countsV[q] { expectedV.append(Double(100 * q + j)) } }
        record("allgatherv-uneven", firstMismatch(gatheredV) { expectedV[$0] })

        // reduceScatter of an uneven split: element i of rank r is i + r; rank r receives
        // elements offset_r ..< offset_r + count_r of the sum, n i + n(n-1)/2.
        let layout = ShardLayout(count: 10 * n + 3, worldSize: n)
        let full = (0..<layout.count).map { Float($0 + r + fault("reducescatter-uneven")) }
        var mine = [Float](repeating: -1, count: layout.counts[r])
        try full.withUnsafeBufferPointer { s in
            try mine.withUnsafeMutableBufferPointer { try comm.reduceScatter(s, into: $0, counts: layout.counts, op: .sum) }
        }
        record("reducescatter-uneven", firstMismatch(mine) { Float(n * (layout.offsets[r] + $0) + triangle) })

        // gather to root 1 (or 0 on one rank): rank r sends [r, -r].
        let gatherRoot = n > 1 ? 1 : 0
        let sendG = [Int64(r + fault("gather-to-root")), Int64(-r)]
        var receiveG = [Int64](repeating: 99, count: r == gatherRoot ? 2 * n : 0)
        try sendG.withUnsafeBufferPointer { s in
            try receiveG.withUnsafeMutableBufferPointer { try comm.gather(s, into: $0, root: gatherRoot) }
        }
        record("gather-to-root", r != gatherRoot ? nil : firstMismatch(receiveG) { Int64($0 % 2 == 0 ? $0 / 2 : -($0 / 2)) })

        // ShardedBuffer: reduce-scatter then all-gather equals an all-reduce. Element i of rank r
        // is 3 i - r, so every element of the result is 3 n i - n(n-1)/2. Pieces of 3 elements
        // make the shards (4 or 5 elements) go in several rounds.
        let buffer = ShardedBuffer(count: 4 * n + 1, communicator: comm, chunkBytes: 12)
        for i in 0..<buffer.full.count { buffer.full[i] = Float(3 * i - r + fault("sharded-buffer-roundtrip")) }
        try buffer.reduceScatter(comm)
        let shardFailure = firstMismatch(Array(buffer.shard)) { Float(3 * n * (buffer.shardRange.lowerBound + $0) - triangle) }
        try buffer.allGather(comm)
        let fullFailure = firstMismatch(Array(buffer.full)) { Float(3 * n * $0 - triangle) }
        record("sharded-buffer-roundtrip", shardFailure.map { "after reduceScatter: \($0)" } ?? fullFailure.map { "after allGather: \($0)" })

        return outcomes
    }

    /// The first index where `values` differs from `expected(index)`, described, or nil.
    private func firstMismatch<T: Equatable>(_ values: [T], _ expected: (Int) -> T) -> String? {
        for (i, value) in values.enumerated() where value != expected(i) {
            return "element \(i) is \(value), expected \(expected(i)) (\(values.count) elements)"
        }
        return nil
    }
}
