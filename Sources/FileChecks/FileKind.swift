#if canImport(Glibc)
import Glibc
#endif

/// What a path names, from its `stat`/`lstat` mode, with the phrase messages use ("is a
/// symlink"). Input, output and HDF5 checks all ask this one type, so they agree on what a
/// directory, a device or a FIFO is called.
public enum FileKind: Sendable, Equatable {
    case regular, symlink, directory, device, fifo, socket, other

    /// The kind of a `st_mode`.
    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFLNK: self = .symlink
        case S_IFDIR: self = .directory
        case S_IFCHR, S_IFBLK: self = .device
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    /// The kind of what `path` names (`lstat` when `followingLinks` is false, so a symlink is
    /// itself), or nil with `errno` set when it cannot be looked at (absent, no permission).
    public static func at(_ path: String, followingLinks: Bool = true) -> FileKind? {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        return FileKind(mode: info.st_mode)
    }

    /// "a symlink", "a directory", "a device", "a FIFO", "a socket", "a regular file", "not a regular file".
    public var phrase: String {
        switch self {
        case .regular: "a regular file"
        case .symlink: "a symlink"
        case .directory: "a directory"
        case .device: "a device"
        case .fifo: "a FIFO"
        case .socket: "a socket"
        case .other: "not a regular file"
        }
    }
}
