import ArgumentParser
import EGPODistributed
import Foundation

/// `launcher import --from DIR --out model.h5`: a Hugging Face model folder as a model file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a Hugging Face folder (LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM) into a model file.",
        discussion: """
        Reads config.json, model.safetensors or sharded safetensors with model.safetensors.index.json (F32, F16 or BF16, \
        converted to fp32), and keeps tokenizer.json, tokenizer_config.json, generation_config.json and \
        special_tokens_map.json as raw text in the model file's hf:<name> attributes for export. A config key that \
        would change the computation and is not supported is refused by name. The model file trains with \
        --set model.checkpoint=FILE.
        """
    )

    @Option(name: .customLong("from"), help: "The Hugging Face model folder.") var from: String
    @Option(help: "The model file to write (HDF5), written atomically.") var out: String
    @Option(name: .customLong("add-token"), help: ArgumentHelp(
        "Add this text to the tokenizer as one token on a spare embedding row (repeatable), e.g. <think> and </think> for Qwen2.5, whose tokenizer lacks them (Llama-3 has no spare rows).",
        valueName: "text"))
    var addTokens: [String] = []

    func validate() throws {
        if URL(fileURLWithPath: out).standardizedFileURL.path.hasPrefix(URL(fileURLWithPath: from).standardizedFileURL.path + "/")
            || URL(fileURLWithPath: out).standardizedFileURL == URL(fileURLWithPath: from).standardizedFileURL {
            throw ValidationError("--out \(out) is inside or equal to --from \(from); write the model file elsewhere")
        }
    }

    func run() throws {
        let (folder, added) = try HuggingFaceFolder.read(from: from)
            .addingTokens(addTokens, path: URL(fileURLWithPath: from).appendingPathComponent("tokenizer.json").path)
        try ModelFile.write(folder, to: out)
        for a in added {
            Console.out(a.added ? "import: added \(a.content) as token \(a.id)" : "import: \(a.content) is already token \(a.id); not added")
        }
        let c = folder.config
        Console.out("imported \(c.architecture.causalLMClassName) from \(from): \(c.parameterCount) parameters, \(c.layerCount) layers, "
                    + "hidden \(c.hiddenSize), heads \(c.headCount)/\(c.kvHeadCount) of \(c.headDim), vocabulary \(c.vocabularySize), "
                    + "side files \(folder.files.keys.sorted().joined(separator: ", ")) -> \(out)")
    }
}
