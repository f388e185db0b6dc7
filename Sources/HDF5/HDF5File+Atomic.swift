import FileChecks
import Foundation

extension HDF5File {
    /// Writes a file so that `path` holds either its previous content or the complete new file,
    /// never a half-written one: `body` writes into a temporary file in the same folder, which is
    /// flushed, closed and fsynced, then renamed over `path` (rename is atomic within a file
    /// system), and the folder is fsynced. On any error the temporary file is removed and `path`
    /// is untouched; so it is when SIGINT or SIGTERM ends a process that leaves them at their
    /// default action (`InterruptCleanup`).
    /// - Parameters:
    ///   - path: the final file name.
    ///   - beforeRename: called with the temporary path once it is complete and closed, just
    ///     before the rename. Tests use it to simulate a crash at the worst moment.
    ///   - body: writes the file's content.
    @discardableResult
    public static func writeAtomically<R>(
        to path: String,
        beforeRename: (String) throws -> Void = { _ in },
        _ body: (HDF5File) throws -> R
    ) throws -> R {
        // rename(2) replaces whatever `path` names: as root, even /dev/null. Only a new path or
        // a regular file may be replaced.
        if let kind = FileKind.at(path, followingLinks: false), kind != .regular {
            throw HDF5Error.fileSystem(operation: "refusing to write over \(kind.phrase) (expected a new or regular file)", path: path, message: "not replaced")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        // The errno of a failure inside the write, taken before the cleanup's unregistering.
        var failedWith: Int32 = 0
        do {
            // SIGINT or SIGTERM meanwhile removes the temporary file before the process ends.
            let result = try InterruptCleanup.removing(temporary) {
                do {
                    let file = try HDF5File.create(at: temporary)
                    let result: R
                    do {
                        result = try body(file)
                        try file.flush()
                        try file.close()
                    } catch {
                        try? file.close()
                        throw error
                    }
                    try fsync(path: temporary)
                    try beforeRename(temporary)
                    guard rename(temporary, path) == 0 else {
                        throw HDF5Error.fileSystem(operation: "rename from \(temporary)", path: path, message: errnoText())
                    }
                    return result
                } catch {
                    failedWith = errno
                    throw error
                }
            }
            try fsync(path: folder)
            return result
        } catch {
            // Asked before the temporary file is removed: that frees what it took.
            let code = failedWith != 0 ? failedWith : errno
            var info = stat()
            let written = stat(temporary, &info) == 0 ? Int64(info.st_size) : 0
            let full = DiskSpace.fullDiskReason(folder: folder, error: code)
            unlink(temporary)
            if let full { throw HDF5Error.diskFull(path: path, reason: full, written: written) }
            // A library call's failure (H5Fcreate on a read-only or virtual file system) is put
            // in the file system's words; other failures (a rename refused, a body's own error)
            // already say what they are.
            if case HDF5Error.call = error, let reason = WriteFailure.reason(folder: folder, error: code) {
                throw HDF5Error.notWritten(path: path, reason: reason)
            }
            throw error
        }
    }

    private static func fsync(path: String) throws {
        let fd = Foundation.open(path, O_RDONLY)
        guard fd >= 0 else { throw HDF5Error.fileSystem(operation: "open for fsync", path: path, message: errnoText()) }
        defer { Foundation.close(fd) }
        guard Foundation.fsync(fd) == 0 else { throw HDF5Error.fileSystem(operation: "fsync", path: path, message: errnoText()) }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
