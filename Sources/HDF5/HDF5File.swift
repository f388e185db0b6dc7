import CHDF5
import FileChecks
import Foundation

/// An open HDF5 file. Closing is explicit (`close()`), and also happens on deinit.
///
/// Files are created with the v1.8+ object format so attributes larger than 64 KiB (a tokenizer's
/// JSON, a long config) fit, and with the "strong" close degree so `close()` really closes the
/// file, open groups included — a file is complete on disk once `close()` returns.
public final class HDF5File: @unchecked Sendable {
    /// The file's path, as given.
    public let path: String
    private(set) var id: hid_t

    private init(path: String, id: hid_t) {
        self.path = path
        self.id = id
    }

    /// The root group ("/"). Groups keep their file alive, not the reverse.
    public var root: HDF5Group {
        get throws { try HDF5Library.locked { try HDF5Group(file: self, name: "/") } }
    }

    deinit { try? close() }

    /// Creates (or truncates) the file at `path`. Prefer `writeAtomically` for anything that
    /// replaces a file a user cares about.
    public static func create(at path: String) throws -> HDF5File {
        try HDF5Library.locked {
            let fapl = try accessProperties(path)
            defer { H5Pclose(fapl) }
            let id = try HDF5Library.id("H5Fcreate", path: path, object: "/",
                                        H5Fcreate(path, chdf5_f_acc_trunc(), chdf5_p_default(), fapl))
            return HDF5File(path: path, id: id)
        }
    }

    /// Opens an existing file, read-only unless `writable`.
    public static func open(at path: String, writable: Bool = false) throws -> HDF5File {
        // A directory, device or FIFO is refused by name before HDF5 sees it (reading
        // /dev/zero's "superblock" or opening a FIFO would give an obscure error or block).
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw HDF5Error.fileSystem(operation: "open", path: path, message: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        let kind = FileKind(mode: info.st_mode)
        guard kind == .regular else {
            throw HDF5Error.fileSystem(operation: "open", path: path, message: "is \(kind.phrase) (expected an HDF5 file)")
        }
        return try HDF5Library.locked {
            let fapl = try accessProperties(path)
            defer { H5Pclose(fapl) }
            let flags = writable ? chdf5_f_acc_rdwr() : chdf5_f_acc_rdonly()
            let id: hid_t
            do { id = try HDF5Library.id("H5Fopen", path: path, object: "/", H5Fopen(path, flags, fapl)) } catch {
                // HDF5's own stack names the reason last ("truncated file: eof = ...").
                let reason = "\(error)".components(separatedBy: "; ").last ?? "\(error)"
                throw HDF5Error.fileSystem(operation: "open", path: path,
                                           message: "not an HDF5 file, or truncated or corrupted (\(info.st_size) bytes, H5Fopen: \(reason); expected a model file or checkpoint written by this launcher)")
            }
            return HDF5File(path: path, id: id)
        }
    }

    /// Writes everything buffered to disk.
    public func flush() throws {
        try HDF5Library.locked {
            try HDF5Library.status("H5Fflush", path: path, object: "/", H5Fflush(try openID(), H5F_SCOPE_GLOBAL))
        }
    }

    /// Closes the file and every object opened in it. Further use throws.
    public func close() throws {
        try HDF5Library.locked {
            guard id >= 0 else { return }
            let closing = id
            id = -1
            try HDF5Library.status("H5Fclose", path: path, object: "/", H5Fclose(closing))
        }
    }

    /// The file id, or an error when the file was closed.
    func openID() throws -> hid_t {
        guard id >= 0 else { throw HDF5Error.call(function: "use", path: path, object: "/", message: "the file is closed") }
        return id
    }

    private static func accessProperties(_ path: String) throws -> hid_t {
        let fapl = try HDF5Library.id("H5Pcreate", path: path, object: "file access", H5Pcreate(chdf5_p_file_access()))
        do {
            try HDF5Library.status("H5Pset_libver_bounds", path: path, object: "file access",
                                   H5Pset_libver_bounds(fapl, chdf5_libver_v18(), chdf5_libver_latest()))
            try HDF5Library.status("H5Pset_fclose_degree", path: path, object: "file access",
                                   H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG))
        } catch {
            H5Pclose(fapl)
            throw error
        }
        return fapl
    }
}
