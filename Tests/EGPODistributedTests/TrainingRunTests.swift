import Foundation
import FunctionCalling
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// Whole runs as `launcher train` and `launcher sft` do them, in-process on LocalCommunicator
/// ranks: both phases, a stop and its resume, a stop by signal. The run-folder lock and
/// `--overwrite` are in RunFolderOwnershipTests.
@Suite(.serialized) struct TrainingRunTests {
    /// A 1-layer model of hidden size 32 with a 300-token vocabulary learnt from 40 tasks.
    static let tiny = ["model.architecture.hidden_size=32", "model.architecture.intermediate_size=64",
                       "model.architecture.num_hidden_layers=1", "model.architecture.num_attention_heads=2",
                       "model.architecture.num_key_value_heads=2", "model.architecture.vocab_size=300", "model.tokenizerVocabulary=300",
                       "data.trainTasks=40", "sft.batchSize=4", "rollout.prompts=2", "rollout.groupSize=2",
                       "rollout.maxCompletionTokens=8", "eval.tasks=4", "eval.maxNewTokens=8"]

    static func request(_ runDir: URL, _ settings: [String] = [], resume: String? = nil, stopAfter: Int? = nil,
                        overwrite: Bool = false, fromScratch: Bool = false) throws -> RunRequest {
        let overrides = try (tiny + settings + ["run.runDir=\(JSON.quoted(runDir.path))"]).map { try TrainerConfig.Override(parsing: $0) }
        var r = RunRequest(overrides: overrides, runDir: runDir.path, resume: resume, stopAfter: stopAfter, overwrite: overwrite,
                           fromScratch: fromScratch)
        r.handlesSignals = false
        return r
    }

