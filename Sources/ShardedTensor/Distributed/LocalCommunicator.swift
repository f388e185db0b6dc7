import Foundation

/// N ranks as threads of one process, with the same collective semantics as `MPICommunicator`:
/// the test double for everything distributed (swift-nio's EmbeddedChannel is the model).
///
/// Every collective posts this rank's buffer, meets the others at a barrier, reads what it needs
/// from the other ranks' buffers, and meets them again before anyone may reuse a buffer.
/// Reductions add ranks in rank order, so every rank gets bit-identical results.
///
/// ```swift
/// let sums = try LocalCommunicator.run(size: 4) { comm in
///     try comm.allReduce(Double(comm.rank), op: .sum)
/// }   // [6, 6, 6, 6]
/// ```
public final class LocalCommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public var size: Int { world.size }
    private let world: LocalWorld

    private init(rank: Int, world: LocalWorld) {
        self.rank = rank
        self.world = world
    }

    /// Runs `body` on `size` threads, one per rank, and returns each rank's result in rank order.
    /// If any rank throws, the others are released from their collectives and the first error
    /// (by rank) is rethrown.
    public static func run<R: Sendable>(size: Int, _ body: @escaping @Sendable (LocalCommunicator) throws -> R) throws -> [R] {
        precondition(size >= 1, "LocalCommunicator.run: size \(size) must be at least 1")
        let world = LocalWorld(size: size)
        let results = ResultSlots<R>(count: size)
        let group = DispatchGroup()
        for r in 0..<size {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                let comm = LocalCommunicator(rank: r, world: world)
                do {
                    results.set(r, .success(try body(comm)))
                } catch {
                    results.set(r, .failure(error))
                    world.fail(rank: r)
                }
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        group.wait()
        return try results.values()
    }

    public func abort(errorCode: Int32) {
        world.fail(rank: rank)
    }

    public func barrier() throws {
        try world.barrier()
    }

    public func broadcast<T: CommScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        try checkRank(root, "broadcast")
        try exchange("broadcast", buffer: UnsafeRawPointer(buffer.baseAddress), count: buffer.count) { posts in
            try self.requireEqualCounts(posts, "broadcast")
            if self.rank != root, let source = posts[root].pointer {
                buffer.baseAddress!.update(from: source.assumingMemoryBound(to: T.self), count: buffer.count)
            }
        }
    }

    public func allReduce<T: CommScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp) throws {
        var result = [T](repeating: .zero, count: buffer.count)
        try exchange("allReduce", buffer: UnsafeRawPointer(buffer.baseAddress), count: buffer.count) { posts in
            try self.requireEqualCounts(posts, "allReduce")
            Self.reduce(posts, into: &result, elementOffset: 0, op: op)
        }
        // Written only after every rank has read every input (the exchange's second barrier).
        for i in 0..<buffer.count { buffer[i] = result[i] }
    }

    public func allGather<T: CommScalar>(_ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>) throws {
        guard receive.count == send.count * size else {
            throw CommunicatorError.sizeMismatch(operation: "allGather", expected: send.count * size,
                                                 actual: receive.count, detail: "receive must hold size x send")
        }
        try allGatherV(send, into: receive, counts: [Int](repeating: send.count, count: size))
    }

    public func allGatherV<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, counts: [Int]
    ) throws {
        guard counts.count == size, counts[rank] == send.count, counts.reduce(0, +) == receive.count else {
            throw CommunicatorError.sizeMismatch(operation: "allGatherV", expected: counts.reduce(0, +), actual: receive.count,
                                                 detail: "counts \(counts), rank \(rank) sends \(send.count)")
        }
        try exchange("allGatherV", buffer: UnsafeRawPointer(send.baseAddress), count: send.count) { posts in
            var offset = 0
            for (r, post) in posts.enumerated() {
                if post.count > 0 {
                    (receive.baseAddress! + offset).update(from: post.pointer!.assumingMemoryBound(to: T.self), count: post.count)
                }
                offset += counts[r]
            }
        }
    }

    public func reduceScatter<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, counts: [Int], op: ReduceOp
    ) throws {
        let total = counts.reduce(0, +)
        guard counts.count == size, send.count == total, receive.count == counts[rank] else {
            throw CommunicatorError.sizeMismatch(operation: "reduceScatter", expected: total, actual: send.count,
                                                 detail: "counts \(counts); rank \(rank) receives \(receive.count)")
        }
        let offset = counts[..<rank].reduce(0, +)
        var result = [T](repeating: .zero, count: receive.count)
        try exchange("reduceScatter", buffer: UnsafeRawPointer(send.baseAddress), count: send.count) { posts in
            try self.requireEqualCounts(posts, "reduceScatter")
            Self.reduce(posts, into: &result, elementOffset: offset, op: op)
        }
        for i in 0..<receive.count { receive[i] = result[i] }
    }

    public func gather<T: CommScalar>(
        _ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>, root: Int
    ) throws {
        try checkRank(root, "gather")
        if rank == root, receive.count != send.count * size {
            throw CommunicatorError.sizeMismatch(operation: "gather", expected: send.count * size,
                                                 actual: receive.count, detail: "receive on the root must hold size x send")
        }
        try exchange("gather", buffer: UnsafeRawPointer(send.baseAddress), count: send.count) { posts in
            try self.requireEqualCounts(posts, "gather")
            guard self.rank == root else { return }
            for (r, post) in posts.enumerated() where post.count > 0 {
                (receive.baseAddress! + r * send.count).update(from: post.pointer!.assumingMemoryBound(to: T.self), count: post.count)
            }
        }
    }

    // MARK: - Helpers

    /// Posts this rank's buffer, waits for all, lets `read` look at every rank's post, waits again.
    private func exchange(_ operation: String, buffer: UnsafeRawPointer?, count: Int,
                          read: ([LocalWorld.Post]) throws -> Void) throws {
        world.post(rank: rank, LocalWorld.Post(pointer: buffer, count: count))
        try world.barrier()
        var readError: Error?
        do { try read(world.posts()) } catch { readError = error }
        try world.barrier()
        if let readError { throw readError }
    }

    private static func reduce<T: CommScalar>(_ posts: [LocalWorld.Post], into result: inout [T], elementOffset: Int, op: ReduceOp) {
        let n = result.count
        guard n > 0 else { return }
        let first = posts[0].pointer!.assumingMemoryBound(to: T.self) + elementOffset
        for i in 0..<n { result[i] = first[i] }
        for post in posts.dropFirst() {
            let p = post.pointer!.assumingMemoryBound(to: T.self) + elementOffset
            for i in 0..<n { result[i] = op.combine(result[i], p[i]) }
        }
    }

    private func requireEqualCounts(_ posts: [LocalWorld.Post], _ operation: String) throws {
        if let bad = posts.first(where: { $0.count != posts[rank].count }) {
            throw CommunicatorError.sizeMismatch(operation: operation, expected: posts[rank].count, actual: bad.count,
                                                 detail: "every rank must pass the same count")
        }
    }

    private func checkRank(_ root: Int, _ operation: String) throws {
        guard (0..<size).contains(root) else { throw CommunicatorError.invalidRank(operation: operation, rank: root, size: size) }
    }
}

