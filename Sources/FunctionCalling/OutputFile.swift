import FileChecks
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one way outputs are written: `check` refuses a path that is a symlink, a device, a FIFO,
/// a directory or one of the command's own inputs, before any work; `write` then replaces the
/// file atomically (a temporary file in the same folder, renamed over the path), so the path
/// holds either its old content or the complete new one.
public enum OutputFile {
    /// Throws unless `path` may be replaced by a new regular file: it is absent or a regular
    /// file (not a symlink), its folder exists, and it is not the same file as any of `inputs`.
    public static func check(_ path: String, inputs: [String] = []) throws(InputFileError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            let kind = FileKind(mode: info.st_mode)
            if kind != .regular {
                throw InputFileError(path: path, problem: "is \(kind.phrase); refusing to write over it (expected a new or regular file)")
            }
            for input in inputs where input != "-" {
                var other = stat()
                if stat(input, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino {
                    throw InputFileError(path: path, problem: "is also the input \(input); refusing to overwrite an input (expected a different output path)")
                }
            }
        } else if errno != ENOENT {
            throw InputFileError(path: path, problem: "cannot check: \(String(cString: strerror(errno)))")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0, (folderInfo.st_mode & S_IFMT) == S_IFDIR else {
            throw InputFileError(path: path, problem: "its folder \(folder) does not exist (expected an existing folder)")
        }
    }

    /// Checks `path` as `check` does, then writes `data` there atomically.
    public static func write(_ data: Data, to path: String, inputs: [String] = []) throws(InputFileError) {
        try check(path, inputs: inputs)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            if let reason = WriteFailure.reason(folder: URL(fileURLWithPath: path).deletingLastPathComponent().path, after: error) {
                throw InputFileError(path: path, problem: "not written (\(DiskSpace.describe(bytes: Int64(data.count)))): \(reason); what was there before is untouched")
            }
            throw InputFileError(path: path, problem: "cannot write: \(error.localizedDescription)")
        }
    }
}
