import Foundation

/// Rank 0's line about a long sampling job (`eval`, `data filter`): its own share of the tasks
/// done, the time so far and the time left at that pace, at most once every `interval` seconds
/// and never for a job that ends sooner.
final class ProgressLine {
    private let label: String, interval: Double, started = Date(), speaks: Bool
    private var lastSaid: Date

    init(_ label: String, rank: Int, interval: Double = 60) {
        self.label = label
        self.interval = interval
        speaks = rank == 0
        lastSaid = started
    }

    func update(_ done: Int, _ of: Int) {
        guard speaks, done < of, Date().timeIntervalSince(lastSaid) >= interval, done > 0 else { return }
        lastSaid = Date()
        let elapsed = lastSaid.timeIntervalSince(started)
        Console.out("\(label): \(done) of rank 0's \(of) tasks in \(formatDuration(elapsed)), about \(formatDuration(elapsed * Double(of - done) / Double(done))) to go")
    }
}
