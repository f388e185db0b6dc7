import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Temporary files that SIGINT or SIGTERM must not leave behind. While `HDF5File.writeAtomically`
/// fills one (an import writes hundreds of MB), a signal whose action is the default (end the
/// process) first removes the file, then ends the process as the signal would have. A process
/// that handles the signals itself keeps its handlers: a training run finishes the checkpoint it
/// is writing and stops between steps (`StopRequest`).
enum InterruptCleanup {
    /// Files being written at once (threads of one process); a write past this many is not
    /// registered and behaves as before.
    static let capacity = 16
    /// strdup'ed paths, nil where free. The handler only reads them and calls unlink(2), which
    /// is async-signal-safe.
    nonisolated(unsafe) static let paths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    static let lock = NSLock()
    nonisolated(unsafe) static var registered = 0
    /// The handler, as one value to compare with what `signal` returns.
    static let handler: @convention(c) (Int32) -> Void = removeTemporaryFilesAndEnd
    /// The signals whose handler this type installed (those that had the default action).
    nonisolated(unsafe) static var installed: [Int32] = []

    /// Runs `body` with `path` removed if SIGINT or SIGTERM ends the process meanwhile.
    static func removing<R>(_ path: String, during body: () throws -> R) rethrows -> R {
        let slot = register(path)
        defer { unregister(slot) }
        return try body()
    }

    private static func register(_ path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard let slot = (0..<capacity).first(where: { paths[$0] == nil }) else { return nil }
        paths[slot] = strdup(path)
        if registered == 0 {
            installed = [SIGINT, SIGTERM].filter { s in
                let previous = signal(s, handler)
                guard previous == nil else {   // not SIG_DFL: the process handles it; leave that be
                    signal(s, previous)
                    return false
                }
                return true
            }
        }
        registered += 1
        return slot
    }

    private static func unregister(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        defer { lock.unlock() }
        let path = paths[slot]
        paths[slot] = nil
        free(path)
        registered -= 1
        if registered == 0 {
            // Back to the default action, unless someone installed a handler meanwhile (a
            // training run's StopRequest): theirs stays.
            for s in installed {
                let current = signal(s, SIG_DFL)
                if let current, unsafeBitCast(current, to: UnsafeRawPointer.self) != unsafeBitCast(handler, to: UnsafeRawPointer.self) {
                    signal(s, current)
                }
            }
            installed = []
        }
    }
}

/// The handler: unlink every registered file, then die of the signal as the default action would.
private func removeTemporaryFilesAndEnd(_ signalNumber: Int32) {
    for i in 0..<InterruptCleanup.capacity {
        if let path = InterruptCleanup.paths[i] { unlink(path) }
    }
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
