import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Free space of the file system holding a folder, to say "the disk is full" when a write fails
/// for that reason instead of passing on a library's stack of internal errors (HDF5 reports a
/// full disk as "unable to flush file's cached information").
public enum DiskSpace {
    /// Below this many free bytes after a failed write, the failure is put down to a full disk
    /// even when the library that failed lost `errno`.
    public static let nearlyFull: Int64 = 1 << 20

    /// Bytes an unprivileged writer may still use on the file system holding `folder`, or nil
    /// when it cannot be asked.
    public static func available(folder: String) -> Int64? {
        var s = statvfs()
        guard statvfs(folder, &s) == 0 else { return nil }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
    }

    /// After a write into `folder` failed with `error` (the `errno` then): a sentence saying the
    /// file system is full, with its free bytes, or nil when that is not why.
    public static func fullDiskReason(folder: String, error: Int32) -> String? {
        let free = available(folder: folder)
        // Little free space explains a failure whose errno was lost or garbled (Foundation's
        // atomic write reports ENOENT when its temporary file could not be filled), but not a
        // read-only one; and a file system of no blocks (/proc, /sys) is never full, it holds
        // no files.
        let heldBlocks = { () -> Bool in var s = statvfs(); return statvfs(folder, &s) == 0 && s.f_blocks > 0 }()
        let full = error == ENOSPC || error == EDQUOT || (error != EROFS && heldBlocks && (free.map { $0 < nearlyFull } ?? false))
        guard full else { return nil }
        let what = error == EDQUOT ? "the disk quota for \(folder) is used up" : "the file system holding \(folder) is full"
        return what + (free.map { " (\(describe(bytes: $0)) free)" } ?? "")
    }

    /// `fullDiskReason` for a Foundation write that threw `error` (the errno is its underlying
    /// POSIX error, else the current `errno`), for a file in `folder`.
    public static func fullDiskReason(folder: String, after error: any Error) -> String? {
        fullDiskReason(folder: folder, error: errorNumber(of: error))
    }

    /// The errno behind a Foundation error: its underlying POSIX error, else the current `errno`.
    public static func errorNumber(of error: any Error) -> Int32 {
        let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code ?? Int(errno)
        return Int32(truncatingIfNeeded: code)
    }

    /// `512 bytes`, `3.4 KB`, `12.0 MB`, `1.50 GB` (powers of 1000, as df -H).
    public static func describe(bytes: Int64) -> String {
        let b = Double(bytes)
        if bytes < 1000 { return "\(bytes) bytes" }
        if b < 1e6 { return String(format: "%.1f KB", b / 1e3) }
        if b < 1e9 { return String(format: "%.1f MB", b / 1e6) }
        return String(format: "%.2f GB", b / 1e9)
    }
}
