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
            // The reason of the deepest folder that exists: read-only, full, or what the system says.
            var existing = URL(fileURLWithPath: chosen).standardized
            while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" { existing.deleteLastPathComponent() }
            let reason = WriteFailure.reason(folder: existing.path, after: error) ?? error.localizedDescription
            throw .data("run folder \(chosen): cannot create it: \(reason)")
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

    /// What of an earlier run the folder holds (`config.json`, `metrics.jsonl`, `3 checkpoints`,
    /// `eval/`, ...), empty for a new or empty folder. The lock file and folders of runs moved
    /// aside do not count, nor does a run refused before its first step (its config.json and an
    /// empty metrics.jsonl, nothing else): there is nothing of it to lose, and the corrected
    /// command should not need `--overwrite`.
    public func earlierRun() -> [String] {
        let found = filesOfEarlierRun()
        let metrics = (try? FileManager.default.attributesOfItem(atPath: metricsFile.path)[.size] as? Int) ?? 0
        if Set(found).isSubset(of: ["config.json", "metrics.jsonl"]) && metrics == 0 { return [] }
        return found
    }

    private func filesOfEarlierRun() -> [String] {
        var found: [String] = []
        for name in ["config.json", "metrics.jsonl", "summary.json", "eval", "sft"]
        where FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path) {
            found.append(name)
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []).filter { $0.hasSuffix(".h5") }
        if !files.isEmpty { found.append("\(files.count) checkpoint\(files.count == 1 ? "" : "s") in checkpoints/") }
        return found
    }

    /// Moves everything in the folder but its lock and earlier moved-aside runs into
    /// `replaced-<UTC timestamp>/` (renames within one file system: nothing is copied or lost),
    /// and returns that folder. `--overwrite` calls it with the lock held.
    public func moveAside(now: Date = Date()) throws(TrainingError) -> URL {
        let fm = FileManager.default
        var aside = root.appendingPathComponent("replaced-" + Self.timestamp(now))
        var n = 1
        while fm.fileExists(atPath: aside.path) {
            n += 1
            aside = root.appendingPathComponent("replaced-\(Self.timestamp(now))-\(n)")
        }
        do {
            let names = try fm.contentsOfDirectory(atPath: root.path)
                .filter { $0 != RunLock.fileName && !$0.hasPrefix("replaced-") }
            try fm.createDirectory(at: aside, withIntermediateDirectories: false)
            for name in names {
                try fm.moveItem(at: root.appendingPathComponent(name), to: aside.appendingPathComponent(name))
            }
            try fm.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        } catch {
            throw .data("run folder \(root.path): cannot move the earlier run aside into \(aside.path): \(error.localizedDescription)")
        }
        return aside
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
