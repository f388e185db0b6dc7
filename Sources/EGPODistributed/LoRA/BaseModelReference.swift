import Crypto
import Foundation
import FunctionCalling

/// The model file a set of adapters was trained on: its absolute path and the SHA-256 of its
/// bytes, so a checkpoint that holds only adapters can find its base again and refuse another.
public struct BaseModelReference: Sendable, Equatable {
    public var path: String
    /// Lowercase hex.
    public var sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }

    /// Hashes the file at `path` (read in 4 MiB pieces).
    public static func of(path: String) throws -> BaseModelReference {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return BaseModelReference(path: absolute, sha256: try sha256(of: absolute))
    }

    /// SHA-256 of a file's bytes, lowercase hex; a path that is not a readable regular file is
    /// refused as every input is (`InputFile.check`).
    public static func sha256(of path: String) throws -> String {
        try InputFile.check(path, limit: Int.max)
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        while let piece = try handle.read(upToCount: 4 << 20), !piece.isEmpty { hasher.update(data: piece) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
