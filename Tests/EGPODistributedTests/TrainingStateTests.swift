import Foundation
import FunctionCalling
import HDF5
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// Training checkpoints, the data cursor across a resume, retention and the stop request.
@Suite(.serialized) struct TrainingStateTests {
    typealias D = DistributedTrainingTests

    /// An EGPO replica after two steps on `comm`, with its trainer.
    static func trained(_ comm: any Communicator, zero: TrainerConfig.ZeroStage) throws -> (PolicyReplica, EGPOTrainer) {
        var config = D.config()
        config.optimizer.zero = zero
        config.optimizer.gradientPath = .reducescatter
        let model = try Transformer(config: D.architecture, seed: 11)
        let replica = try PolicyReplica(policy: LoadedModel(model: model, tokenizer: ByteTokenizer()), optimizer: config.optimizer,
                                        totalSteps: 4, communicator: comm)
        let trainer = try EGPOTrainer(config: config, replica: replica, tasks: D.tasks, codec: try TaskCodec(tokenizer: ByteTokenizer()))
        trainer.reward = D.parityReward
        for s in 0..<2 { _ = try trainer.step(s) }
        return (replica, trainer)
    }

    @Test func aCheckpointHoldsEverythingAndReadsBackExactly() throws {
        let dir = try Fixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("ckpt.h5")
        // ZeRO-1 over 2 ranks: the moments are gathered to full length before rank 0 writes.
        let saved = try LocalCommunicator.run(size: 2) { comm in
            let (replica, trainer) = try Self.trained(comm, zero: .stage1)
            let state = TrainingState(kind: .egpo, step: 2, worldSize: 2, config: trainer.config, cursor: trainer.cursor,
                                      metricsLines: ["{\"step\": 1}", "{\"step\": 2}"], evaluationsJSON: "[]")
            try TrainingCheckpoint.save(to: comm.rank == 0 ? url : nil, replica: replica, state: state, reference: trainer.reference)
            return (replica.model.parameters.toArray(), replica.optimizer.firstMoment.toArray(), replica.optimizer.secondMoment.toArray(),
                    replica.optimizer.shard, trainer.cursor)
        }
        let loaded = try TrainingCheckpoint.load(url.path)
        #expect(loaded.policy.model.parameters.toArray() == saved[0].0)
        #expect(loaded.state.kind == .egpo && loaded.state.step == 2 && loaded.state.optimizerStep == 4 && loaded.state.worldSize == 2)
        #expect(loaded.state.cursor == saved[0].4)
        #expect(loaded.state.config == D.config().with { $0.optimizer.zero = .stage1; $0.optimizer.gradientPath = .reducescatter })
        #expect(loaded.state.metricsLines == ["{\"step\": 1}", "{\"step\": 2}"])
        #expect(loaded.state.evaluationsJSON == "[]")
        #expect(loaded.reference == (try Transformer(config: D.architecture, seed: 11)).parameters.toArray())
        for r in 0..<2 {
            #expect(Array(loaded.firstMoment[saved[r].3]) == saved[r].1, "rank \(r)'s shard of m")
            #expect(Array(loaded.secondMoment[saved[r].3]) == saved[r].2, "rank \(r)'s shard of v")
        }
        // A model file as far as every reader is concerned, with a checksum on every tensor.
        let model = try ModelFile.read(from: url.path)
        #expect(model.model.parameters.toArray() == saved[0].0)
        let file = try HDF5File.open(at: url.path)
        defer { try? file.close() }
        for e in model.model.layout.entries { #expect(try file.root.isChecksummed(e.name), "\(e.name) has no checksum") }
        #expect(try file.root.group("training").isChecksummed("adam_m"))

        // Restored into a replicated optimizer on one rank: the full moments and the step.
        let one = try LocalCommunicator.run(size: 1) { comm in
            let replica = try PolicyReplica(policy: loaded.policy, optimizer: D.config().optimizer, totalSteps: 4, communicator: comm)
            TrainingCheckpoint.restore(loaded, into: replica)
            return (replica.optimizer.firstMoment.toArray(), replica.optimizer.adam.step)
        }[0]
        #expect(one.0 == loaded.firstMoment && one.1 == 4)
    }

    @Test func aFlippedByteIsACheckpointErrorNamingTheTensor() throws {
        let dir = try Fixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("ckpt.h5")
        _ = try LocalCommunicator.run(size: 1) { comm in
            let (replica, trainer) = try Self.trained(comm, zero: .off)
            try TrainingCheckpoint.save(to: url, replica: replica, state: TrainingState(kind: .egpo, step: 2, worldSize: 1,
                                        config: trainer.config, cursor: trainer.cursor, metricsLines: []), reference: nil)
        }
        var bytes = try Data(contentsOf: url)
        // The moments fill the second half of the file: flip a byte inside them.
        bytes[bytes.count * 3 / 4] ^= 0x40
        try bytes.write(to: url)
        #expect {
            _ = try TrainingCheckpoint.load(url.path)
        } throws: { error in
            guard case let .checkpoint(path, problem)? = error as? TrainingError else { return false }
            return path == url.path && problem.contains("Fletcher-32") && problem.contains("/training/adam_")
        }
        // Truncated: refused as such, not a crash.
        try bytes.prefix(bytes.count / 3).write(to: url)
        #expect(throws: TrainingError.self) { _ = try TrainingCheckpoint.load(url.path) }
    }

