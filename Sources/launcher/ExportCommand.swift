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

        A LoRA checkpoint (model.lora) exports as the merged model (W + alpha/r B A in every adapted layer; \
        --format merged, the default), or with --format peft as a PEFT adapter folder (adapter_config.json, \
        adapter_model.safetensors) that peft's PeftModel.from_pretrained loads onto the base model exported \
        by `launcher export --checkpoint BASE` (its folder, or --base-model, is named in base_model_name_or_path).
        """
    )

    @Option(help: "A training checkpoint or model file.") var checkpoint: String
    @Option(help: "The folder to create.") var out: String
    @Option(help: "Element type of model.safetensors: fp32, bf16 or fp16.") var dtype: String = "fp32"
    @Option(help: "A model file whose hf:<name> attributes provide the tokenizer and generation files.") var sideFiles: String?
    @Option(help: "merged (a whole model; LoRA adapters merged into the weights) or peft (a LoRA checkpoint's adapters as a PEFT folder).")
    var format: String = "merged"
    @Option(help: "--format peft: base_model_name_or_path to record (default: the base model file the adapters were trained on).")
    var baseModel: String?

    var safetensorsType: SafeTensors.DType? { ["fp32": .f32, "bf16": .bf16, "fp16": .f16][dtype] }

    func validate() throws {
        guard safetensorsType != nil else { throw ValidationError("--dtype \(dtype) is not one of fp32, bf16, fp16") }
        guard ["merged", "peft"].contains(format) else { throw ValidationError("--format \(format) is not one of merged, peft") }
        if baseModel != nil && format != "peft" { throw ValidationError("--base-model goes with --format peft") }
        let o = URL(fileURLWithPath: out).standardizedFileURL
        for input in [checkpoint] + (sideFiles.map { [$0] } ?? []) where URL(fileURLWithPath: input).standardizedFileURL == o {
            throw ValidationError("--out \(out) is an input file")
        }
    }

    func run() throws {
        let loaded = try ModelFile.read(from: checkpoint)
        if format == "peft" {
            guard let adapters = loaded.model.adapters else {
                throw ValidationError("\(checkpoint) holds a whole model, no LoRA adapters; export it with --format merged")
            }
            try PEFTAdapterFolder.write(adapters, baseModel: baseModel ?? loaded.base?.path ?? "", to: out, dtype: safetensorsType!)
            Console.out("exported LoRA adapters (rank \(adapters.config.rank), alpha \(adapters.config.alpha), \(adapters.layout.totalCount) parameters, \(dtype)) "
                        + "as a PEFT folder for the base \(loaded.base?.path ?? "?") -> \(out)")
            return
        }
        // A LoRA checkpoint's side files are its base's; a whole model's are its own (or --side-files').
        var files = loaded.model.adapters == nil ? try ModelFile.huggingFaceFiles(at: checkpoint) : loaded.huggingFaceFiles
        if files.isEmpty, let sideFiles { files = try ModelFile.huggingFaceFiles(at: sideFiles) }
        if files["tokenizer.json"] == nil, let own = loaded.tokenizer.tokenizerJSON() { files["tokenizer.json"] = own }
        let model = loaded.merged().model
        let folder = HuggingFaceFolder(config: model.config, parameters: model.parameters, files: files)
        try folder.write(to: out, dtype: safetensorsType!)
        let merged = loaded.model.adapters.map { " with its LoRA adapters (rank \($0.config.rank)) merged" } ?? ""
        Console.out("exported \(model.config.architecture.causalLMClassName) (\(model.config.parameterCount) parameters, \(dtype))\(merged) "
                    + "with \(files.isEmpty ? "no side files" : files.keys.sorted().joined(separator: ", ")) -> \(out)")
    }
}
