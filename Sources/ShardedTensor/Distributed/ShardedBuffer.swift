/// A flat Float buffer held whole on every rank, split into per-rank shards: the storage ZeRO-1
/// stands on. Gradients are reduce-scattered so each rank holds the global sum of its shard,
/// the optimizer updates that shard, and the shards are all-gathered back into the full buffer.
///
public final class ShardedBuffer: @unchecked Sendable {
    /// The split of `full` into shards.
    public let layout: ShardLayout
    /// The rank whose shard `shard` is.
    public let rank: Int
    /// The buffer held whole on every rank (owned here, or wrapped, e.g. a model's gradients).
    public let storage: FloatBuffer
    /// Elements of each rank's shard moved per round of `reduceScatter` and `allGather`.
    public let chunkElements: Int
    /// Scratch space for one rank's piece (collectives may not alias send and receive buffers).
    private let scratch: FloatBuffer
    /// Space for one round's pieces of every rank, packed contiguously.
    private let packing: FloatBuffer

    /// Shards `storage` in place over `worldSize` ranks: collectives read and write it directly.
    /// - Parameter chunkBytes: bytes of each rank's shard moved per round of the collectives
    ///   (the whole round moves `worldSize` times that).
    public init(wrapping storage: FloatBuffer, rank: Int, worldSize: Int, chunkBytes: Int = 1 << 20) {
        layout = ShardLayout(count: storage.count, worldSize: worldSize)
        precondition((0..<worldSize).contains(rank), "ShardedBuffer: rank \(rank) outside 0..<\(worldSize)")
        precondition(chunkBytes >= MemoryLayout<Float>.stride, "ShardedBuffer: chunkBytes \(chunkBytes) too small")
        self.rank = rank
        self.storage = storage
        chunkElements = max(1, min(chunkBytes / MemoryLayout<Float>.stride, layout.counts.max() ?? 1))
        scratch = FloatBuffer(count: chunkElements)
        packing = FloatBuffer(count: chunkElements * worldSize)
    }

    /// Allocates a zeroed buffer of `count` elements split over `worldSize` ranks; buffers of
    /// 4 MB or more are 2 MiB-aligned (MPI moves them faster, TOOLCHAIN.md).
    public convenience init(count: Int, rank: Int, worldSize: Int, chunkBytes: Int = 1 << 20) {
        let alignment = count * MemoryLayout<Float>.stride >= (4 << 20) ? (2 << 20) : 64
        self.init(wrapping: FloatBuffer(count: count, alignment: alignment), rank: rank, worldSize: worldSize, chunkBytes: chunkBytes)
    }

    /// A buffer sharded over the ranks of `communicator`.
    public convenience init(count: Int, communicator: some Communicator, chunkBytes: Int = 1 << 20) {
        self.init(count: count, rank: communicator.rank, worldSize: communicator.size, chunkBytes: chunkBytes)
    }

    /// The whole buffer (count elements).
    public var full: UnsafeMutableBufferPointer<Float> { storage.bufferPointer }

    /// This rank's element range in `full`.
    public var shardRange: Range<Int> { layout.range(rank: rank) }

    /// This rank's shard: a view into `full`.
    public var shard: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: full[shardRange])
    }

    /// Reduces `full` over all ranks and leaves this rank's shard of the result in `full[shardRange]`.
    /// The rest of `full` is left as it was (stale) until `allGather`.
    ///
    /// Large buffers go in rounds: round k reduce-scatters the k-th piece (`chunkElements`
    /// elements) of every rank's shard, packed contiguously. One MPI_Reduce_scatter on a 64 MB
    /// buffer is several times slower than the same bytes in 1-4 MiB pieces (`bench comm`).
    public func reduceScatter(_ comm: some Communicator, op: ReduceOp = .sum) throws {
        try checkWorld(comm)
        try forEachRound { pieces, packed in
            // packed (sum of pieces): each rank's k-th shard piece, in rank order
            var at = 0
            for (r, piece) in pieces.enumerated() {
                (packed.baseAddress! + at).update(from: full.baseAddress! + piece.lowerBound + layout.offsets[r], count: piece.count)
                at += piece.count
            }
            let mine = pieces[rank]
            let receive = UnsafeMutableBufferPointer(rebasing: scratch.bufferPointer[0..<mine.count])
            try comm.reduceScatter(UnsafeBufferPointer(rebasing: packed[0..<at]), into: receive,
                                   counts: pieces.map(\.count), op: op)
            if mine.count > 0 {
                (full.baseAddress! + layout.offsets[rank] + mine.lowerBound).update(from: receive.baseAddress!, count: mine.count)
            }
        }
    }

    /// Gathers every rank's shard into `full` on every rank, in the same rounds as `reduceScatter`.
    public func allGather(_ comm: some Communicator) throws {
        try checkWorld(comm)
        try forEachRound { pieces, packed in
            let mine = pieces[rank]
            let send = UnsafeMutableBufferPointer(rebasing: scratch.bufferPointer[0..<mine.count])
            if mine.count > 0 {
                send.baseAddress!.update(from: full.baseAddress! + layout.offsets[rank] + mine.lowerBound, count: mine.count)
            }
            let total = pieces.reduce(0) { $0 + $1.count }
            try comm.allGatherV(UnsafeBufferPointer(send), into: UnsafeMutableBufferPointer(rebasing: packed[0..<total]),
                                counts: pieces.map(\.count))
            var at = 0
            for (r, piece) in pieces.enumerated() {
                (full.baseAddress! + layout.offsets[r] + piece.lowerBound).update(from: packed.baseAddress! + at, count: piece.count)
                at += piece.count
            }
        }
    }

    /// Calls `body` once per round with each rank's piece (a range within its shard) and a
    /// packing buffer large enough for all pieces of a round.
    private func forEachRound(_ body: ([Range<Int>], UnsafeMutableBufferPointer<Float>) throws -> Void) throws {
        let longest = layout.counts.max() ?? 0
        var start = 0
        repeat {
            let pieces = layout.counts.map { count in min(start, count)..<min(start + chunkElements, count) }
            try body(pieces, packing.bufferPointer)
            start += chunkElements
        } while start < longest
    }

    private func checkWorld(_ comm: some Communicator) throws {
        guard comm.size == layout.worldSize, comm.rank == rank else {
            throw CommunicatorError.sizeMismatch(operation: "ShardedBuffer", expected: layout.worldSize, actual: comm.size,
                                                 detail: "buffer was split for rank \(rank) of \(layout.worldSize), communicator is rank \(comm.rank)")
        }
    }
}
