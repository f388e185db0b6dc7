import Foundation
import FunctionCalling
import HDF5
import ShardedTensor

/// A policy and its tokenizer, as stored in a model file or a checkpoint.
public struct LoadedModel: Sendable {
    public let model: Transformer
    public let tokenizer: any Tokenizer
    /// An imported model's Hugging Face side files (`hf:` attributes), which training
    /// checkpoints carry on so that `launcher export` of any of them is self-contained.
    public var huggingFaceFiles: [String: String]
    /// With LoRA adapters (`model.adapters`): the base model file they belong to (nil for a
    /// whole model, or adapters not yet tied to a file).
    public var base: BaseModelReference?

    public init(model: Transformer, tokenizer: any Tokenizer, huggingFaceFiles: [String: String] = [:], base: BaseModelReference? = nil) {
        self.model = model
        self.tokenizer = tokenizer
        self.huggingFaceFiles = huggingFaceFiles
        self.base = base
    }

    /// The same model with `adapters` (nil: none) on its weights, tied to `base`.
    public func with(adapters: LoRAAdapters?, base: BaseModelReference?) -> LoadedModel {
        LoadedModel(model: model.with(adapters: adapters), tokenizer: tokenizer, huggingFaceFiles: huggingFaceFiles, base: base)
    }

    /// The same model computing in `precision` (`Transformer.with(precision:)`).
    public func with(precision: Precision) -> LoadedModel {
        LoadedModel(model: model.with(precision: precision), tokenizer: tokenizer, huggingFaceFiles: huggingFaceFiles, base: base)
    }

    /// A whole model that computes what this one computes: the weights with the adapters merged
    /// in (`W + (alpha / rank) B A`, a new buffer), or self when there are none.
    public func merged() -> LoadedModel {
        guard let adapters = model.adapters else { return self }
        let parameters = FloatBuffer(count: model.parameters.count)
        parameters.copy(from: model.parameters)
        adapters.merge(into: parameters, layout: model.layout)
        // The config validated when the model was made.
        return LoadedModel(model: try! Transformer(config: model.config, parameters: parameters), tokenizer: tokenizer,
                           huggingFaceFiles: huggingFaceFiles)
    }
}

/// Model files: HDF5, one Float32 dataset per parameter under its Hugging Face name and shape,
/// a root attribute `config` holding the config as JSON with HF key names, and a root attribute
/// `tokenizer` holding the tokenizer's `tokenizer.json` text (absent: the plain 256-byte
/// tokenizer). Parameters are written with HDF5's Fletcher-32 checksum, so a corrupted file fails
/// to load naming the tensor. h5py reads them directly; checkpoints are model files with more groups.
public enum ModelFile {
    /// Written as the root attribute `format_version`; readers refuse newer versions.
    public static let formatVersion: Int64 = 1

    /// Writes `model` and `tokenizer` to `path` atomically (a crash leaves any previous file).
    public static func write(_ model: Transformer, tokenizer: any Tokenizer, to path: String) throws {
        try HDF5File.writeAtomically(to: path) { file in
            try write(model, tokenizer: tokenizer, into: try file.root)
        }
    }

    /// Writes the parameters and the `config`, `tokenizer` and `format_version` attributes into
    /// `group` (the root of a model file or of a checkpoint).
    public static func write(_ model: Transformer, tokenizer: any Tokenizer, into group: HDF5Group) throws {
        for entry in model.layout.entries {
            let values = UnsafeBufferPointer(start: model.parameters.base + entry.offset, count: entry.count)
            try group.writeDataset(entry.name, shape: entry.shape, from: values, checksum: true)
        }
        try group.setAttribute("config", try configJSON(model.config))
        try group.setAttribute("format_version", formatVersion)
        if let json = tokenizer.tokenizerJSON() {
            try group.setAttribute("tokenizer", json)
        }
    }

    /// Reads a model file.
    public static func read(from path: String) throws -> LoadedModel {
        try InputFile.check(path, limit: Int.max)
        let file = try HDF5File.open(at: path)
        defer { try? file.close() }
        return try read(from: try file.root)
    }

