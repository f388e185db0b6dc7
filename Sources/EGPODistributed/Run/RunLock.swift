import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Rank 0's hold on a run folder for the whole run, so that no second process writes into it:
/// an advisory `flock` on `<run>/.lock`, which the kernel releases when the process ends however
/// it ends, so a killed run never leaves a stale lock. The holder writes who it is (host, pid,
/// start time, command) into the file, and a refused run names it.
///
/// On NFS, Linux turns `flock` into a byte-range lock the server arbitrates (NLM or NFSv4), so
/// the lock holds across hosts whose server supports locking. A file system that supports no
/// locks at all (Lustre mounted without `-o flock`, some FUSE mounts) makes `flock` fail with
/// ENOLCK, ENOSYS or EOPNOTSUPP: the run then goes ahead with `unprotected` set to the reason, and
/// the caller says once that two runs on that folder are not kept apart.
public final class RunLock {
    /// The lock file inside the run folder.
    public static let fileName = ".lock"

    /// The run folder held, and its lock file.
    public let folder: URL
    public let path: String
    /// Why the folder could not be locked although the run goes ahead (the file system has no
    /// locks), or nil when it is locked.
    public let unprotected: String?
    private var descriptor: Int32

    /// Takes the lock on `folder` (which must exist) or throws `.locked` naming the holder.
    public init(folder: URL, command: String, now: Date = Date()) throws(TrainingError) {
        self.folder = folder
        path = folder.appendingPathComponent(Self.fileName).path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .data("run folder \(folder.path): cannot open its lock file \(path): \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK {
                let holder = Self.holder(descriptor)
                close(descriptor)
                throw .locked(folder: folder.path, holder: holder)
            }
            guard [ENOLCK, ENOSYS, EOPNOTSUPP, EINVAL].contains(code) else {
                close(descriptor)
                throw .data("run folder \(folder.path): cannot lock \(path): \(String(cString: strerror(code)))")
            }
            unprotected = "the file system holding \(folder.path) does not support file locks (\(String(cString: strerror(code)))); "
                + "nothing stops a second run from writing into this folder, so start one run per folder"
        } else {
            unprotected = nil
        }
        let line = "host \(ProcessInfo.processInfo.hostName), pid \(getpid()), started \(Self.iso8601(now)), \(command)\n"
        // The file's bytes only describe the holder; the lock is what keeps others out.
        _ = ftruncate(descriptor, 0)
        _ = line.utf8CString.withUnsafeBufferPointer { pwrite(descriptor, $0.baseAddress, $0.count - 1, 0) }
    }

    /// Releases the lock (also done by the kernel when the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// Whether another process holds the lock on `folder` now (its description), or nil.
    public static func currentHolder(of folder: URL) -> String? {
        let fd = open(folder.appendingPathComponent(fileName).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) != 0, errno == EWOULDBLOCK else { return nil }
        return holder(fd)
    }

    private static func holder(_ fd: Int32) -> String {
        var bytes = [UInt8](repeating: 0, count: 512)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 512, 0) }
        let text = n > 0 ? String(decoding: bytes[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return text.isEmpty ? "another process (it has not written its name yet)" : text
    }

    static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
