import Foundation

/// The launcher executable built beside the test bundle, and a way to run it.
public enum LauncherBinary {
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "launcher not found at \(path); build it first (swift build)" }
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

    /// Runs the launcher with `arguments` and waits for it.
    public static func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read before waiting so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                   stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
