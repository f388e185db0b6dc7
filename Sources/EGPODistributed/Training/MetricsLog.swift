import FileChecks
import Foundation

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
            throw .data("cannot append step \(record.step) to \(url.path): \(reason)")
        }
    }

    deinit { try? handle.close() }
}
