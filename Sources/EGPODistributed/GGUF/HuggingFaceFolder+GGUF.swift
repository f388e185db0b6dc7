import Foundation
import FunctionCalling

/// What `HuggingFaceFolder.read(gguf:)` found beside the weights, for the import's report.
public struct GGUFImportSummary: Sendable {
    public var version: UInt32
    /// Tensor count per type name, e.g. ["Q4_1": 210, "F32": 61, "Q8_0": 1].
    public var tensorTypes: [String: Int]
    public var tokenizerKind: String
    public var preTokenizer: String
    public var specialIDs: GGUFTokenizer.SpecialIDs
    /// The recognised chat template and its options; nil when the file has none.
    public var chatTemplate: (template: ChatTemplate, options: ChatTemplate.Options)?
    /// Byte values the vocabulary has no token for (skipped when encoding).
    public var missingBytes: [UInt8]
}

extension HuggingFaceFolder {
    /// A Llama-family GGUF file as a model folder in memory, so that the Hugging Face import's
    /// writer (`ModelFile.write`) and `launcher export` serve it unchanged: the config and fp32
    /// parameters (`GGUFLlamaModel`), the tokenizer (`GGUFTokenizer`) kept as tokenizer.json
    /// text, tokenizer_config.json with the chat template and special tokens, and
    /// generation_config.json with the special token ids. A chat template that is not one of
    /// the families `ChatTemplate` renders is refused naming what it starts with.
    public static func read(gguf path: String) throws -> (HuggingFaceFolder, GGUFImportSummary) {
        let file = try GGUFFile(path: path)
        let config = try GGUFLlamaModel.config(file)
        let tokenizer = try GGUFTokenizer.read(file, vocabularySize: config.vocabularySize)
        let ids = try GGUFTokenizer.specialIDs(file, tokenCount: tokenizer.vocabSize)

        var recognized: (ChatTemplate, ChatTemplate.Options)?
        let template = file["tokenizer.chat_template"]?.string
        if let template {
            guard let r = ChatTemplate.recognize(jinja: template) else {
                throw GGUFError.unsupported(path: path, key: "tokenizer.chat_template", value: GGUFValue.string(template).summary,
                                            supported: "ChatML (with or without a default system message), Qwen2.5, Qwen3, Llama 3.1, Llama 3.2")
            }
            recognized = r
        }
        let parameters = try GGUFLlamaModel.parameters(file, config: config)

        func token(_ id: Int?) -> Any { id.flatMap { tokenizer.bytes(of: Int32($0)) }.map { String(decoding: $0, as: UTF8.self) } ?? NSNull() }
        var tokenizerConfig: [String: Any] = [
            "tokenizer_class": "PreTrainedTokenizerFast", "add_bos_token": ids.addBOS, "clean_up_tokenization_spaces": false,
            "bos_token": token(ids.bos), "eos_token": token(ids.eos), "pad_token": token(ids.padding), "unk_token": token(ids.unknown),
            "model_max_length": config.maxPositionEmbeddings,
        ]
        if let template { tokenizerConfig["chat_template"] = template }
        var generation: [String: Any] = ["_from_model_config": true]
        for (key, id) in [("bos_token_id", ids.bos), ("eos_token_id", ids.eos), ("pad_token_id", ids.padding)] {
            if let id { generation[key] = id }
        }
        func json(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self) + "\n"
        }
        let files = ["tokenizer.json": tokenizer.jsonText(), "tokenizer_config.json": try json(tokenizerConfig),
                     "generation_config.json": try json(generation)]
        var types: [String: Int] = [:]
        for t in file.tensors { types[t.type.name, default: 0] += 1 }
        let summary = GGUFImportSummary(
            version: file.version, tensorTypes: types, tokenizerKind: file["tokenizer.ggml.model"]?.string ?? "",
            preTokenizer: file["tokenizer.ggml.pre"]?.string ?? "default", specialIDs: ids,
            chatTemplate: recognized, missingBytes: (0 ..< 256).filter { tokenizer.byteIDs[$0] < 0 }.map(UInt8.init))
        return (HuggingFaceFolder(config: config, parameters: parameters, files: files, tokenizer: tokenizer), summary)
    }

    /// True when `path` starts with the GGUF magic.
    public static func isGGUF(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data(GGUFFile.magic)
    }
}
