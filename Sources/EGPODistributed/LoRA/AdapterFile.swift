import Foundation
import HDF5
import ShardedTensor

/// LoRA adapters in a model file or checkpoint, beside (not instead of) nothing else of the
/// model: the base stays in its own file, which the adapters name.
///
/// | object | content |
/// |---|---|
/// | attribute `lora_base_model` | the base model file's absolute path |
/// | attribute `lora_base_sha256` | the SHA-256 of that file's bytes, hex |
/// | attribute `lora_config` | `{"rank", "alpha", "dropout", "targets", "trainableTokens"}` as JSON |
/// | group `lora_adapters` | one Float32 dataset per adapter tensor (`model.layers.L.self_attn.q_proj.lora_A.weight`, ..., and the trained token rows), Fletcher-32 |
///
/// `ModelFile.read` of such a file reads the base (refusing a file whose bytes changed), then
/// adds the adapters, so `score`, `eval`, `sample` and `export` take LoRA checkpoints as they are.
public enum AdapterFile {
    static let baseAttribute = "lora_base_model", shaAttribute = "lora_base_sha256", configAttribute = "lora_config"
    static let groupName = "lora_adapters"

    /// True when `group` holds adapters rather than a whole model.
    public static func holdsAdapters(_ group: HDF5Group) throws -> Bool { try group.hasAttribute(baseAttribute) }

    /// Writes `adapters` and the reference to their base into `group` (a file's root).
    public static func write(_ adapters: LoRAAdapters, base: BaseModelReference, into group: HDF5Group) throws {
        try group.setAttribute(baseAttribute, base.path)
        try group.setAttribute(shaAttribute, base.sha256)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try group.setAttribute(configAttribute, String(decoding: try encoder.encode(adapters.config), as: UTF8.self))
        try group.setAttribute("format_version", ModelFile.formatVersion)
        let g = try group.createGroup(groupName)
        for e in adapters.layout.entries {
            try g.writeDataset(e.name, shape: e.shape, from: UnsafeBufferPointer(start: adapters.values.base + e.offset, count: e.count),
                               checksum: true)
        }
    }

    /// Reads the base model the adapters in `group` name (it must have the recorded SHA-256),
    /// then the adapters; the result computes base + adapters.
    public static func read(from group: HDF5Group) throws -> LoadedModel {
        let path = group.file.path
        let basePath = try group.stringAttribute(baseAttribute), recorded = try group.stringAttribute(shaAttribute)
        guard FileManager.default.fileExists(atPath: basePath) else {
            throw ModelFileError.baseModelMissing(path: path, base: basePath, sha256: recorded)
        }
        let found = try BaseModelReference.sha256(of: basePath)
        guard found == recorded else {
            throw ModelFileError.baseModelChanged(path: path, base: basePath, recorded: recorded, found: found)
        }
        let base = try ModelFile.read(from: basePath)
        guard base.base == nil else {
            throw ModelFileError.badConfig(path: path, message: "its base \(basePath) holds adapters itself (expected a whole model)")
        }
        let config: LoRAConfig
        do {
            config = try JSONDecoder().decode(LoRAConfig.self, from: Data(try group.stringAttribute(configAttribute).utf8))
        } catch {
            throw ModelFileError.badConfig(path: path, message: "attribute \(configAttribute) is not a LoRA config: \(error)")
        }
        var trial = TrainerConfig()
        trial.model.lora = config
        do { try trial.validate(worldSize: 1, purpose: .supervised) } catch {
            throw ModelFileError.badConfig(path: path, message: "attribute \(configAttribute): \(error)")
        }
        let layout = LoRAAdapters.layout(config: config, model: base.model.config)
        let values = FloatBuffer(count: layout.totalCount)
        let g = try group.group(groupName)
        let expected = Set(layout.entries.map(\.name))
        if let extra = try g.childNames().first(where: { !expected.contains($0) }) {
            throw ModelFileError.unexpectedTensor(path: path, name: "\(groupName)/\(extra)",
                                                  hint: "rank \(config.rank), targets \(config.targets.map(\.rawValue).joined(separator: ", "))")
        }
        for e in layout.entries {
            try g.readDataset(e.name, into: UnsafeMutableBufferPointer(start: values.base + e.offset, count: e.count), expectedShape: e.shape)
        }
        let tokenIDs: [Int32]
        do { tokenIDs = try config.trainableTokenIDs(in: base.tokenizer) } catch {
            throw ModelFileError.badConfig(path: path, message: "attribute \(configAttribute): \(error) (its base \(basePath))")
        }
        let adapters = LoRAAdapters(config: config, model: base.model.config, values: values, tokenIDs: tokenIDs)
        return LoadedModel(model: base.model.with(adapters: adapters), tokenizer: base.tokenizer, huggingFaceFiles: base.huggingFaceFiles,
                           base: BaseModelReference(path: basePath, sha256: recorded))
    }
}
