import ArgumentParser
import EGPODistributed
import Foundation

/// `launcher export --checkpoint CKPT --out DIR`: a model file or checkpoint as a Hugging Face folder.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a checkpoint or model file as a Hugging Face folder (model.safetensors, config.json, tokenizer files).",
        discussion: """
        The folder loads with transformers' AutoModelForCausalLM.from_pretrained. The Hugging Face side files \
        (tokenizer.json, tokenizer_config.json, generation_config.json) come from the checkpoint's hf:<name> \
        attributes, or from --side-files (the model file `launcher import` wrote) when the checkpoint has none; \
        written unchanged, so `tokenizers` loads the tokenizer the model was imported with. A model with no \
        tokenizer.json among them but a BPE tokenizer of its own (a from-scratch model) gets that one's tokenizer.json. \
        The folder is written under a temporary name and renamed; an existing --out is refused.
        """
    )

    @Option(help: "A training checkpoint or model file.") var checkpoint: String
    @Option(help: "The folder to create.") var out: String
    @Option(help: "Element type of model.safetensors: fp32, bf16 or fp16.") var dtype: String = "fp32"
    @Option(help: "A model file whose hf:<name> attributes provide the tokenizer and generation files.") var sideFiles: String?

    var safetensorsType: SafeTensors.DType? { ["fp32": .f32, "bf16": .bf16, "fp16": .f16][dtype] }

    func validate() throws {
        guard safetensorsType != nil else { throw ValidationError("--dtype \(dtype) is not one of fp32, bf16, fp16") }
        let o = URL(fileURLWithPath: out).standardizedFileURL
        for input in [checkpoint] + (sideFiles.map { [$0] } ?? []) where URL(fileURLWithPath: input).standardizedFileURL == o {
            throw ValidationError("--out \(out) is an input file")
        }
    }

    func run() throws {
        let loaded = try ModelFile.read(from: checkpoint)
        var files = try ModelFile.huggingFaceFiles(at: checkpoint)
        if files.isEmpty, let sideFiles { files = try ModelFile.huggingFaceFiles(at: sideFiles) }
        if files["tokenizer.json"] == nil, let own = loaded.tokenizer.tokenizerJSON() { files["tokenizer.json"] = own }
        let folder = HuggingFaceFolder(config: loaded.model.config, parameters: loaded.model.parameters, files: files)
        try folder.write(to: out, dtype: safetensorsType!)
        Console.out("exported \(loaded.model.config.architecture.causalLMClassName) (\(loaded.model.config.parameterCount) parameters, \(dtype)) "
                    + "with \(files.isEmpty ? "no side files" : files.keys.sorted().joined(separator: ", ")) -> \(out)")
    }
}
