import FunctionCalling

/// Where a run is in its data: epoch and position in that epoch's shuffled order. Batches are
/// cut from the global order, so they do not depend on the world size; every rank holds the
/// same cursor and takes its own slice of each batch.
public struct DataCursor: Codable, Sendable, Equatable {
    /// Completed passes over the tasks.
    public var epoch = 0
    /// Next position in this epoch's order.
    public var position = 0
    /// Seeds every epoch's shuffle.
    public var shuffleSeed: UInt64
    /// How many tasks the order permutes (set by the first batch drawn); nil before that, and in
    /// a checkpoint written before it was recorded. The order is a permutation of exactly this
    /// many tasks, so a place in it means nothing over another count.
    public var count: Int?

    public init(shuffleSeed: UInt64, epoch: Int = 0, position: Int = 0, count: Int? = nil) {
        self.shuffleSeed = shuffleSeed
        self.epoch = epoch
        self.position = position
        self.count = count
    }

    /// A permutation of 0..<count for `epoch` (Fisher-Yates on SplitMix64 seeded by seed and epoch).
    public static func order(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = SplitMix64(seed: seed).derived(UInt64(truncatingIfNeeded: epoch) &+ 0x9E37_79B9)
        return rng.shuffled(Array(0..<count))
    }

    /// The next `size` task indices of a dataset of `count` tasks, crossing into the next epoch
    /// (and its new order) when this one runs out; no task repeats within an epoch. Throws when
    /// the cursor's place is not one in `count` tasks (a resume over other data goes through
    /// `resuming(over:)` first) or the epoch cannot advance.
    public mutating func next(_ size: Int, of count: Int) throws(DataCursorError) -> [Int] {
        precondition(count > 0 && size >= 0, "DataCursor: batch \(size) of \(count) tasks")
        guard position <= count, self.count == nil || self.count == count else {
            throw .placeOutsideData(epoch: epoch, position: position, recordedCount: self.count, count: count)
        }
        self.count = count
        var out: [Int] = [], order = Self.order(count: count, seed: shuffleSeed, epoch: epoch)
        while out.count < size {
            if position == count {
                try startNextEpoch()
                order = Self.order(count: count, seed: shuffleSeed, epoch: epoch)
            }
            let take = min(size - out.count, count - position)
            out += order[position ..< position + take]
            position += take
        }
        return out
    }

    /// Moves to position 0 of the next epoch.
    mutating func startNextEpoch() throws(DataCursorError) {
        let (next, overflow) = epoch.addingReportingOverflow(1)
        guard !overflow else { throw .epochOverflow(epoch: epoch) }
        epoch = next
        position = 0
    }

    /// The cursor a resumed run continues with over `count` tasks, and a sentence saying what
    /// changed when it is not this one. Over the same tasks the place carries over exactly. When
    /// the count differs from the one the order was drawn over (or, unrecorded, the position lies
    /// beyond the data), the place means nothing in the new order: the run continues at the start
    /// of the next epoch, whose order covers every task of the new data once.
    public func resuming(over count: Int) throws(DataCursorError) -> (cursor: DataCursor, change: String?) {
        precondition(count > 0, "DataCursor.resuming: no tasks")
        guard epoch >= 0, position >= 0, position <= self.count ?? Int.max else {
            throw .placeOutsideData(epoch: epoch, position: position, recordedCount: self.count, count: self.count ?? count)
        }
        guard epoch < Int.max else { throw .epochOverflow(epoch: epoch) }
        if let recorded = self.count, recorded == count { return (self, nil) }
        if self.count == nil, position <= count { return (self, nil) }
        var moved = self
        moved.count = count
        try moved.startNextEpoch()
        let was = self.count.map { "its order was over \($0) tasks" } ?? "its position \(position) lies beyond them"
        return (moved, "the training data now has \(count) tasks and \(was) (data.train, data.trainTasks or the prompt "
                    + "length limit changed), so its place (epoch \(epoch), position \(position)) does not carry over: "
                    + "the run continues at the start of epoch \(moved.epoch), over the \(count) tasks")
    }

    /// `resuming(over:)` for a trainer restoring the checkpoint at `path`: the change, if any,
    /// goes to `log`, and a place outside the data is the checkpoint's error.
    public func resuming(over count: Int, checkpoint path: String, log: (String) -> Void) throws(TrainingError) -> DataCursor {
        do {
            let (resumed, change) = try resuming(over: count)
            if let change { log("resume: " + change) }
            return resumed
        } catch {
            throw .checkpoint(path: path, problem: error.description)
        }
    }
}
