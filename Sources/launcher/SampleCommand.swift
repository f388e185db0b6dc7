import ArgumentParser
import EGPODistributed
import Foundation

/// `launcher sample`: completions of a prompt from a model file, with the KV-cache sampler.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample completions of a prompt from a model file or checkpoint."
    )

    @Option(help: "Model file or checkpoint (HDF5).") var checkpoint: String
    @Option(help: "The prompt text (encoded with the model's tokenizer, nothing prepended).") var prompt: String
    @Option(help: "Most tokens to generate per completion.") var maxTokens: Int = 64
    @Option(help: "Sampling temperature (> 0).") var temperature: Float = 1
    @Option(help: "Seed of the per-sequence random streams.") var seed: UInt64 = 0
    @Option(help: "Keep only the k most probable tokens.") var topK: Int?
    @Option(help: "Keep the smallest set of tokens whose probability reaches p.") var topP: Float?
    @Option(help: "Completions to draw (they share the prompt's KV cache).") var count: Int = 1
    @Flag(help: "Print one JSON object per completion with tokens, log-probabilities and entropies.") var json = false

    func validate() throws {
        try OptionRange.check(maxTokens, "--max-tokens", max: OptionRange.maxTokens)
        try OptionRange.positive(temperature, "--temperature")
        // Each completion holds its own KV cache rows: a bound keeps --count from allocating absurdly.
        try OptionRange.check(count, "--count", max: 4096)
        if let topK { try OptionRange.check(topK, "--top-k", max: 1 << 24) }
        if let topP, !(topP > 0 && topP <= 1) { throw ValidationError("--top-p \(topP) must be in (0, 1]") }
    }

    func run() throws {
        let loaded = try ModelFile.read(from: checkpoint)
        let tokens = loaded.tokenizer.encode(prompt)
        let limit = loaded.model.config.maxPositionEmbeddings
        guard !tokens.isEmpty else { throw LauncherError("--prompt is empty: the sampler needs at least one prompt token") }
        guard tokens.count < limit else {
            throw LauncherError("--prompt encodes to \(tokens.count) tokens, leaving no room under max_position_embeddings \(limit)")
        }
        let options = SamplingOptions(temperature: temperature, topK: topK, topP: topP, maxNewTokens: maxTokens,
                                      stopTokens: Set([loaded.tokenizer.eosID].compactMap { $0 }), seed: seed)
        let completions: [Completion]
        do {
            completions = try Sampler(model: loaded.model).sample(
                [SamplingRequest(prompt: tokens, completionCount: count, firstSequenceId: 0)], options: options)
        } catch {
            throw LauncherError("\(checkpoint): \(error)")
        }
        // The sampler stops a completion at the context limit; say so rather than hand back a
        // shorter completion as if --max-tokens or an end token had ended it.
        let room = limit - tokens.count
        let cut = completions.filter { !$0.stopped && $0.tokens.count == room && room < maxTokens }
        if !cut.isEmpty {
            Console.err("sample: \(cut.count == completions.count ? "every completion" : "\(cut.count) of \(completions.count) completions") "
                        + "stopped at the context limit, \(room) tokens (max_position_embeddings \(limit) minus the \(tokens.count)-token prompt), "
                        + "before --max-tokens \(maxTokens)")
        }
        for completion in completions {
            let text = loaded.tokenizer.decode(completion.tokens)
            if json {
                Console.out(try JSONLines.encode([
                    "sequence_id": Int(completion.sequenceId), "prompt_tokens": tokens.map(Int.init),
                    "tokens": completion.tokens.map(Int.init), "text": text,
                    "logprobs": completion.logProbs.map(Double.init), "entropies": completion.entropies.map(Double.init),
                    "stopped": completion.stopped,
                    "stop_reason": completion.stopped ? "end_token" : completion.tokens.count == room && room < maxTokens ? "context_limit" : "max_tokens",
                ]))
            } else {
                Console.out(text)
            }
        }
    }
}
