/// Why the sampler refused a batch, before doing any work.
public enum SamplerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Request `index`'s prompt of `length` tokens leaves no room for a new token under the
    /// model's max_position_embeddings `limit` (a prompt needs length + 1 <= limit).
    case promptTooLong(index: Int, length: Int, limit: Int)

    public var description: String {
        switch self {
        case let .promptTooLong(index, length, limit):
            "sampling request \(index): prompt of \(length) tokens leaves no room under max_position_embeddings \(limit) (at most \(limit - 1) prompt tokens)"
        }
    }
}
