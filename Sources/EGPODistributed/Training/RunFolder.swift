import Foundation
import FunctionCalling

/// A run's folder (rank 0 writes it): `config.json`, `metrics.jsonl`, `checkpoints/`, `eval/`,
/// `summary.md`, `summary.json`, `plot.svg`. Text files are replaced atomically (a temporary file
/// renamed over the old one), so a failed run never leaves half a file under a final name.
public struct RunFolder: Sendable {
    public let root: URL

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

    /// Replaces `name` (relative to the folder) with `text`, atomically.
    public func write(_ text: String, to name: String) throws(TrainingError) {
        try Self.write(text, to: root.appendingPathComponent(name))
    }

    /// Replaces `url` with `text`, atomically, creating its folder.
    public static func write(_ text: String, to url: URL) throws(TrainingError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw .data("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}

/// Appends one JSON line per step to `metrics.jsonl`, flushed as it goes.
public final class MetricsLog {
    private let handle: FileHandle
    public let url: URL

    /// Starts a new log at `url` (an existing one is replaced).
    public init(url: URL) throws(TrainingError) {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let h = FileHandle(forWritingAtPath: url.path) else {
            throw .data("cannot create \(url.path)")
        }
        handle = h
    }

    public func append(_ record: MetricsRecord) throws(TrainingError) {
        do {
            try handle.write(contentsOf: Data((record.jsonLine + "\n").utf8))
        } catch {
            throw .data("cannot append to \(url.path): \(error.localizedDescription)")
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

    public mutating func set(_ key: String, _ value: Double) { put(key, .number(value)) }
    public mutating func set(_ key: String, _ value: Int) { put(key, .integer(value)) }
    public mutating func set(_ key: String, _ value: String) { put(key, .text(value)) }

    private mutating func put(_ key: String, _ value: Field) {
        if let i = fields.firstIndex(where: { $0.key == key }) { fields[i].value = value } else { fields.append((key, value)) }
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
