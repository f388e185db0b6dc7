/// A flat Float buffer held whole on every rank, split into per-rank shards: the storage ZeRO-1
/// stands on. Gradients are reduce-scattered so each rank holds the global sum of its shard,
/// the optimizer updates that shard, and the shards are all-gathered back into the full buffer.
///
/// Large buffers are 2 MiB-aligned: MPI moves them measurably faster (TOOLCHAIN.md).
public final class ShardedBuffer: @unchecked Sendable {
    /// The split of `full` into shards.
    public let layout: ShardLayout
    /// The rank whose shard `shard` is.
    public let rank: Int
    /// The whole buffer (count elements).
    public let full: UnsafeMutableBufferPointer<Float>
    /// Scratch space for one shard (collectives may not alias send and receive buffers).
    private let scratch: UnsafeMutableBufferPointer<Float>

    /// Allocates a zeroed buffer of `count` elements split over `worldSize` ranks.
    public init(count: Int, rank: Int, worldSize: Int) {
        layout = ShardLayout(count: count, worldSize: worldSize)
        precondition((0..<worldSize).contains(rank), "ShardedBuffer: rank \(rank) outside 0..<\(worldSize)")
        self.rank = rank
        full = Self.allocate(count)
        scratch = Self.allocate(layout.counts.max() ?? 0)
    }

    /// A buffer sharded over the ranks of `communicator`.
    public convenience init(count: Int, communicator: some Communicator) {
        self.init(count: count, rank: communicator.rank, worldSize: communicator.size)
    }

    deinit {
        full.deallocate()
        scratch.deallocate()
    }

    /// This rank's element range in `full`.
    public var shardRange: Range<Int> { layout.range(rank: rank) }

    /// This rank's shard: a view into `full`.
    public var shard: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: full[shardRange])
    }

    /// Reduces `full` over all ranks and leaves this rank's shard of the result in `full[shardRange]`.
    /// The rest of `full` is left as it was (stale) until `allGather`.
    public func reduceScatter(_ comm: some Communicator, op: ReduceOp = .sum) throws {
        try checkWorld(comm)
        let mine = UnsafeMutableBufferPointer(rebasing: scratch[0..<layout.counts[rank]])
        try comm.reduceScatter(UnsafeBufferPointer(full), into: mine, counts: layout.counts, op: op)
        shard.update(fromContentsOf: mine)
    }

    /// Gathers every rank's shard into `full` on every rank.
    public func allGather(_ comm: some Communicator) throws {
        try checkWorld(comm)
        let mine = UnsafeMutableBufferPointer(rebasing: scratch[0..<layout.counts[rank]])
        _ = mine.update(fromContentsOf: shard)
        try comm.allGatherV(UnsafeBufferPointer(mine), into: full, counts: layout.counts)
    }

    private func checkWorld(_ comm: some Communicator) throws {
        guard comm.size == layout.worldSize, comm.rank == rank else {
            throw CommunicatorError.sizeMismatch(operation: "ShardedBuffer", expected: layout.worldSize, actual: comm.size,
                                                 detail: "buffer was split for rank \(rank) of \(layout.worldSize), communicator is rank \(comm.rank)")
        }
    }

    private static func allocate(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let alignment = bytes >= (4 << 20) ? (2 << 20) : 64
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: alignment)
        raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
        return UnsafeMutableBufferPointer(start: raw.assumingMemoryBound(to: Float.self), count: count)
    }
}
