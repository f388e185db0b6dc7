import ArgumentParser
import EGPODistributed
import Foundation
import ShardedTensor

/// `launcher bench model`: sgemm rate, a training step and KV-cache decoding on the bench config.
struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Benchmark the policy: training step (forward, backward, AdamW) and decoding at batch 1, 8 and 64."
    )

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Threads for this process: OpenBLAS threads and kernel workers (1 under mpirun with one rank per core).")
    var threads = 1

    @Option(help: "Timed training steps (the median is reported; one warm-up step runs first).")
    var steps = 3

    @Option(help: "Prompt (context) length for the decoding runs.")
    var contextLength = 256

    @Option(help: "New tokens generated per sequence in the decoding runs.")
    var newTokens = 64

    @Option(help: "Also decode 64 sequences as 64/G prompts with G completions sharing each prompt's cache (0 or 1: skip).")
    var group = 8

    @Option(help: "Decode batch sizes to run (comma-separated; an empty list skips decoding).")
    var decodeBatches = "1,8,64"

    func validate() throws {
        guard batches != nil else { throw ValidationError("--decode-batches must be comma-separated positive integers, got '\(decodeBatches)'") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
        guard group <= 1 || 64 % group == 0 else { throw ValidationError("--group must divide 64, got \(group)") }
        guard contextLength + newTokens <= ModelConfig.bench.maxPositionEmbeddings else {
            throw ValidationError("--context-length + --new-tokens = \(contextLength + newTokens) exceeds the bench config's \(ModelConfig.bench.maxPositionEmbeddings) positions")
        }
        guard contextLength >= 1 && newTokens >= 2 else {
            throw ValidationError("--context-length must be >= 1 and --new-tokens >= 2, got \(contextLength) and \(newTokens)")
        }
    }

    var batches: [Int]? {
        let parts = decodeBatches.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return parts.allSatisfy { ($0 ?? 0) > 0 } ? parts.map { $0! } : nil
    }

    func run() throws {
        Matmul.threads = threads
        let bench = try ModelBenchmark(config: .bench, sequences: 16, sequenceLength: 256)
        // The machine is shared: sgemm is measured before and after the training step and the
        // better figure kept, so train_vs_sgemm compares with the rate the machine could give.
        let sgemmBefore = bench.sgemmGflops()
        let train = try bench.trainStep(steps: steps)
        let sgemm = max(sgemmBefore, bench.sgemmGflops())
        var decode: [Int: ModelBenchmark.DecodeResult] = [:]
        for batch in batches! { decode[batch] = try bench.decode(batch: batch, contextLength: contextLength, newTokens: newTokens) }
        let trainGflops = train.flops / train.seconds / 1e9
        var report: [(String, Any)] = [
            ("threads", threads),
            ("sgemm_gflops", sgemm),
            ("sgemm_gflops_before_train", sgemmBefore),
            ("train_step_seconds", train.seconds),
            ("train_forward_seconds", train.forwardSeconds),
            ("train_backward_seconds", train.backwardSeconds),
            ("train_optimizer_seconds", train.optimizerSeconds),
            ("train_gflops", trainGflops),
            ("train_vs_sgemm", trainGflops / sgemm),
            ("train_flops_per_step", train.flops),
            ("train_flop_count", "6 * matmul parameters (all but the input embedding) * tokens + 6 * layers * sequences * heads * headDim * T(T+1) (causal attention, forward x3)"),
            ("train_tokens_per_step", train.tokens),
            ("decode_context_tokens", contextLength),
            ("decode_new_tokens", newTokens),
            ("decode_definition", "decode_*: incremental steps only (tokens after the first, from a \(contextLength)-token KV cache) / their time; generate_*: all new tokens / (prefill + decode) time"),
            ("optimizer_note", "the trainer path: global grad-norm clip to 1.0, then Optim/AdamW (lr 1e-4, betas 0.9/0.95, wd 0.1) over the whole buffer"),
        ]
        for (batch, result) in decode.sorted(by: { $0.key < $1.key }) {
            report.append(("decode_tokens_per_s_b\(batch)", result.decodeTokensPerSecond))
            report.append(("generate_tokens_per_s_b\(batch)", result.totalTokensPerSecond))
        }
        if group > 1 && batches!.contains(64) {
            // The RL shape: 64 / G prompts, G completions each, one prefill per prompt.
            let shared = try bench.decode(batch: 64, group: group, contextLength: contextLength, newTokens: newTokens)
            report.append(("decode_tokens_per_s_b64_groups_of_\(group)", shared.decodeTokensPerSecond))
            report.append(("generate_tokens_per_s_b64_groups_of_\(group)", shared.totalTokensPerSecond))
        }
        if json {
            Console.out(try JSONLines.encode(Dictionary(uniqueKeysWithValues: report)))
        } else {
            for (k, v) in report {
                if let d = v as? Double { print("\(k.padding(toLength: 42, withPad: " ", startingAt: 0)) \(String(format: "%.4g", d))") }
                else { print("\(k.padding(toLength: 42, withPad: " ", startingAt: 0)) \(v)") }
            }
        }
    }
}
