import Foundation
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT or SIGTERM while `launcher import` writes its model file: before, the partial
/// `.NAME.h5.tmp-*` file (hundreds of MB for a real model) stayed beside the output in most
/// tries; now the process removes it on the way out and dies of the signal.
@Suite(.serialized) struct ImportInterruptCommandLineTests {
    /// A Hugging Face folder of the Qwen2 fixture's architecture with a 262,144-row embedding
    /// (8.4 M parameters, a 34 MB model file): its write takes long enough to be interrupted.
    static func largeFolder(in dir: URL) throws -> String {
        let base = try HuggingFaceFolder.read(from: HuggingFaceGoldenTests.folder.appendingPathComponent("qwen2-tied-bf16").path)
        var config = base.config
        config.vocabularySize = 262_144
        let path = dir.appendingPathComponent("large").path
        try HuggingFaceFolder(config: config, parameters: FloatBuffer(count: config.parameterLayout.totalCount))
            .write(to: path, dtype: .bf16)
        return path
    }

    /// Temporary files beside `out`.
    static func leftovers(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalMidWriteLeavesNoTemporaryFile(signalNumber: Int32) throws {
        let dir = try Fixtures.temporaryDirectory("import-interrupt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try Self.largeFolder(in: dir)
        let outDir = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let out = outDir.appendingPathComponent("m.h5").path

        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let launcher = try LauncherBinary.url().path
        let words: [String] = [launcher, "import", "--from", folder, "--out", out]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The test runner may ignore or block these signals; the launcher starts as from a shell.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        #expect(posix_spawn(&pid, launcher, &actions, &attributes, argv, environ) == 0)

        // Signal as soon as the temporary file exists, while the model is being written.
        let deadline = Date().addingTimeInterval(120)
        var seen = false
        while Date() < deadline, !seen {
            seen = !(try Self.leftovers(outDir)).isEmpty
            if !seen { usleep(2_000) }
        }
        #expect(seen, "the temporary file never appeared")
        kill(pid, signalNumber)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let diedOf = status & 0x7f
        #expect(diedOf == signalNumber || (diedOf == 0 && FileManager.default.fileExists(atPath: out)),
                "status \(status): expected death by signal \(signalNumber), or a finished file if the signal came after the rename")
        let left = try Self.leftovers(outDir)
        #expect(left == [], "left behind: \(left)")
    }
}
