import FileChecks
import Foundation

/// What can be wrong with a model file beyond HDF5 itself (HDF5Error covers missing datasets
/// and wrong shapes, naming the file and the tensor).
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    /// The `config` attribute is not a valid model config.
    case badConfig(path: String, message: String)
    /// The `tokenizer` attribute is not a tokenizer.json this project can load.
    case badTokenizer(path: String, message: String)
    /// The tokenizer has more ids than the model has embedding rows.
    case vocabularyTooSmall(path: String, tokenizerVocabulary: Int, modelVocabulary: Int)
    /// A dataset at the top level that the config's layout does not have.
    case unexpectedTensor(path: String, name: String, hint: String)
    /// A file written by a newer, incompatible version of the format.
    case unsupportedFormat(path: String, found: Int64, supported: Int64)
    /// A weight that is NaN or infinite, refused before training (one would spread to all).
    case nonFiniteWeight(path: String, tensor: String, index: Int, value: Float)
    /// The parameters alone (fp32) exceed the memory available, checked before allocating them.
    case tooLargeForMemory(path: String, parameters: Int, bytes: Double, available: Double)
    /// A file of LoRA adapters whose base model file is not where it recorded (or cannot be read).
    case baseModelMissing(path: String, base: String, sha256: String)
    /// A file of LoRA adapters whose base model file's bytes changed since they were trained.
    case baseModelChanged(path: String, base: String, recorded: String, found: String)

    public var description: String {
        switch self {
        case let .badConfig(path, message):
            return "\(path): invalid model config (the 'config' attribute of a model file, or a config JSON): \(message)"
        case let .badTokenizer(path, message):
            return "\(path): attribute 'tokenizer' is not a loadable tokenizer.json: \(message)"
        case let .vocabularyTooSmall(path, tokenizerVocabulary, modelVocabulary):
            return "\(path): the tokenizer has \(tokenizerVocabulary) ids but vocab_size is \(modelVocabulary); raise vocab_size to at least \(tokenizerVocabulary)"
        case let .unexpectedTensor(path, name, hint):
            return "\(path): dataset '\(name)' is not a parameter of this config (\(hint))"
        case let .unsupportedFormat(path, found, supported):
            return "\(path): format_version \(found) is newer than this launcher reads (\(supported)); upgrade the launcher"
        case let .tooLargeForMemory(path, parameters, bytes, available):
            return "\(path): \(parameters) parameters need \(DiskSpace.describe(bytes: Int64(bytes))) in fp32, but \(DiskSpace.describe(bytes: Int64(available))) is available (MemAvailable or the cgroup limit); use a machine with more memory"
        case let .baseModelMissing(path, base, sha256):
            return "\(path): holds LoRA adapters for the base model \(base), which does not exist or cannot be read; "
                + "put the base back there (sha256 \(sha256)), or export a merged model where it still is"
        case let .baseModelChanged(path, base, recorded, found):
            return "\(path): holds LoRA adapters trained on \(base) with sha256 \(recorded), but that file now has sha256 \(found) "
                + "(expected the same base model, byte for byte; adapters on another base compute something else)"
        case let .nonFiniteWeight(path, tensor, index, value):
            return "\(path): weight \(tensor)[\(index)] is \(value); training needs finite weights (start from an earlier checkpoint or re-import the model)"
        }
    }
}
