import Foundation

/// Output for the launcher: rank 0 speaks on stdout; any rank may report a failure on stderr,
/// naming itself.
enum Console {
    /// Prints a line on standard output.
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Prints a line on standard error.
    static func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// A failure the launcher reports as one plain sentence (no usage text follows it).
struct LauncherError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
