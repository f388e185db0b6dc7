/// Names the tensors inside one flat Float buffer: each entry is a Hugging Face-style name, a
/// shape (row-major, `[out, in]` for a linear weight) and the (offset, count) range it occupies.
///
/// Tensors are packed back to back in the order given, so the buffer holds exactly `totalCount`
/// floats and a shard of it is one (offset, count) range.
public struct ParameterLayout: Sendable, Equatable {
    /// One named tensor in the flat buffer.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public let entries: [Entry]
    /// Number of floats the buffer must hold.
    public let totalCount: Int
    private let index: [String: Int]

    /// Packs `tensors` back to back in the given order. Names must be unique.
    public init(_ tensors: [(name: String, shape: [Int])]) {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var offset = 0
        for t in tensors {
            precondition(index[t.name] == nil, "ParameterLayout: duplicate tensor name \(t.name)")
            precondition(t.shape.allSatisfy { $0 > 0 }, "ParameterLayout: \(t.name) has shape \(t.shape)")
            index[t.name] = entries.count
            let e = Entry(name: t.name, shape: t.shape, offset: offset)
            entries.append(e)
            offset += e.count
        }
        self.entries = entries
        self.index = index
        self.totalCount = offset
    }

    /// The entry named `name`, or nil.
    public func entry(named name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The entry named `name`; a programmer error if absent.
    public subscript(name: String) -> Entry {
        guard let e = entry(named: name) else { preconditionFailure("ParameterLayout: no tensor named \(name)") }
        return e
    }

    public static func == (a: ParameterLayout, b: ParameterLayout) -> Bool { a.entries == b.entries }
}

extension FloatBuffer {
    /// The floats of `entry` inside this buffer (laid out by the entry's layout), for reading or
    /// writing one named tensor (a model file's dataset, a checkpoint's moment).
    public func tensor(_ entry: ParameterLayout.Entry) -> UnsafeMutableBufferPointer<Float> {
        precondition(entry.offset + entry.count <= count, "tensor \(entry.name) at \(entry.offset)+\(entry.count) exceeds \(count) floats")
        return UnsafeMutableBufferPointer(start: base + entry.offset, count: entry.count)
    }
}
