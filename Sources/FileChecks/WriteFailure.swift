import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why writing a file into a folder failed, in words a user acts on, instead of a library's
/// stack of internal errors: the file system is full or its quota used up (`DiskSpace`), it is
/// mounted read-only, or the system's own reason for refusing a new file there (a folder under
/// /proc takes none: "No such file or directory").
public enum WriteFailure {
    /// The reason a write into `folder` failed with `error` (the `errno` then, 0 when the
    /// failing library lost it), or nil when nothing about the folder explains it.
    public static func reason(folder: String, error: Int32) -> String? {
        if let full = DiskSpace.fullDiskReason(folder: folder, error: error) { return full }
        var s = statvfs()
        if error == EROFS || (statvfs(folder, &s) == 0 && (s.f_flag & UInt(ST_RDONLY)) != 0) {
            return "the file system holding \(folder) is read-only"
        }
        guard error != 0 else { return nil }
        return "cannot create a file in \(folder): \(String(cString: strerror(error)))"
    }

    /// `reason` for a Foundation write that threw `error` (its underlying POSIX error, else the
    /// current `errno`).
    public static func reason(folder: String, after error: any Error) -> String? {
        reason(folder: folder, error: DiskSpace.errorNumber(of: error))
    }
}
