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

    public init(shuffleSeed: UInt64, epoch: Int = 0, position: Int = 0) {
        self.shuffleSeed = shuffleSeed
        self.epoch = epoch
        self.position = position
    }

    /// A permutation of 0..<count for `epoch` (Fisher-Yates on SplitMix64 seeded by seed and epoch).
    public static func order(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = SplitMix64(seed: seed).derived(UInt64(epoch) &+ 0x9E37_79B9)
        return rng.shuffled(Array(0..<count))
    }

    /// The next `size` task indices of a dataset of `count` tasks, crossing into the next epoch
    /// (and its new order) when this one runs out; no task repeats within an epoch.
    public mutating func next(_ size: Int, of count: Int) -> [Int] {
        precondition(count > 0 && size >= 0, "DataCursor: batch \(size) of \(count) tasks")
        var out: [Int] = [], order = Self.order(count: count, seed: shuffleSeed, epoch: epoch)
        while out.count < size {
            if position == count {
                epoch += 1
                position = 0
                order = Self.order(count: count, seed: shuffleSeed, epoch: epoch)
            }
            let take = min(size - out.count, count - position)
            out += order[position ..< position + take]
            position += take
        }
        return out
    }
}

/// Rank `rank`'s contiguous share of `count` items split as evenly as possible (the first
/// `count % size` ranks take one more).
public func shareRange(count: Int, rank: Int, size: Int) -> Range<Int> {
    let base = count / size, extra = count % size
    let start = rank * base + min(rank, extra)
    return start ..< start + base + (rank < extra ? 1 : 0)
}
