import Foundation

/// Where test inputs live: the repository itself, and ../shared beside it (present in CI).
public enum Fixtures {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared beside the repository, or `EGPO_SHARED_DIR` when set.
    public static var sharedDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["EGPO_SHARED_DIR"] {
            return URL(fileURLWithPath: dir)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// True when ../shared is present (it is in CI and on developer machines).
    public static var hasShared: Bool {
        FileManager.default.fileExists(atPath: sharedDirectory.appendingPathComponent("bfcl").path)
    }

    /// A fresh temporary directory for one test; the caller removes it.
    public static func temporaryDirectory(_ prefix: String = "egpo-test") throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
