import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The launcher executable built beside the test bundle, and a way to run it.
///
/// Runs go through posix_spawn and waitpid directly. Foundation's Process reaps children from its
/// own monitoring of child exits; under Swift Testing's parallel tests a run was seen to wait
/// forever on a child that had already exited (a zombie nobody reaped). waitpid on our own pid
/// cannot miss it.
public enum LauncherBinary {
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "launcher not found at \(path); build it first (swift build)" }
    }

    /// A system call that failed while starting the launcher.
    public struct SpawnFailed: Error, CustomStringConvertible {
        public let call: String
        public let code: Int32
        public var description: String { "\(call) failed: \(String(cString: strerror(code)))" }
    }

    /// What a launcher run printed and how it ended.
    public struct Run: Sendable {
        public let status: Int32
        public let signaled: Bool
        public let stdout: String
        public let stderr: String
    }

    /// The executable: swift test runs .../debug/<Package>PackageTests.xctest, the launcher sits beside it.
    public static func url() throws -> URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        if folder.lastPathComponent.hasSuffix(".xctest") { folder = folder.deletingLastPathComponent() }
        let candidate = folder.appendingPathComponent("launcher")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else { throw Missing(path: candidate.path) }
        return candidate
    }

    /// A 1-layer model of hidden size 16 with the byte tokenizer and 64 positions, made by
    /// `launcher init` in `folder`: its config.json, the model file, and how `init` ran.
    public static func tinyModel(in folder: URL) throws -> (config: String, model: String, made: Run) {
        let config = folder.appendingPathComponent("config.json").path, model = folder.appendingPathComponent("m.h5").path
        try #"{"vocab_size": 280, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 64}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        return (config, model, try run(["init", "--config", config, "--out", model]))
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not declare: looked up by name, and left out where the C library lacks it.
    private static func closeFrom(_ fd: Int32, in actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, fd)
    }

    /// Runs the launcher with `arguments`, feeding `stdin`, and waits for it. With
    /// `closedStdin` the child starts with file descriptor 0 closed, as `launcher ... 0<&-`.
    /// - Parameter environment: variables set for the child on top of this process's.
    public static func run(_ arguments: [String], stdin: String? = nil, closedStdin: Bool = false,
                           environment: [String: String] = [:]) throws -> Run {
        let path = try url().path
        // Close-on-exec pipes: a launcher spawned by a parallel test must not inherit our ends.
        let input = try pipe(), output = try pipe(), errors = try pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if closedStdin { posix_spawn_file_actions_addclose(&actions, 0) } else { posix_spawn_file_actions_adddup2(&actions, input.read, 0) }
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        // Nothing else of ours reaches the child: an inherited descriptor would keep, for as long as
        // the child runs, an flock that another test's HDF5 file holds (HDF5 locks the files it
        // opens), and that test's reopening of its own file would fail with "driver lock request failed".
        closeFrom(3, in: &actions)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        for fd in [input.read, output.write, errors.write] { close(fd) }
        guard spawned == 0 else {
            for fd in [input.write, output.read, errors.read] { close(fd) }
            throw SpawnFailed(call: "posix_spawn \(path)", code: spawned)
        }

        // stderr drains on its own thread so a chatty child can never block on a full pipe.
        let errorText = ReadAll(errors.read)
        let thread = Thread { errorText.run() }
        thread.start()
        if let stdin { Data(stdin.utf8).withUnsafeBytes { writeAll(input.write, $0) } }
        close(input.write)
        let outputText = ReadAll(output.read)
        outputText.run()

        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SpawnFailed(call: "waitpid", code: errno) }
        }
        errorText.wait()
        let signal = status & 0x7f
        return Run(status: signal != 0 ? signal : (status >> 8) & 0xff, signaled: signal != 0,
                   stdout: outputText.text, stderr: errorText.text)
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw SpawnFailed(call: "pipe", code: errno) }
        for fd in fds where fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 { throw SpawnFailed(call: "fcntl FD_CLOEXEC", code: errno) }
        return (fds[0], fds[1])
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }   // the child closed its stdin; what it read is what it gets
            offset += n
        }
    }

    /// Reads a file descriptor to its end, then closes it.
    private final class ReadAll: @unchecked Sendable {
        private let fd: Int32
        private var bytes: [UInt8] = []
        private let done = DispatchSemaphore(value: 0)

        init(_ fd: Int32) { self.fd = fd }

        func run() {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
            close(fd)
            done.signal()
        }

        func wait() { done.wait() }
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }
}
