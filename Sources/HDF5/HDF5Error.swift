import FileChecks
import Foundation

/// What can go wrong with an HDF5 file. Every case names the file and, where there is one, the
/// object inside it.
public enum HDF5Error: Error, CustomStringConvertible, Equatable {
    /// An HDF5 library call failed; `message` is the library's own error stack, summarised.
    case call(function: String, path: String, object: String, message: String)
    /// A dataset has another shape than the caller expected.
    case shapeMismatch(path: String, dataset: String, expected: [Int], actual: [Int])
    /// A dataset or attribute holds another kind of value than the caller asked for.
    case typeMismatch(path: String, object: String, expected: String, actual: String)
    /// A group, dataset or attribute that should exist does not.
    case missing(path: String, object: String, kind: String)
    /// A file-system operation (rename, fsync, unlink) failed.
    case fileSystem(operation: String, path: String, message: String)
    /// A write stopped because the file system is full (`reason` says which folder and how
    /// much is free); `written` bytes had gone into the temporary file, now removed.
    case diskFull(path: String, reason: String, written: Int64)
    /// A write that the file system refused for another reason than space (`reason`: read-only,
    /// or no new files there); the temporary file, if any, was removed.
    case notWritten(path: String, reason: String)

    public var description: String {
        switch self {
        case let .call(function, path, object, message):
            return "\(path): \(function) failed on '\(object)': \(message)"
        case let .shapeMismatch(path, dataset, expected, actual):
            return "\(path): dataset '\(dataset)' has shape \(actual), expected \(expected)"
        case let .typeMismatch(path, object, expected, actual):
            return "\(path): '\(object)' holds \(actual), expected \(expected)"
        case let .missing(path, object, kind):
            return "\(path): no \(kind) named '\(object)'"
        case let .fileSystem(operation, path, message):
            return "\(path): \(operation) failed: \(message)"
        case let .diskFull(path, reason, written):
            return "\(path): not written: \(reason) after \(DiskSpace.describe(bytes: written)) of the file; "
                + "the partial file was removed, and what \(URL(fileURLWithPath: path).lastPathComponent) held before is untouched"
        case let .notWritten(path, reason):
            return "\(path): not written: \(reason); what \(URL(fileURLWithPath: path).lastPathComponent) held before is untouched"
        }
    }
}
