import Foundation
import HDF5
import ShardedTensor

extension ModelFile {
    /// The root attribute holding the raw text of Hugging Face side file `name`
    /// (`hf:tokenizer.json`, `hf:tokenizer_config.json`, `hf:generation_config.json`, ...).
    /// Export writes them back unchanged. The model file's own `tokenizer` attribute is the
    /// folder's tokenizer.json as `BPETokenizer` writes it (the byte tokenizer when there is none),
    /// so training encodes with the model's real tokenizer.
    public static func huggingFaceAttribute(_ name: String) -> String { "hf:" + name }

    /// Writes an imported folder as a model file (atomically): its tokenizer (or the byte
    /// tokenizer), and its side files as attributes.
    public static func write(_ folder: HuggingFaceFolder, to path: String) throws {
        let model = try Transformer(config: folder.config, parameters: folder.parameters)
        try HDF5File.writeAtomically(to: path) { file in
            let root = try file.root
            try write(model, tokenizer: folder.tokenizer ?? ByteTokenizer(), into: root)
            for (name, text) in folder.files.sorted(by: { $0.key < $1.key }) {
                try root.setAttribute(huggingFaceAttribute(name), text)
            }
        }
    }

    /// The Hugging Face side files stored in the model file or checkpoint at `path`.
    public static func huggingFaceFiles(at path: String) throws -> [String: String] {
        let file = try HDF5File.open(at: path)
        defer { try? file.close() }
        let root = try file.root
        var files: [String: String] = [:]
        for name in HuggingFaceFolder.sideFiles where try root.hasAttribute(huggingFaceAttribute(name)) {
            files[name] = try root.stringAttribute(huggingFaceAttribute(name))
        }
        return files
    }
}
