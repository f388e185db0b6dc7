import FileChecks
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why an input could not be read: `path` and a problem that says what was expected.
public struct InputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// The one way inputs are opened: a path must name a regular file (a directory, a device such
/// as /dev/zero or a FIFO is refused before any read, so nothing blocks or reads forever) no
/// larger than a bound; "-" reads standard input, which must be open and is read up to the
/// same bound.
public enum InputFile {
    /// Largest input read whole: 4 GiB, far above any data, tokenizer or config file here.
    public static let defaultLimit = 4 << 30

    /// Checks that `path` names a regular file of at most `limit` bytes and returns its size.
    @discardableResult
    public static func check(_ path: String, limit: Int = defaultLimit) throws(InputFileError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "no such file" : "cannot open: \(String(cString: strerror(errno)))"
            throw InputFileError(path: path, problem: "\(reason) (expected a readable regular file)")
        }
        try checkKind(info.st_mode, path: path)
        let size = Int(info.st_size)
        guard size <= limit else {
            throw InputFileError(path: path, problem: "is \(size) bytes, more than the \(limit)-byte limit for an input file")
        }
        return size
    }

    /// Reads all of `path` ("-": standard input) after the checks of `check`.
    public static func read(_ path: String, limit: Int = defaultLimit) throws(InputFileError) -> Data {
        if path == "-" { return try readStandardInput(limit: limit) }
        try check(path, limit: limit)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw InputFileError(path: path, problem: "cannot open: \(String(cString: strerror(errno))) (expected a readable regular file)")
        }
        defer { close(fd) }
        // The path may have been swapped between stat and open: check what was opened.
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw InputFileError(path: path, problem: "cannot stat: \(String(cString: strerror(errno)))")
        }
        try checkKind(info.st_mode, path: path)
        return try readAll(fd, path: path, limit: limit)
    }

    /// Reads standard input: refused when closed (`0<&-`) or a non-terminal device (/dev/zero).
    static func readStandardInput(limit: Int) throws(InputFileError) -> Data {
        let name = "standard input"
        var info = stat()
        guard fstat(0, &info) == 0 else {
            throw InputFileError(path: name, problem: "is closed (expected a file or pipe on standard input)")
        }
        let kind = FileKind(mode: info.st_mode)
        if (kind == .device && isatty(0) == 0) || kind == .directory {
            throw InputFileError(path: name, problem: "is \(kind.phrase) (expected a file or pipe on standard input)")
        }
        return try readAll(0, path: name, limit: limit)
    }

    private static func checkKind(_ mode: mode_t, path: String) throws(InputFileError) {
        let kind = FileKind(mode: mode)
        guard kind == .regular else { throw InputFileError(path: path, problem: "is \(kind.phrase) (expected a regular file)") }
    }

    private static func readAll(_ fd: Int32, path: String, limit: Int) throws(InputFileError) -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputFileError(path: path, problem: "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return data }
            guard data.count + n <= limit else {
                throw InputFileError(path: path, problem: "is more than the \(limit)-byte limit for an input")
            }
            data.append(contentsOf: chunk[0..<n])
        }
    }
}
