/// How a flat buffer of `count` elements splits into one contiguous shard per rank.
///
/// Shards are as even as possible: the first `count % worldSize` ranks hold one element more.
/// A shard may be empty when there are more ranks than elements.
public struct ShardLayout: Equatable, Sendable, CustomStringConvertible {
    /// Elements in the whole buffer.
    public let count: Int
    /// Number of ranks sharing it.
    public let worldSize: Int
    /// Elements per rank, in rank order.
    public let counts: [Int]
    /// First element of each rank's shard.
    public let offsets: [Int]

    public init(count: Int, worldSize: Int) {
        precondition(count >= 0 && worldSize >= 1, "ShardLayout: count \(count), worldSize \(worldSize)")
        self.count = count
        self.worldSize = worldSize
        let base = count / worldSize, extra = count % worldSize
        counts = (0..<worldSize).map { base + ($0 < extra ? 1 : 0) }
        var running = 0
        offsets = counts.map { c in defer { running += c }; return running }
    }

    /// The element range rank `rank` owns.
    public func range(rank: Int) -> Range<Int> {
        precondition((0..<worldSize).contains(rank), "ShardLayout: rank \(rank) outside 0..<\(worldSize)")
        return offsets[rank]..<(offsets[rank] + counts[rank])
    }

    public var description: String { "ShardLayout(count: \(count), shards: \(counts))" }
}