    /// Reads the model and tokenizer stored in `group`. Every parameter of the config's layout
    /// must be there with its exact shape; top-level datasets outside the layout are refused
    /// (they mean the file is for another architecture). Subgroups (a checkpoint's optimizer
    /// state, RNG states) are left alone.
    public static func read(from group: HDF5Group) throws -> LoadedModel {
        let path = group.file.path
        if try AdapterFile.holdsAdapters(group) { return try AdapterFile.read(from: group) }
        if try group.hasAttribute("format_version") {
            let version = try group.int64Attribute("format_version")
            guard version <= formatVersion else { throw ModelFileError.unsupportedFormat(path: path, found: version, supported: formatVersion) }
        }
        let config = try readConfig(try group.stringAttribute("config"), path: path)
        let tokenizer = try readTokenizer(group, path: path)
        guard tokenizer.vocabSize <= config.vocabularySize else {
            throw ModelFileError.vocabularyTooSmall(path: path, tokenizerVocabulary: tokenizer.vocabSize, modelVocabulary: config.vocabularySize)
        }
        let layout = config.parameterLayout
        let known = Set(layout.entries.map(\.name))
        for name in try group.childNames() where !known.contains(name) {
            if (try? group.datasetShape(name)) != nil {
                throw ModelFileError.unexpectedTensor(path: path, name: name,
                                                      hint: "layers \(config.layerCount), tie_word_embeddings \(config.tieWordEmbeddings), attention_bias \(config.attentionBias)")
            }
        }
        let bytes = Double(layout.totalCount) * Double(MemoryLayout<Float>.stride)
        if let available = MachineMemory.availableBytes(), bytes > available {
            throw ModelFileError.tooLargeForMemory(path: path, parameters: layout.totalCount, bytes: bytes, available: available)
        }
        let parameters = FloatBuffer(count: layout.totalCount)
        for entry in layout.entries {
            try group.readDataset(entry.name, into: UnsafeMutableBufferPointer(start: parameters.base + entry.offset, count: entry.count),
                                  expectedShape: entry.shape)
        }
        do {
            var files: [String: String] = [:]
            for name in HuggingFaceFolder.sideFiles where try group.hasAttribute(huggingFaceAttribute(name)) {
                files[name] = try group.stringAttribute(huggingFaceAttribute(name))
            }
            return LoadedModel(model: try Transformer(config: config, parameters: parameters), tokenizer: tokenizer, huggingFaceFiles: files)
        } catch {
            throw ModelFileError.badConfig(path: path, message: "\(error)")
        }
    }

    /// The config as sorted JSON with HF key names.
    public static func configJSON(_ config: ModelConfig) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(config), as: UTF8.self)
    }

    /// Parses and validates a config JSON text; `path` names its source in errors.
    public static func readConfig(_ json: String, path: String) throws -> ModelConfig {
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let (key, value) = nonIntegerWhereIntegerExpected(json) {
                // Foundation on Linux reports a fraction for an Int as invalid JSON, naming no key.
                throw ModelFileError.badConfig(path: path, message: "\(key) must be an integer, got \(value)")
            }
            throw ModelFileError.badConfig(path: path, message: describe(error))
        } catch {
            throw ModelFileError.badConfig(path: path, message: "\(error)")   // validation inside decoding
        }
        do { try config.validate() } catch { throw ModelFileError.badConfig(path: path, message: "\(error)") }
        return config
    }

    private static func readTokenizer(_ group: HDF5Group, path: String) throws -> any Tokenizer {
        guard try group.hasAttribute("tokenizer") else { return ByteTokenizer() }
        do {
            return try BPETokenizer(json: try group.stringAttribute("tokenizer"))
        } catch let error as TokenizerError {
            throw ModelFileError.badTokenizer(path: path, message: "\(error)")
        }
    }

    /// The first key (dotted inside nested objects) holding a number that is not a 64-bit
    /// integer and whose replacement by 1 cures the decoding error: an integer key given `32.5`
    /// or `1e100`.
    static func nonIntegerWhereIntegerExpected(_ json: String) -> (key: String, value: String)? {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return nil }
        func failsAtTopLevel(_ object: [String: Any]) -> Bool {
            guard let data = try? JSONSerialization.data(withJSONObject: object) else { return true }
            do { _ = try JSONDecoder().decode(ModelConfig.self, from: data) } catch let DecodingError.dataCorrupted(context) {
                return context.codingPath.isEmpty
            } catch { return false }
            return false
        }
        func search(_ object: [String: Any], _ prefix: [String], _ replace: ([String: Any]) -> [String: Any]) -> (String, String)? {
            for key in object.keys.sorted() {
                if let child = object[key] as? [String: Any] {
                    if let found = search(child, prefix + [key], { var o = object; o[key] = $0; return replace(o) }) { return found }
                    continue
                }
                guard let n = object[key] as? NSNumber, !(object[key] is Bool), Int(n.stringValue) == nil else { continue }
                var fixed = object
                fixed[key] = 1
                if !failsAtTopLevel(replace(fixed)) { return ((prefix + [key]).joined(separator: "."), "\(n)") }
            }
            return nil
        }
        return search(root, [], { $0 })
    }

    /// A one-line reading of a decoding error: which key, what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [CodingKey]) -> String { path.isEmpty ? "top level" : path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case let .keyNotFound(key, context): return "missing key '\(key.stringValue)' at \(at(context.codingPath))"
        case let .typeMismatch(type, context): return "'\(at(context.codingPath))' should be \(type)"
        case let .valueNotFound(type, context): return "'\(at(context.codingPath))' is null, expected \(type)"
        case let .dataCorrupted(context): return "invalid JSON at \(at(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Throws for the first NaN or infinite weight of `model` (read from `path`), naming the
    /// tensor and the element. Training calls it before the first step; `sample` and `score`
    /// instead report the non-finite logits such weights produce.
    public static func requireFiniteWeights(_ model: Transformer, path: String) throws(ModelFileError) {
        for (buffer, layout) in [(model.parameters, model.layout)] + (model.adapters.map { [($0.values, $0.layout)] } ?? []) {
            let p = buffer.bufferPointer
            guard let bad = p.firstIndex(where: { !$0.isFinite }) else { continue }
            let entry = layout.entries.first { bad >= $0.offset && bad < $0.offset + $0.count }
            throw .nonFiniteWeight(path: path, tensor: entry?.name ?? "parameters", index: bad - (entry?.offset ?? 0), value: p[bad])
        }
    }
}
