import Foundation
import HDF5
import Testing
import TestSupport

/// `launcher sft --resume` over less data than the checkpoint's cursor, or from a checkpoint whose
/// data cursor was edited: before, a SIGILL in DataCursor ("Range requires lowerBound <= upperBound")
/// or an overflow; now a stated new epoch, or one line naming the checkpoint and the attribute.
@Suite struct ResumeOverOtherDataCommandLineTests {
    static let tiny = TrainCommandLineTests.tiny

    /// A 4-step SFT run over 40 tasks (39 with a reference; 4 per step, so the cursor stands at position 16) in `dir`.
    static func checkpointedRun(_ dir: URL) throws -> String {
        let sft = try LauncherBinary.run(["sft", "--steps", "4", "--run-dir", dir.path + "/s"] + tiny)
        #expect(sft.status == 0, "\(sft.stderr)")
        return dir.path + "/s/checkpoints/final.h5"
    }

    @Test func fewerTasksContinueAtTheNextEpochAndSaySo() throws {
        let dir = try Fixtures.temporaryDirectory("resume-data")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.checkpointedRun(dir)
        let run = try LauncherBinary.run(["sft", "--steps", "6", "--resume", "latest", "--run-dir", dir.path + "/s"] + Self.tiny
                                         + ["--set", "data.trainTasks=5"])
        #expect(!run.signaled && run.status == 0, "status \(run.status): \(run.stderr)")
        #expect(run.stdout.contains("resume: the training data now has 5 tasks and its order was over 39 tasks "
            + "(data.train, data.trainTasks or the prompt length limit changed), so its place (epoch 0, position 16) does not carry over: "
            + "the run continues at the start of epoch 1, over the 5 tasks"), "\(run.stdout)")
        #expect(run.stdout.contains("sft 6/6"), "\(run.stdout)")
    }

    @Test(arguments: [("data_position", Int64(1000), "data_position 1000 with data_count 39 (expected a data_count >= 1 and a data_position from 0 to data_count)"),
                      ("data_epoch", Int64.max, "data epoch 9223372036854775807 cannot advance to the next (it would overflow a 64-bit integer; expected an epoch a run can reach)")])
    func anEditedCursorIsRefusedNamingTheCheckpoint(attribute: String, value: Int64, problem: String) throws {
        let dir = try Fixtures.temporaryDirectory("resume-edited")
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpoint = try Self.checkpointedRun(dir)
        let file = try HDF5File.open(at: checkpoint, writable: true)
        try file.root.group("training").setAttribute(attribute, value)
        try file.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let run = try LauncherBinary.run(["sft", "--steps", "6", "--resume", checkpoint, "--run-dir", dir.path + "/s"] + Self.tiny)
        #expect(!run.signaled && run.status == 1, "status \(run.status): \(run.stderr)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasSuffix("checkpoint \(checkpoint): \(problem)") == true, "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before)
    }
}
