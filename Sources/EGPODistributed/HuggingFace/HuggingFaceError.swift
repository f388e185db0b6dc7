/// A safetensors file or Hugging Face folder that cannot be read, naming the file, the tensor or
/// key, and what was expected.
public enum HuggingFaceError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, message: String)
    case badHeader(path: String, message: String)
    case badTensor(path: String, tensor: String, message: String)
    case missingTensor(path: String, tensor: String, shape: [Int])
    case unexpectedTensor(path: String, tensor: String)
    case unsupportedKey(path: String, key: String, value: String, supported: String)
    case badConfig(path: String, message: String)
    /// tokenizer.json cannot be read as the model's tokenizer (an unsupported option, or more ids than vocab_size).
    case badTokenizer(path: String, message: String)
    /// An exported folder the file system refused (`reason`: full, read-only, no new files there).
    case notWritten(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, message): return "\(path): \(message)"
        case let .badHeader(path, message): return "\(path): bad safetensors header: \(message)"
        case let .badTensor(path, tensor, message): return "\(path): tensor \(tensor): \(message)"
        case let .missingTensor(path, tensor, shape): return "\(path): tensor \(tensor) \(shape) is missing"
        case let .unexpectedTensor(path, tensor): return "\(path): tensor \(tensor) is not part of this architecture"
        case let .unsupportedKey(path, key, value, supported):
            return "\(path): \(key) = \(value) is not supported (supported: \(supported))"
        case let .badConfig(path, message): return "\(path): \(message)"
        case let .badTokenizer(path, message): return "\(path): \(message)"
        case let .notWritten(path, reason): return "\(path): not written: \(reason); nothing was left there"
        }
    }
}