/// The shared state of one LocalCommunicator world: posted buffers and a reusable barrier.
final class LocalWorld: @unchecked Sendable {
    struct Post {
        var pointer: UnsafeRawPointer?
        var count: Int
    }

    let size: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var failedRank: Int?
    private var slots: [Post]

    init(size: Int) {
        self.size = size
        slots = [Post](repeating: Post(pointer: nil, count: 0), count: size)
    }

    func post(rank: Int, _ post: Post) {
        condition.lock()
        slots[rank] = post
        condition.unlock()
    }

    func posts() -> [Post] {
        condition.lock()
        defer { condition.unlock() }
        return slots
    }

    /// Waits until all ranks arrive; throws `peerFailed` if a rank failed meanwhile.
    func barrier() throws {
        condition.lock()
        defer { condition.unlock() }
        if let failedRank { throw CommunicatorError.peerFailed(rank: failedRank) }
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
            return
        }
        let myGeneration = generation
        while generation == myGeneration && failedRank == nil {
            condition.wait()
        }
        if generation == myGeneration, let failedRank { throw CommunicatorError.peerFailed(rank: failedRank) }
    }

    /// Marks a rank as failed and wakes everyone waiting.
    func fail(rank: Int) {
        condition.lock()
        if failedRank == nil { failedRank = rank }
        condition.broadcast()
        condition.unlock()
    }
}

/// One result slot per rank, filled from the rank threads.
private final class ResultSlots<R>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<R, Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<R, Error>) {
        lock.lock(); slots[index] = result; lock.unlock()
    }

    /// The results in rank order; rethrows the first non-peer failure (a peer failure is only a
    /// consequence of another rank's error).
    func values() throws -> [R] {
        lock.lock(); defer { lock.unlock() }
        let failures = slots.compactMap { slot -> Error? in
            if case .failure(let e)? = slot { return e } else { return nil }
        }
        if let root = failures.first(where: { ($0 as? CommunicatorError).map { if case .peerFailed = $0 { return false } else { return true } } ?? true }) {
            throw root
        }
        if let any = failures.first { throw any }
        return slots.map { try! $0!.get() }
    }
}
