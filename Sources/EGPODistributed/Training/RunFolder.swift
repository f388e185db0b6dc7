import FileChecks
import Foundation
import FunctionCalling

/// A run's folder (rank 0 writes it): `config.json`, `metrics.jsonl`, `checkpoints/`, `eval/`,
/// `summary.md`, `summary.json`, `plot.svg`. Text files are replaced atomically (a temporary file
/// renamed over the old one), so a failed run never leaves half a file under a final name.
public struct RunFolder: Sendable {
    public let root: URL

    /// The folder at `root` (not created; see `create`).
    public init(root: URL) { self.root = root }

    public var checkpoints: URL { root.appendingPathComponent("checkpoints") }
    public var metricsFile: URL { root.appendingPathComponent("metrics.jsonl") }
    public func evalFolder(_ phase: String) -> URL { root.appendingPathComponent("eval").appendingPathComponent(phase) }
    public func checkpoint(step: Int) -> URL { checkpoints.appendingPathComponent(String(format: "step-%06d.h5", step)) }
    public var finalCheckpoint: URL { checkpoints.appendingPathComponent("final.h5") }

    /// `path`, or `runs/<UTC timestamp>` when it is empty; created with `checkpoints/` inside.
    /// Refuses a path that exists as a file.
    public static func create(_ path: String, now: Date = Date()) throws(TrainingError) -> RunFolder {
        let chosen = Self.path(path, now: now)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: chosen, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .data("run folder \(chosen) exists and is not a folder")
        }
        let folder = RunFolder(root: URL(fileURLWithPath: chosen))
        do {
            try FileManager.default.createDirectory(at: folder.checkpoints, withIntermediateDirectories: true)
        } catch {
            throw .data("run folder \(chosen): cannot create it: \(error.localizedDescription)")
        }
        return folder
    }

    /// `path`, or `runs/<UTC timestamp>` when it is empty.
    public static func path(_ path: String, now: Date = Date()) -> String {
        path.isEmpty ? "runs/" + timestamp(now) : path
    }

    /// `YYYYMMDD-HHMMSS` in UTC.
    public static func timestamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: date)
    }

    /// The `step-NNNNNN.h5` files in `checkpoints/`, oldest first (by the step in the name).
    public func stepCheckpoints() -> [(step: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix("step-"), name.hasSuffix(".h5"), let n = Int(name.dropFirst(5).dropLast(3)) else { return nil }
            return (n, checkpoints.appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// Removes all but the newest `keep` step checkpoints (0: keeps all). Called only after the
    /// newest is complete, so a crash never leaves fewer good checkpoints than before.
    public func pruneCheckpoints(keep: Int) throws(TrainingError) {
        guard keep > 0 else { return }
        for old in stepCheckpoints().dropLast(keep) {
            do { try FileManager.default.removeItem(at: old.url) } catch {
                throw .data("cannot remove the old checkpoint \(old.url.path): \(error.localizedDescription)")
            }
        }
    }

    /// The newest checkpoint that loads and verifies (`final.h5` or a step file, by the step
    /// recorded inside), and what was wrong with any newer one that did not.
    public func latestCheckpoint() throws(TrainingError) -> (loaded: TrainingCheckpoint.Loaded, skipped: [String]) {
        // Ordered by the step recorded inside, or for an unreadable step file the one in its name,
        // so a broken newest file is tried (and reported) before the older good one.
        var candidates = stepCheckpoints().map { ($0.url, $0.step) }
        if FileManager.default.fileExists(atPath: finalCheckpoint.path) { candidates.append((finalCheckpoint, -1)) }
        let ordered = candidates.map { ($0.0, TrainingCheckpoint.recordedStep($0.0.path) ?? $0.1) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.lastPathComponent == "final.h5" }
        var skipped = removeAbandonedTemporaries().map { "\($0): removed, a checkpoint write that never finished" }
        for (url, _) in ordered {
            do { return (try TrainingCheckpoint.load(url.path), skipped) } catch {
                skipped.append("\(url.path): \(error)")
            }
        }
        throw .checkpoint(path: checkpoints.path, problem: candidates.isEmpty ? "no checkpoint to resume from"
                          : "no loadable checkpoint (" + skipped.joined(separator: "; ") + ")")
    }

    /// Removes the temporary files (`.NAME.tmp-PID-RANDOM`) that a process killed mid-write left
    /// in `checkpoints/`, and returns their paths. They are never taken for checkpoints (their
    /// names do not match), this only reclaims their space; called before resuming, when no
    /// write of this run is in flight.
    @discardableResult
    public func removeAbandonedTemporaries() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
        return names.filter { $0.hasPrefix(".") && $0.contains(".tmp-") }.compactMap { name in
            let path = checkpoints.appendingPathComponent(name).path
            return unlink(path) == 0 ? path : nil
        }
    }

    /// Replaces `name` (relative to the folder) with `text`, atomically.
    public func write(_ text: String, to name: String) throws(TrainingError) {
        try Self.write(text, to: root.appendingPathComponent(name))
    }

    /// Replaces `url` with `text`, atomically, creating its folder.
    public static func write(_ text: String, to url: URL) throws(TrainingError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try OutputFile.write(Data(text.utf8), to: url.path)
        } catch let error as InputFileError {
            throw .data(error.description)
        } catch {
            throw .data("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}

/// Appends one JSON line per step to `metrics.jsonl`, flushed as it goes.
public final class MetricsLog {
    private let handle: FileHandle
    public let url: URL

    /// Starts a log at `url` holding `history` (a resumed run's lines so far; an existing file is
    /// replaced, first written beside it and renamed, so a failure leaves the old one).
    public init(url: URL, history: [String] = []) throws(TrainingError) {
        self.url = url
        try RunFolder.write(history.map { $0 + "\n" }.joined(), to: url)
        guard let h = FileHandle(forWritingAtPath: url.path) else { throw .data("cannot open \(url.path) for appending") }
        do { try h.seekToEnd() } catch { throw .data("cannot append to \(url.path): \(error.localizedDescription)") }
        handle = h
    }

    public func append(_ record: MetricsRecord) throws(TrainingError) {
        do {
            try handle.write(contentsOf: Data((record.jsonLine + "\n").utf8))
        } catch {
            let reason = DiskSpace.fullDiskReason(folder: url.deletingLastPathComponent().path, after: error) ?? error.localizedDescription
            throw .data("cannot append step \(record["step"].map { Int($0) } ?? 0) to \(url.path): \(reason)")
        }
    }

    deinit { try? handle.close() }
}

/// One step's metrics in a fixed key order: numbers (non-finite ones written as null) and strings.
public struct MetricsRecord: Sendable, Equatable {
    public enum Field: Sendable, Equatable {
        case number(Double)
        case integer(Int)
        case text(String)
    }

    public private(set) var fields: [(key: String, value: Field)] = []

    public init() {}

    public static func == (a: MetricsRecord, b: MetricsRecord) -> Bool {
        a.fields.map(\.key) == b.fields.map(\.key) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    public subscript(_ key: String) -> Double? {
        switch fields.first(where: { $0.key == key })?.value {
        case .number(let v)?: v
        case .integer(let v)?: Double(v)
        default: nil
        }
    }

    /// The key of the flag set on a step whose loss or gradient was NaN or infinite.
    public static let nonFiniteKey = "skipped_nonfinite"

    /// Flags the step as skipped for a NaN or infinite loss or gradient (1), or not (0).
    public mutating func markNonFinite(_ skipped: Bool) { set(Self.nonFiniteKey, skipped ? 1 : 0) }

    /// Whether the step was skipped for a NaN or infinite loss or gradient.
    public var isNonFinite: Bool { self[Self.nonFiniteKey] == 1 }

    public mutating func set(_ key: String, _ value: Double) { put(key, .number(value)) }
    public mutating func set(_ key: String, _ value: Int) { put(key, .integer(value)) }
    public mutating func set(_ key: String, _ value: String) { put(key, .text(value)) }

    private mutating func put(_ key: String, _ value: Field) {
        if let i = fields.firstIndex(where: { $0.key == key }) { fields[i].value = value } else { fields.append((key, value)) }
    }

    /// A record read back from a `jsonLine` (keys sorted; null reads as NaN), or nil when the
    /// line is not a JSON object.
    public init?(jsonLine line: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        for key in object.keys.sorted() {
            switch object[key] {
            case let s as String: set(key, s)
            case let n as NSNumber: set(key, n.doubleValue)
            default: set(key, Double.nan)
            }
        }
    }

    /// `{"step": 1, "reward_mean": 0.25, ...}` with keys in insertion order.
    public var jsonLine: String {
        "{" + fields.map { key, value in
            let v: String
            switch value {
            case .number(let x): v = x.isFinite ? formatNumber(x) : "null"
            case .integer(let i): v = "\(i)"
            case .text(let s): v = JSON.quoted(s)
            }
            return JSON.quoted(key) + ": " + v
        }.joined(separator: ", ") + "}"
    }
}

/// Shortest round-tripping decimal of a Double (Swift's description), as JSON.
func formatNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
