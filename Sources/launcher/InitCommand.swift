import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

/// `launcher init`: a freshly initialised model file from a config.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a freshly initialised model file from a Hugging Face-style config JSON."
    )

    @Option(help: "Config JSON with Hugging Face LlamaConfig keys (vocab_size, hidden_size, ...).")
    var config: String

    @Option(help: "The model file to write (HDF5); replaced atomically if it exists.")
    var out: String

    @Option(help: "Seed for the initial weights.")
    var seed: UInt64 = 0

    @Option(help: "A tokenizer.json to store with the model (default: the plain 256-byte tokenizer).")
    var tokenizer: String?

    func run() throws {
        try OutputFile.check(out, inputs: [config] + (tokenizer.map { [$0] } ?? []))
        let text: String
        do { text = String(decoding: try InputFile.read(config), as: UTF8.self) } catch {
            throw LauncherError("\(config): cannot read the config: \(error.problem)")
        }
        let modelConfig = try ModelFile.readConfig(text, path: config)
        let tok: any Tokenizer = try tokenizer.map { try BPETokenizer(contentsOf: URL(fileURLWithPath: $0)) } ?? ByteTokenizer()
        guard tok.vocabSize <= modelConfig.vocabularySize else {
            throw LauncherError("\(tokenizer ?? "the byte tokenizer") has \(tok.vocabSize) ids but \(config) sets vocab_size \(modelConfig.vocabularySize); raise vocab_size to at least \(tok.vocabSize)")
        }
        let model = try Transformer(config: modelConfig, seed: seed)
        try ModelFile.write(model, tokenizer: tok, to: out)
        Console.out("init: wrote \(out): \(modelConfig.parameterCount) parameters, \(modelConfig.layerCount) layers, hidden \(modelConfig.hiddenSize), vocab \(modelConfig.vocabularySize), tokenizer \(tokenizer == nil ? "bytes" : "BPE (\(tok.vocabSize) ids)"), seed \(seed)")
    }
}
