/// A GGUF file that cannot be read or imported, naming the file and the key or tensor at fault,
/// with what was found and what was expected. Each description is one line.
public enum GGUFError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped.
    case unreadable(path: String, message: String)
    /// The file does not start with `GGUF`.
    case badMagic(path: String, found: [UInt8])
    /// A GGUF version other than 2 or 3 (1 used 32-bit counts and is long gone).
    case unsupportedVersion(path: String, version: UInt32)
    /// `what` needs the bytes `offset ..< offset + needed`, past the end of the file.
    case truncated(path: String, what: String, offset: Int, needed: UInt64, fileSize: Int)
    /// A metadata entry that is malformed or has the wrong type.
    case badMetadata(path: String, key: String, message: String)
    /// A tensor whose header, size or position is inconsistent.
    case badTensor(path: String, tensor: String, message: String)
    /// A tensor type this reader does not dequantise (named, e.g. IQ2_XS).
    case unsupportedTensorType(path: String, tensor: String, type: String, supported: String)
    /// A metadata key the import needs is absent.
    case missingKey(path: String, key: String)
    /// A metadata value the import does not support (an architecture, a tokenizer kind, ...).
    case unsupported(path: String, key: String, value: String, supported: String)
    /// A tensor the architecture needs is absent, or one it does not know is present.
    case missingTensor(path: String, tensor: String, shape: [Int])
    case unexpectedTensor(path: String, tensor: String)
    /// A weight that is NaN or infinite after dequantisation.
    case nonFiniteWeight(path: String, tensor: String, index: Int, value: Float)

    public var description: String {
        switch self {
        case let .unreadable(path, message):
            return "\(path): \(message)"
        case let .badMagic(path, found):
            return "\(path): not a GGUF file (starts with \(found.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")), expected 47 47 55 46 \"GGUF\")"
        case let .unsupportedVersion(path, version):
            return "\(path): GGUF version \(version) is not supported (supported: 2, 3)"
        case let .truncated(path, what, offset, needed, fileSize):
            return "\(path): truncated: \(what) needs \(needed) bytes at offset \(offset), but the file has \(fileSize) bytes"
        case let .badMetadata(path, key, message):
            return "\(path): metadata \(key): \(message)"
        case let .badTensor(path, tensor, message):
            return "\(path): tensor \(tensor): \(message)"
        case let .unsupportedTensorType(path, tensor, type, supported):
            return "\(path): tensor \(tensor) has type \(type), which is not supported (supported: \(supported))"
        case let .missingKey(path, key):
            return "\(path): metadata key \(key) is missing"
        case let .unsupported(path, key, value, supported):
            return "\(path): \(key) = \(value) is not supported (supported: \(supported))"
        case let .missingTensor(path, tensor, shape):
            return "\(path): tensor \(tensor) \(shape) is missing"
        case let .unexpectedTensor(path, tensor):
            return "\(path): tensor \(tensor) is not part of this architecture"
        case let .nonFiniteWeight(path, tensor, index, value):
            return "\(path): tensor \(tensor) element \(index) is \(value); refusing to import non-finite weights"
        }
    }
}
