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
        case let .nonFiniteWeight(path, tensor, index, value):
            return "\(path): weight \(tensor)[\(index)] is \(value); training needs finite weights (start from an earlier checkpoint or re-import the model)"
        }
    }
}
