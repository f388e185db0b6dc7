import Foundation
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// A run folder is owned by one run: rank 0 holds a lock on it for the whole run (released by the
/// kernel when the holder dies), a second run is refused naming the holder, and a new run in a
/// folder that holds an earlier one is refused unless `--overwrite` moves the earlier one aside.
@Suite(.serialized) struct RunFolderOwnershipTests {
    /// A file's bytes, to show it was left alone.
    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func finishedRun() throws -> URL {
        let dir = try Fixtures.temporaryDirectory("owned")
        _ = try TrainingRunTests.sft(TrainingRunTests.request(dir, ["sft.steps=2", "run.saveEvery=1"]), ranks: 1)
        return dir
    }

    @Test func aSecondRunOnALockedFolderIsRefusedNamingTheHolder() throws {
        let dir = try Self.finishedRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try Self.bytes(RunFolder(root: dir).finalCheckpoint.path)
        let holder = try RunLock(folder: dir, command: "launcher sft")
        defer { holder.release() }
        for request in [try TrainingRunTests.request(dir, ["sft.steps=2"]),
                        try TrainingRunTests.request(dir, ["sft.steps=2"], overwrite: true),
                        try TrainingRunTests.request(dir, ["sft.steps=3"], resume: "latest")] {
            #expect {
                _ = try TrainingRunTests.sft(request, ranks: 1)
            } throws: { error in
                guard case let .locked(folder, who) = error as? TrainingError else { return false }
                return folder == dir.path && who.contains("pid \(getpid())") && who.contains("launcher sft") && who.contains("started 20")
            }
        }
        #expect(try Self.bytes(RunFolder(root: dir).finalCheckpoint.path) == before)
        #expect(RunFolder(root: dir).stepCheckpoints().count == 1)
    }

    /// `--resume latest` on a run that is still going must not reach its checkpoints folder: it
    /// used to remove the running writer's temporary file (and then the writer died).
    @Test func resumeOnARunningRunTouchesNothing() throws {
        let dir = try Self.finishedRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inFlight = RunFolder(root: dir).checkpoints.appendingPathComponent(".step-000003.h5.tmp-99-abc")
        try Data([1, 2, 3]).write(to: inFlight)
        let holder = try RunLock(folder: dir, command: "launcher sft")
        #expect {
            _ = try TrainingRunTests.sft(TrainingRunTests.request(dir, ["sft.steps=3"], resume: "latest"), ranks: 2)
        } throws: { error in "\(error)".contains("is in use by another run (host ") }
        #expect(FileManager.default.fileExists(atPath: inFlight.path))
        holder.release()
        // Once the holder is gone the resume goes ahead (and clears the abandoned temporary).
        _ = try TrainingRunTests.sft(TrainingRunTests.request(dir, ["sft.steps=3"], resume: "latest"), ranks: 2)
        #expect(!FileManager.default.fileExists(atPath: inFlight.path))
    }

    /// A holder killed with SIGKILL leaves no stale lock: the kernel drops it with the process.
    /// The holder is a real `launcher sft` in another process, killed mid-run.
    @Test func aKilledHolderLeavesNoStaleLock() throws {
        let dir = try Fixtures.temporaryDirectory("owned-killed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = try LauncherBinary.url()
        process.arguments = ["sft", "--run-dir", dir.path, "--steps", "100000", "--save-every", "0"]
            + TrainingRunTests.tiny.flatMap { ["--set", $0] }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var waited = 0
        // The lock is taken a moment before the holder's line is written into it: wait for the line.
        while !(RunLock.currentHolder(of: dir)?.contains("pid ") ?? false), waited < 400, process.isRunning {
            usleep(25_000)
            waited += 1
        }
        let holder = RunLock.currentHolder(of: dir)
        #expect(holder?.contains("pid \(process.processIdentifier)") == true, "\(holder ?? "no holder")")
        #expect(throws: TrainingError.self) { _ = try RunLock(folder: dir, command: "test") }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(RunLock.currentHolder(of: dir) == nil)
        let lock = try RunLock(folder: dir, command: "test")
        #expect(lock.unprotected == nil)
        lock.release()
    }

    /// A run refused before its first step (here LoRA on a fresh model) leaves only its
    /// config.json and an empty metrics.jsonl: the corrected command takes the folder without
    /// `--overwrite`, while a run that finished a step still holds it.
    @Test func aRunRefusedBeforeItsFirstStepLeavesTheFolderFree() throws {
        let dir = try Fixtures.temporaryDirectory("owned-refused")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: TrainingError.self) {
            _ = try TrainingRunTests.sft(TrainingRunTests.request(dir, ["sft.steps=1", "model.lora.rank=4"]), ranks: 1)
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path))
        #expect(RunFolder(root: dir).earlierRun().isEmpty)
        _ = try TrainingRunTests.sft(TrainingRunTests.request(dir, ["sft.steps=1"]), ranks: 1)
        #expect(RunFolder(root: dir).earlierRun().contains("metrics.jsonl"))
    }

    /// A new run (no --resume) in a finished run's folder used to replace its metrics.jsonl,
    /// config.json and final.h5 and leave its step checkpoints beside them.
    @Test func aNewRunInAFinishedRunsFolderIsRefusedUnlessOverwriteMovesItAside() throws {
        let dir = try Self.finishedRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = RunFolder(root: dir)
        let final = try Self.bytes(folder.finalCheckpoint.path), metrics = try Self.bytes(folder.metricsFile.path)
        #expect {
            _ = try TrainingRunTests.sft(TrainingRunTests.request(dir, ["sft.steps=1"]), ranks: 2)
        } throws: { error in
            "\(error)".contains("already holds a run (config.json, metrics.jsonl, 2 checkpoints in checkpoints/)")
                && "\(error)".contains("--overwrite")
        }
        #expect(try Self.bytes(folder.finalCheckpoint.path) == final && Self.bytes(folder.metricsFile.path) == metrics)
        #expect {
            _ = try TrainingRunTests.sft(TrainingRunTests.request(dir, ["sft.steps=1"], resume: "latest", overwrite: true), ranks: 1)
        } throws: { error in "\(error)".contains("--resume and --overwrite") }

        let events = TrainingRunTests.Events()
        _ = try TrainingRunTests.sft(TrainingRunTests.request(dir, ["sft.steps=1"], overwrite: true), ranks: 1, events: events)
        let aside = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("replaced-") }
        #expect(aside.count == 1)
        let old = RunFolder(root: dir.appendingPathComponent(aside[0]))
        #expect(try Self.bytes(old.finalCheckpoint.path) == final && Self.bytes(old.metricsFile.path) == metrics)
        #expect(old.stepCheckpoints().count == 1)
        #expect(folder.stepCheckpoints().isEmpty, "the old step checkpoints stayed beside the new run")
        #expect(try String(contentsOf: folder.metricsFile, encoding: .utf8).split(separator: "\n").count == 1)
        #expect(events.lines.contains { $0.contains("moved the earlier run") && $0.contains(aside[0]) })
    }
}
