import ArgumentParser
import EGPODistributed
import Foundation

/// `launcher import --from DIR|FILE.gguf --out model.h5`: a Hugging Face model folder or a
/// Llama-family GGUF file as a model file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a Hugging Face folder (LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM) or a Llama GGUF file into a model file.",
        discussion: """
        Reads config.json, model.safetensors or sharded safetensors with model.safetensors.index.json (F32, F16 or BF16, \
        converted to fp32), and keeps tokenizer.json, tokenizer_config.json, generation_config.json, chat_template.jinja and \
        special_tokens_map.json as raw text in the model file's hf:<name> attributes for export. A config key that \
        would change the computation and is not supported is refused by name. The model file trains with \
        --set model.checkpoint=FILE.

        A GGUF file (version 2 or 3, architecture llama; tensor types F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, \
        Q4_K, Q5_K, Q6_K, dequantised to fp32) is read with its byte-level BPE tokenizer (tokenizer.ggml.model gpt2) \
        and chat template (ChatML, Qwen2.5, Qwen3, Llama 3.x); anything else is refused naming it. `make smollm2` \
        fetches and imports SmolLM2-135M-Instruct this way.
        """
    )

    @Option(name: .customLong("from"), help: "The Hugging Face model folder, or a .gguf file.") var from: String
    @Option(help: "The model file to write (HDF5), written atomically.") var out: String
    @Option(name: .customLong("add-token"), help: ArgumentHelp(
        "Add this text to the tokenizer as one token (repeatable), e.g. <think> and </think>, which the Qwen2.5, Llama 3 and SmolLM2 tokenizers lack. It takes a spare embedding row when the model has one (Qwen2.5); otherwise the embedding (and a tied or untied output head) grows by a row initialised to the mean of the others.",
        valueName: "text"))
    var addTokens: [String] = []

    func validate() throws {
        if URL(fileURLWithPath: out).standardizedFileURL.path.hasPrefix(URL(fileURLWithPath: from).standardizedFileURL.path + "/")
            || URL(fileURLWithPath: out).standardizedFileURL == URL(fileURLWithPath: from).standardizedFileURL {
            throw ValidationError("--out \(out) is inside or equal to --from \(from); write the model file elsewhere")
        }
    }

    func run() throws {
        if HuggingFaceFolder.isGGUF(from) { return try importGGUF() }
        let read = try HuggingFaceFolder.read(from: from)
        let folder = try addingTokens(to: read, tokenizerPath: URL(fileURLWithPath: from).appendingPathComponent("tokenizer.json").path)
        try ModelFile.write(folder, to: out)
        let c = folder.config
        Console.out("imported \(c.architecture.causalLMClassName) from \(from): \(c.parameterCount) parameters, \(c.layerCount) layers, "
                    + "hidden \(c.hiddenSize), heads \(c.headCount)/\(c.kvHeadCount) of \(c.headDim), vocabulary \(c.vocabularySize), "
                    + "side files \(folder.files.keys.sorted().joined(separator: ", ")) -> \(out)")
    }

    /// `folder` with the `--add-token` texts added, each reported, and the growth of the
    /// vocabulary when there were not enough spare rows.
    func addingTokens(to folder: HuggingFaceFolder, tokenizerPath: String) throws -> HuggingFaceFolder {
        let (result, added) = try folder.addingTokens(addTokens, path: tokenizerPath)
        for a in added {
            Console.out(a.added ? "import: added \(a.content) as token \(a.id)" : "import: \(a.content) is already token \(a.id); not added")
        }
        let (before, after) = (folder.config.vocabularySize, result.config.vocabularySize)
        if after > before {
            Console.out("import: no spare embedding rows for \(after - before) of them: the embedding\(result.config.tieWordEmbeddings ? " (tied to the output head)" : " and the output head")"
                        + " grew from \(before) to \(after) rows, each new row the mean of the old ones")
        }
        return result
    }

    func importGGUF() throws {
        let (read, summary) = try HuggingFaceFolder.read(gguf: from)
        let folder = try addingTokens(to: read, tokenizerPath: from)
        try ModelFile.write(folder, to: out)
        let c = folder.config
        let types = summary.tensorTypes.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        Console.out("imported GGUF v\(summary.version) \(c.architecture.rawValue) from \(from): \(c.parameterCount) parameters (tensors: \(types)), "
                    + "\(c.layerCount) layers, hidden \(c.hiddenSize), heads \(c.headCount)/\(c.kvHeadCount) of \(c.headDim), "
                    + "vocabulary \(c.vocabularySize), context \(c.maxPositionEmbeddings), rope theta \(c.ropeTheta), "
                    + "tied embeddings \(c.tieWordEmbeddings) -> \(out)")
        let ids = summary.specialIDs
        Console.out("import: tokenizer \(summary.tokenizerKind) (pre \(summary.preTokenizer)), bos \(ids.bos.map(String.init) ?? "none"), "
                    + "eos \(ids.eos.map(String.init) ?? "none"), pad \(ids.padding.map(String.init) ?? "none")"
                    + (summary.missingBytes.isEmpty ? "" : "; \(summary.missingBytes.count) of the 256 bytes have no token and are skipped when encoding, as tokenizers does"))
        if let (template, options) = summary.chatTemplate {
            Console.out("import: chat template \(template.rawValue)" + (options.systemMessage.map { " with default system message \($0.debugDescription)" } ?? ""))
        } else {
            Console.out("import: the file has no chat template")
        }
    }
}
