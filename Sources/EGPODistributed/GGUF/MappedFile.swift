import Glibc

/// A file mapped read-only into memory (`mmap`, `MAP_PRIVATE`), so a multi-gigabyte GGUF costs
/// address space, not resident memory, until its pages are read. Unmapped when released.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// Start of the mapping (nil for an empty file) and its length in bytes.
    let base: UnsafeRawPointer?
    let size: Int

    /// Maps `path`; every failing system call is reported with its errno text.
    init(path: String) throws(GGUFError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(path: path, message: "open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, message: "fstat: \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, message: "not a regular file") }
        size = Int(info.st_size)
        guard size > 0 else { base = nil; return }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw .unreadable(path: path, message: "mmap of \(size) bytes: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The bytes `range` (already checked to lie inside the file).
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= size, "bytes \(range) outside \(path) of \(size) bytes")
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