    /// What rank 0 was told, collected across the rank threads.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [RunEvent] = []
        var sink: RunEvents { { [self] e in lock.withLock { events.append(e) } } }
        var lines: [String] { lock.withLock { events.compactMap { if case .say(let s) = $0 { s } else { nil } } } }
        var steps: [String] {
            lock.withLock { events.compactMap { if case .step(let r) = $0 { "\(r.phase.rawValue) \(r.progress.step)" } else { nil } } }
        }
    }

    struct RankOutcome: Sendable {
        var parameters: [Float]
        var folder: String?
    }

    static func sft(_ request: RunRequest, ranks: Int, events: Events = Events()) throws -> [RankOutcome] {
        try LocalCommunicator.run(size: ranks) { comm in
            let r = try TrainingRun.sft(request, comm: comm, events: events.sink)
            return RankOutcome(parameters: Array(r.policy.model.parameters.bufferPointer), folder: r.folder?.root.path)
        }
    }

    /// `launcher train --from-scratch` on 2 ranks: SFT into <run>/sft, then EGPO with held-out
    /// evaluation before and after; rank 0 alone writes the folder and hears the events.
    @Test func trainFromScratchRunsBothPhasesOnTwoRanks() throws {
        let dir = try Fixtures.temporaryDirectory("run-both")
        defer { try? FileManager.default.removeItem(at: dir) }
        let events = Events()
        let request = try Self.request(dir, ["run.steps=2", "sft.steps=2"], fromScratch: true)
        let outcomes = try LocalCommunicator.run(size: 2) { comm in
            let r = try TrainingRun.train(request, comm: comm, events: events.sink)
            return RankOutcome(parameters: Array(r.policy.model.parameters.bufferPointer), folder: r.folder?.root.path)
        }
        #expect(outcomes[0].folder == dir.path && outcomes[1].folder == nil)
        #expect(outcomes[0].parameters == outcomes[1].parameters, "the replicas differ")
        #expect(events.steps == ["sft 1", "sft 2", "egpo 1", "egpo 2"], "\(events.steps)")
        for line in ["train: SFT done", "eval before (step 0)", "eval after (step 2)", "held-out accuracy changed by"] {
            #expect(events.lines.contains { $0.contains(line) }, "no '\(line)' in \(events.lines)")
        }
        for file in ["sft/checkpoints/final.h5", "sft/metrics.jsonl", "config.json", "metrics.jsonl", "checkpoints/final.h5",
                     "eval/before/scores.json", "eval/after/scores.json", "summary.md", "summary.json", "plot.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "no \(file)")
        }
        let metrics = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(metrics.count == 2)
    }

    /// A run stopped after step 2 (`--stop-after`) and resumed with `--resume latest` at another
    /// world size ends with the parameters of the run that never stopped, bit for bit.
    @Test func stopAndResumeEqualsTheUnbrokenRun() throws {
        let dir = try Fixtures.temporaryDirectory("run-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        let unbroken = try Self.sft(Self.request(dir.appendingPathComponent("whole"), ["sft.steps=4"]), ranks: 2)
        let sliced = dir.appendingPathComponent("sliced")
        #expect(throws: StoppedBySignal.self) { try Self.sft(Self.request(sliced, ["sft.steps=4"], stopAfter: 2), ranks: 2) }
        #expect(RunFolder(root: sliced).stepCheckpoints().map(\.step) == [2])
        let resumed = try Self.sft(Self.request(sliced, ["sft.steps=4"], resume: "latest"), ranks: 2)
        #expect(resumed[0].parameters == unbroken[0].parameters, "resumed parameters differ from the unbroken run's")
        let lines = try String(contentsOf: RunFolder(root: sliced).metricsFile, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
    }

    /// A signal on any rank stops every rank after the same step, with a checkpoint, and the
    /// run continues from it.
    @Test func aSignalStopsEveryRankAfterTheSameStep() throws {
        let dir = try Fixtures.temporaryDirectory("run-signal")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Rank 1 alone has the signal (each rank is a thread that knows its rank); rank 0 stops
        // with it, after the same step.
        var signalled = try Self.request(dir, ["sft.steps=3"])
        signalled.pendingSignal = { (Thread.current.threadDictionary["rank"] as? Int) == 1 ? SIGTERM : nil }
        let request = signalled
        do {
            _ = try LocalCommunicator.run(size: 2) { comm in
                Thread.current.threadDictionary["rank"] = comm.rank
                return try TrainingRun.sft(request, comm: comm, events: Events().sink).folder?.root.path
            }
            Issue.record("the run did not stop")
        } catch let stopped as StoppedBySignal {
            #expect(stopped.step == 1 && stopped.reason == "SIGTERM")
            #expect(stopped.description.contains("--resume latest --run-dir \(dir.path)"))
        }
        #expect(FileManager.default.fileExists(atPath: RunFolder(root: dir).checkpoint(step: 1).path))
        let events = Events()
        _ = try Self.sft(Self.request(dir, ["sft.steps=3"], resume: "latest"), ranks: 1, events: events)
        #expect(events.steps == ["sft 2", "sft 3"])
    }

    /// A checkpoint whose metrics history is not JSON (edited by hand) is refused on resume,
    /// naming the line, instead of being copied into metrics.jsonl.
    @Test func aDamagedMetricsHistoryIsRefusedOnResume() throws {
        let dir = try Fixtures.temporaryDirectory("run-history")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.sft(Self.request(dir, ["sft.steps=1"]), ranks: 1)
        let path = RunFolder(root: dir).finalCheckpoint.path
        var loaded = try TrainingCheckpoint.load(path)
        loaded.state.metricsLines[0] = "not json"
        let policy = loaded.policy, state = loaded.state
        let edited = dir.appendingPathComponent("edited.h5")
        _ = try LocalCommunicator.run(size: 1) { comm in
            let replica = try PolicyReplica(policy: policy, optimizer: state.config.sft.optimizer, totalSteps: 1, communicator: comm)
            try TrainingCheckpoint.save(to: edited, replica: replica, state: state, reference: nil)
        }
        #expect {
            _ = try Self.sft(Self.request(dir, ["sft.steps=2"], resume: edited.path), ranks: 1)
        } throws: { error in
            "\(error)".contains("line 1 of its metrics history is not a JSON object")
        }
    }
}
