import Testing
@testable import ShardedTensor
import CMPI

@Suite struct LocalCommunicatorTests {
    @Test(arguments: [1, 2, 3, 4, 5])
    func everyCollectiveMatchesItsClosedForm(size: Int) throws {
        let outcomes = try LocalCommunicator.run(size: size) { comm in
            try CollectiveChecks(largeCount: 10_007).run(on: comm)
        }
        for (rank, rankOutcomes) in outcomes.enumerated() {
            #expect(rankOutcomes.map(\.name) == CollectiveChecks.names)
            for outcome in rankOutcomes {
                #expect(outcome.passed, "size \(size) rank \(rank): \(outcome)")
            }
        }
    }

    @Test(arguments: CollectiveChecks.names.filter { $0 != "barrier" })
    func aBrokenCheckIsReported(name: String) throws {
        let outcomes = try LocalCommunicator.run(size: 3) { comm in
            try CollectiveChecks(faultyCheck: name, largeCount: 1000).run(on: comm)
        }
        // The perturbed contribution must make the named check fail on some rank, and only it.
        let failed = Set(outcomes.flatMap { $0.filter { !$0.passed }.map(\.name) })
        #expect(failed == [name], "perturbing \(name) failed \(failed)")
    }

    @Test func reductionsAreBitIdenticalAcrossRanks() throws {
        let results = try LocalCommunicator.run(size: 4) { comm in
            var values = (0..<100).map { Float(1) / Float($0 + comm.rank + 1) }
            try comm.allReduce(&values, op: .sum)
            return values
        }
        for r in 1..<4 { #expect(results[r] == results[0]) }
    }

    @Test func aFailingRankReleasesItsPeers() {
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            _ = try LocalCommunicator.run(size: 3) { comm in
                if comm.rank == 1 { throw Boom() }
                try comm.barrier()
                try comm.barrier()
                return 0
            }
        }
    }

    @Test func mismatchedCountsThrowOnEveryRank() {
        #expect(throws: CommunicatorError.self) {
            _ = try LocalCommunicator.run(size: 2) { comm in
                var v = [Float](repeating: 1, count: comm.rank + 1)
                try comm.allReduce(&v, op: .sum)
            }
        }
    }

    @Test func invalidRootIsATypedError() throws {
        let errors = try LocalCommunicator.run(size: 2) { comm -> String in
            var v: [Float] = [1]
            do { try comm.broadcast(&v, root: 5); return "no error" } catch { return "\(error)" }
        }
        #expect(errors.allSatisfy { $0.contains("rank 5 is outside 0..<2") }, "\(errors)")
    }
}

@Suite struct ShardLayoutTests {
    @Test func splitsAreContiguousCompleteAndEven() {
        for count in [0, 1, 2, 7, 64, 1001] {
            for worldSize in 1...9 {
                let layout = ShardLayout(count: count, worldSize: worldSize)
                #expect(layout.counts.reduce(0, +) == count)
                #expect(layout.counts.max()! - layout.counts.min()! <= 1, "\(layout)")
                for r in 0..<worldSize {
                    let range = layout.range(rank: r)
                    #expect(range.count == layout.counts[r])
                    if r > 0 { #expect(range.lowerBound == layout.range(rank: r - 1).upperBound) }
                }
                #expect(layout.range(rank: worldSize - 1).upperBound == count)
            }
        }
    }

    @Test func unevenSplitGivesTheRemainderToTheFirstRanks() {
        #expect(ShardLayout(count: 10, worldSize: 4).counts == [3, 3, 2, 2])
        #expect(ShardLayout(count: 2, worldSize: 4).counts == [1, 1, 0, 0])
    }

    @Test(arguments: [4, 8, 20, 4096])
    func shardedBufferInRoundsMatchesAllReduce(chunkBytes: Int) throws {
        // 103 elements over 4 ranks (26, 26, 26, 25) in pieces of 1, 2, 5 or all elements.
        let results = try LocalCommunicator.run(size: 4) { comm in
            let buffer = ShardedBuffer(count: 103, communicator: comm, chunkBytes: chunkBytes)
            for i in 0..<103 { buffer.full[i] = Float(i * (comm.rank + 1)) }
            try buffer.reduceScatter(comm)
            let shard = Array(buffer.shard), range = buffer.shardRange
            try buffer.allGather(comm)
            return (shard, range, Array(buffer.full))
        }
        let expected = (0..<103).map { Float($0 * 10) }   // sum over ranks of i (r + 1)
        for (shard, range, full) in results {
            #expect(shard == Array(expected[range]))
            #expect(full == expected)
        }
    }

    @Test func aWrappedBufferIsReducedInPlace() throws {
        // A model's gradient buffer is sharded as it is: no copy in or out.
        let results = try LocalCommunicator.run(size: 3) { comm in
            let gradients = FloatBuffer((0..<10).map { Float($0 + comm.rank) })
            let sharded = ShardedBuffer(wrapping: gradients, rank: comm.rank, worldSize: comm.size, chunkBytes: 8)
            #expect(sharded.full.baseAddress == gradients.base)
            try sharded.reduceScatter(comm)
            try sharded.allGather(comm)
            return gradients.toArray()
        }
        for r in results { #expect(r == (0..<10).map { Float(3 * $0 + 3) }) }
    }

    @Test func shardedBufferRoundTripEqualsAllReduceWithEmptyShards() throws {
        // 3 elements over 5 ranks: two ranks own nothing and must still take part.
        let results = try LocalCommunicator.run(size: 5) { comm in
            let buffer = ShardedBuffer(count: 3, communicator: comm)
            for i in 0..<3 { buffer.full[i] = Float(i * 10 + comm.rank) }
            try buffer.reduceScatter(comm)
            try buffer.allGather(comm)
            return Array(buffer.full)
        }
        for r in results { #expect(r == [10, 60, 110]) }
    }
}

@Suite struct MPICommunicatorSingletonTests {
    @Test func singletonWorldRunsEveryCollective() throws {
        let comm = try MPICommunicator.world()
        #expect(comm.size >= 1)
        let outcomes = try CollectiveChecks(largeCount: 1_200_000).run(on: comm)
        for outcome in outcomes { #expect(outcome.passed, "\(outcome)") }
        // Worlds may be created more than once per process; MPI is initialised only once.
        let again = try MPICommunicator.world(chunkBytes: 0)
        #expect(try again.allReduce(Float(2), op: .sum) == Float(2 * again.size))
    }

    @Test func mpiErrorsNameTheCallAndMPIsMessage() throws {
        try MPIRuntime.initialize()
        let error = #expect(throws: CommunicatorError.self) {
            try MPIRuntime.check("MPI_Fake_call") { Int32(MPI_ERR_ARG) }
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("MPI_Fake_call"))
        #expect(text.contains("invalid argument"), "\(text)")
    }
}
