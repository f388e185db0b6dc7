import CMPI
import Foundation

/// Aborts the job when one MPI call does not return within a time limit, naming the call.
///
/// A rank that died, hung or was stopped leaves the others waiting inside a collective; MPI
/// itself may never notice (a stopped process keeps its sockets open). Every MPI call records
/// itself here before it starts and clears itself when it returns: two stores under a lock, next
/// to a collective's microseconds to seconds. A monitor thread looks once a second; when the
/// call in flight is older than the limit it prints one line naming the rank, the call and the
/// limit, and calls MPI_Abort, which ends every rank of the job with a non-zero exit.
///
/// The limit is `EGPO_COLLECTIVE_TIMEOUT` seconds (default 600; 0 turns the watchdog off). It
/// bounds one MPI call, not a step: compute between collectives is not timed.
final class CollectiveWatchdog: @unchecked Sendable {
    static let shared = CollectiveWatchdog()

    /// The variable that sets the limit, in seconds.
    static let variable = "EGPO_COLLECTIVE_TIMEOUT"
    static let defaultSeconds: Double = 600

    private let lock = NSLock()
    private var call: String?
    private var started: UInt64 = 0
    private var limitNanoseconds: UInt64 = 0
    private var rank = -1
    private var monitor: Thread?

    /// Reads the limit from the environment and starts the monitor (once).
    /// - Throws: `CommunicatorError.invalidSetting` when the variable is not a number >= 0.
    func start(rank: Int) throws {
        let seconds = try Self.limit(from: ProcessInfo.processInfo.environment[Self.variable])
        lock.lock()
        defer { lock.unlock() }
        self.rank = rank
        limitNanoseconds = UInt64(seconds * 1e9)
        guard seconds > 0, monitor == nil else { return }
        let thread = Thread { [unowned self] in self.watch() }
        thread.name = "collective watchdog"
        monitor = thread
        thread.start()
    }

    /// The limit in seconds that `text` asks for (nil: the default).
    static func limit(from text: String?) throws -> Double {
        guard let text else { return defaultSeconds }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 else {
            throw CommunicatorError.invalidSetting(name: variable, value: text, expected: "seconds >= 0 (0 turns the watchdog off)")
        }
        return seconds
    }

    func begin(_ name: String) {
        lock.lock()
        call = name
        started = DispatchTime.now().uptimeNanoseconds
        lock.unlock()
    }

    func end() {
        lock.lock()
        call = nil
        lock.unlock()
    }

    /// The call in flight and for how many seconds, if it is over the limit.
    func overdue(now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> (call: String, seconds: Double, limit: Double, rank: Int)? {
        lock.lock()
        defer { lock.unlock() }
        guard let call, limitNanoseconds > 0, now > started, now - started > limitNanoseconds else { return nil }
        return (call, Double(now - started) / 1e9, Double(limitNanoseconds) / 1e9, rank)
    }

    private func watch() {
        while true {
            Thread.sleep(forTimeInterval: 1)
            guard let late = overdue() else { continue }
            let line = "rank \(late.rank): \(late.call) did not complete within \(Self.format(late.limit)) s "
                + "(\(Self.variable)); another rank is lost or stuck; aborting the job\n"
            FileHandle.standardError.write(Data(line.utf8))
            // No MPI lock: the stuck call holds it. MPI_Abort ends every rank of the job.
            _ = MPI_Abort(cmpi_comm_world(), 14)
            exit(14)
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
