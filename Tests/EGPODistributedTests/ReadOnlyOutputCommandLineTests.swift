import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Outputs the file system refuses for another reason than space: before, a read-only file
/// system gave HDF5's raw error stack or Foundation's "The volume is read only" with no path,
/// and a folder under /proc was called full (its statvfs reports 0 bytes free). Now one line
/// says what really failed, naming the path.
@Suite(.serialized) struct ReadOnlyOutputCommandLineTests {
    let folder: URL
    let config: String
    let model: String
    init() throws {
        folder = try Fixtures.temporaryDirectory("read-only-out")
        let (config, model, made) = try LauncherBinary.tinyModel(in: folder)
        self.config = config
        self.model = model
        #expect(made.status == 0, "\(made.stderr)")
    }

    func expectFailure(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try LauncherBinary.run(arguments)
        #expect(!run.signaled && run.status == 1, "\(arguments): status \(run.status)", sourceLocation: sourceLocation)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first.map(String.init) == "Error: " + message, "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
    }

    /// Every kind of output (an HDF5 model file, a JSON file, an exported folder) into `dir`,
    /// which refuses new files with `reason`.
    func expectEveryOutputRefused(in dir: String, _ reason: String) throws {
        try expectFailure(["init", "--config", config, "--out", dir + "/m.h5"],
                          "\(dir)/m.h5: not written: \(reason); what m.h5 held before is untouched")
        try expectFailure(["tokenizer", "train", "--corpus", config, "--vocab-size", "300", "--out", dir + "/t.json"],
                          "tokenizer file \(dir)/t.json: not written (7.4 KB): \(reason); what was there before is untouched")
        try expectFailure(["export", "--checkpoint", model, "--out", dir + "/exported"],
                          "\(dir)/exported: not written: \(reason); nothing was left there")
        try expectFailure(["sft", "--run-dir", dir + "/run", "--steps", "1"], "run folder \(dir)/run: cannot create it: \(reason)")
    }

    @Test func aFolderUnderProcIsNotCalledFull() throws {
        try expectEveryOutputRefused(in: "/proc", "cannot create a file in /proc: No such file or directory")
    }

    @Test func aReadOnlyFileSystemIsNamed() throws {
        let mountPoint = folder.appendingPathComponent("ro").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard getuid() == 0, mount("tmpfs", mountPoint, "tmpfs", 0, "size=1m") == 0 else {
            print("skipped: mounting a tmpfs needs root (uid \(getuid()), errno \(errno)); the read-only case is not checked")
            return
        }
        defer { umount(mountPoint) }
        guard mount("tmpfs", mountPoint, "tmpfs", UInt(MS_REMOUNT | MS_RDONLY), "size=1m") == 0 else {
            Issue.record("remounting \(mountPoint) read-only failed: \(String(cString: strerror(errno)))")
            return
        }
        try expectEveryOutputRefused(in: mountPoint, "the file system holding \(mountPoint) is read-only")
    }
}