    /// Resuming at any step, the epoch boundary included, continues the same order: within an
    /// epoch every task comes exactly once.
    @Test(arguments: [(24, 8), (23, 8), (10, 4), (5, 7)])
    func aResumedCursorNeitherRepeatsNorSkips(count: Int, batch: Int) throws {
        var straight = DataCursor(shuffleSeed: 9)
        let reference = try (0..<12).map { _ in try straight.next(batch, of: count) }
        for stopAt in 0...12 {
            var c = DataCursor(shuffleSeed: 9)
            var seen = try (0..<stopAt).map { _ in try c.next(batch, of: count) }
            // Through a checkpoint's fields (and JSON, as config-free state).
            var resumed = try JSONDecoder().decode(DataCursor.self, from: JSONEncoder().encode(c))
            seen += try (stopAt..<12).map { _ in try resumed.next(batch, of: count) }
            #expect(seen == reference, "resume after batch \(stopAt)")
        }
        let flat = reference.flatMap { $0 }
        for e in 0 ..< flat.count / count { #expect(Set(flat[e * count ..< (e + 1) * count]).count == count, "epoch \(e) repeats a task") }
    }

    @Test func retentionKeepsTheNewestAndLatestSkipsBrokenFiles() throws {
        let dir = try Fixtures.temporaryDirectory()
        let folder = try RunFolder.create(dir.path)
        try LocalCommunicator.run(size: 1) { comm in
            let (replica, trainer) = try Self.trained(comm, zero: .off)
            for step in [2, 4, 6, 8] {
                try TrainingCheckpoint.save(to: folder.checkpoint(step: step), replica: replica, state: TrainingState(kind: .egpo, step: step,
                                            worldSize: 1, config: trainer.config, cursor: trainer.cursor, metricsLines: []), reference: nil)
                try folder.pruneCheckpoints(keep: 2)
            }
        }
        #expect(folder.stepCheckpoints().map(\.step) == [6, 8])
        try Data("not hdf5".utf8).write(to: folder.checkpoint(step: 8))
        let latest = try folder.latestCheckpoint()
        #expect(latest.loaded.state.step == 6)
        #expect(latest.skipped.count == 1 && latest.skipped[0].contains("step-000008.h5"))
    }

    /// ZeRO-1 moments reach rank 0 in gather rounds; with rounds far smaller than a shard (7
    /// elements, 3 ranks with uneven shards) every element still lands at its place.
    @Test func streamedMomentsAssembleInRoundsSmallerThanAShard() throws {
        let results = try LocalCommunicator.run(size: 3) { comm in
            let (replica, _) = try Self.trained(comm, zero: .stage1)
            var full = [Float](repeating: .nan, count: comm.rank == 0 ? replica.model.parameters.count : 0)
            try TrainingCheckpoint.stream(replica.optimizer.secondMoment, replica, chunk: 7) { offset, values in
                for (i, x) in values.enumerated() { full[offset + i] = x }
            }
            return (full, replica.optimizer.secondMoment.toArray())
        }
        #expect(results[0].0 == results.flatMap(\.1))
    }

    @Test func aStopRequestSavesAfterTheCurrentStepAndEndsTheLoop() throws {
        var saved: [Int] = [], ran: [Int] = []
        let loop = TrainingLoop(steps: 10, saveEvery: 0, folder: nil, log: nil,
                                stopRequested: { ran.count == 3 ? SIGTERM : nil }, onProgress: { _ in })
        let outcome = try loop.run(from: 1, { s in ran.append(s); return MetricsRecord() }, save: { done, _ in saved.append(done) })
        #expect(outcome == .stopped(afterStep: 4, reason: "SIGTERM"))
        #expect(ran == [1, 2, 3] && saved == [4])
        let planned = TrainingLoop(steps: 10, saveEvery: 0, stopAfter: 2, folder: nil, log: nil, onProgress: { _ in })
        saved = []
        #expect(try planned.run({ _ in MetricsRecord() }, save: { done, _ in saved.append(done) }) == .stopped(afterStep: 2, reason: "--stop-after"))
        #expect(saved == [2])
    }
}

extension TrainerConfig {
    /// A copy changed by `body`.
    func with(_ body: (inout TrainerConfig) -> Void) -> TrainerConfig {
        var c = self
        body(&c)
        return c
    }
}
