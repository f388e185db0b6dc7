/// Why the sampler refused a batch (before any work) or stopped (on non-finite logits).
public enum SamplerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Request `index`'s prompt of `length` tokens leaves no room for a new token under the
    /// model's max_position_embeddings `limit` (a prompt needs length + 1 <= limit).
    case promptTooLong(index: Int, length: Int, limit: Int)
    /// The model's logits for completion `completion` of request `request` at sequence
    /// `position` hold a non-finite `value` (first at vocabulary entry `token`).
    case nonFiniteLogits(request: Int, completion: Int, position: Int, token: Int, value: Float)

    public var description: String {
        switch self {
        case let .promptTooLong(index, length, limit):
            "sampling request \(index): prompt of \(length) tokens leaves no room under max_position_embeddings \(limit) (at most \(limit - 1) prompt tokens)"
        case let .nonFiniteLogits(request, completion, position, token, value):
            "sampling request \(request) (completion \(completion)): logit for token \(token) at position \(position) is \(value); the model has non-finite weights or overflowed (expected finite logits)"
        }
    }
}
