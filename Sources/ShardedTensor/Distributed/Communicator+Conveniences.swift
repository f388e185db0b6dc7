/// Array and scalar forms of the collectives, for the small messages (metrics, counts, seeds)
/// that do not live in flat buffers.
extension Communicator {
    /// All-reduces an array in place.
    public func allReduce<T: CommScalar>(_ values: inout [T], op: ReduceOp) throws {
        try values.withUnsafeMutableBufferPointer { try allReduce($0, op: op) }
    }

    /// All-reduces one value and returns the result.
    public func allReduce<T: CommScalar>(_ value: T, op: ReduceOp) throws -> T {
        var v = [value]
        try allReduce(&v, op: op)
        return v[0]
    }

    /// Broadcasts an array from `root`; every rank must pass an array of the same length.
    public func broadcast<T: CommScalar>(_ values: inout [T], root: Int) throws {
        try values.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
    }

    /// Broadcasts a string (for example a JSON config) from `root`; other ranks' input is ignored.
    public func broadcast(_ text: String, root: Int) throws -> String {
        var length = [Int64(rank == root ? text.utf8.count : 0)]
        try broadcast(&length, root: root)
        var bytes = rank == root ? Array(text.utf8) : [UInt8](repeating: 0, count: Int(length[0]))
        try broadcast(&bytes, root: root)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// All-gathers one value per rank, in rank order.
    public func allGather<T: CommScalar>(_ value: T) throws -> [T] {
        var out = [T](repeating: .zero, count: size)
        try withUnsafePointer(to: value) { p in
            try out.withUnsafeMutableBufferPointer {
                try allGather(UnsafeBufferPointer(start: p, count: 1), into: $0)
            }
        }
        return out
    }
}
