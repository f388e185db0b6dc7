import CHDF5
import Foundation

/// Process-wide access to the (serial, not thread-safe) HDF5 library: one lock around every
/// call, the library's automatic error printing turned off, and its error stack turned into
/// `HDF5Error.call` values.
enum HDF5Library {
    private static let lock = NSRecursiveLock()
    nonisolated(unsafe) private static var isSetUp = false

    /// Runs `body` holding the HDF5 lock, after the one-time library set-up.
    static func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        if !isSetUp {
            H5open()
            isSetUp = true
        }
        // The project reports errors through HDF5Error; HDF5 would otherwise print its stack. A
        // thread-safe HDF5 keeps this setting per thread, so it is set on whichever thread calls.
        H5Eset_auto2(chdf5_e_default(), nil, nil)
        return try body()
    }

    /// Checks a call that returns an id (negative on failure).
    @discardableResult
    static func id(_ function: String, path: String, object: String, _ result: hid_t) throws -> hid_t {
        guard result >= 0 else { throw failure(function, path: path, object: object) }
        return result
    }

    /// Checks a call that returns a status (negative on failure).
    static func status(_ function: String, path: String, object: String, _ result: herr_t) throws {
        guard result >= 0 else { throw failure(function, path: path, object: object) }
    }

    /// Checks a call that returns a tri-state (negative on failure) and returns the boolean.
    static func truth(_ function: String, path: String, object: String, _ result: htri_t) throws -> Bool {
        guard result >= 0 else { throw failure(function, path: path, object: object) }
        return result > 0
    }

    /// An error for the call that just failed, with the library's error stack, which it clears.
    static func failure(_ function: String, path: String, object: String) -> HDF5Error {
        final class Collected { var lines: [String] = [] }
        let collected = Collected()
        let walker: H5E_walk2_t = { _, entry, context in
            guard let entry, let context else { return 0 }
            let box = Unmanaged<Collected>.fromOpaque(context).takeUnretainedValue()
            let function = entry.pointee.func_name.map { String(cString: $0) } ?? "?"
            let text = entry.pointee.desc.map { String(cString: $0) } ?? ""
            box.lines.append(text.isEmpty ? function : "\(function): \(text)")
            return 0
        }
        H5Ewalk2(chdf5_e_default(), H5E_WALK_DOWNWARD, walker, Unmanaged.passUnretained(collected).toOpaque())
        H5Eclear2(chdf5_e_default())
        let message = collected.lines.isEmpty ? "no details from the HDF5 error stack" : collected.lines.prefix(3).joined(separator: "; ")
        return .call(function: function, path: path, object: object, message: message)
    }
}
