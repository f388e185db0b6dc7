import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

extension DataCommand {
    /// `launcher data filter`: data preparation stage 2, by a policy's pass rate.
    struct Filter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep the tasks a policy solves sometimes but not always (pass rate strictly between 0 and 1 over k samples).",
            discussion: """
            Samples --k answers per task at --temperature from --checkpoint (a task's k answers share its \
            prompt's prefill), scores each with the strict reward, and writes the kept tasks in BFCL's layout (data/, possible_answer/, reference/) into \
            --out, with pass_rates.jsonl (every task's passes out of k) and histogram.json. Ranks split \
            the work under mpirun; the result does not depend on the number of ranks. A training \
            checkpoint is prompted, sampled and scored as it was trained (its model.chatTemplate, \
            model.promptStyle and model.precision); a plain model file in the compact format, in fp32.
            """
        )

        @Option(help: ArgumentHelp("The policy (a model file or checkpoint).", valueName: "file"))
        var checkpoint: String

        @Option(help: ArgumentHelp("Tasks in BFCL's layout (data/BFCL_v4_<category>.json, possible_answer/, optional reference/).", valueName: "dir"))
        var dataDir: String

        @Option(help: "Answers sampled per task.")
        var k: Int = 8

        @Option(help: ArgumentHelp("Where to write the kept tasks (default: <data-dir>-filtered); must differ from --data-dir.", valueName: "dir"))
        var out: String?

        @Option(help: "Sampling temperature (> 0).")
        var temperature: Float = 0.7

        @Option(help: "Most tokens per answer.")
        var maxTokens: Int = 256

        @Option(help: "Seed of the sampling streams.")
        var seed: UInt64 = 0

        @Option(help: "Completions per sampler call (whole tasks of k; bounds the KV cache; the result does not depend on it).")
        var batch: Int = 64

        @Option(help: "fp32, or bf16 (products with bf16 inputs, fp32 accumulation). Default: the checkpoint's model.precision (fp32 for a model file).")
        var precision: Precision?

        func validate() throws {
            guard (1...1024).contains(k) else { throw ValidationError("--k \(k) must be 1 to 1024") }
            guard temperature > 0 && temperature.isFinite else { throw ValidationError("--temperature \(temperature) must be positive") }
            try OptionRange.check(maxTokens, "--max-tokens", max: OptionRange.maxTokens)
            try OptionRange.check(batch, "--batch", max: 4096)
        }

        var outputPath: String { out ?? (dataDir.hasSuffix("/") ? String(dataDir.dropLast()) : dataDir) + "-filtered" }

        func run() throws {
            let input = URL(fileURLWithPath: dataDir).standardizedFileURL, output = URL(fileURLWithPath: outputPath).standardizedFileURL
            guard input.path != output.path else {
                throw ValidationError("--out \(outputPath) is the input folder; write the kept tasks somewhere else")
            }
            try onEveryRank { comm in
                let loaded = try ModelFile.read(from: checkpoint)
                let recorded = TrainingCheckpoint.recordedConfig(checkpoint)?.model
                // The categories the checkpoint's prompt style answers (bfcl-think: Java and JavaScript too).
                let tasks = try TaskSource.loadFolder(dataDir, categories: (recorded?.promptStyle ?? .template).categories)
                let codec = try recorded.map { try TaskCodec(policy: loaded, model: $0) } ?? TaskCodec(tokenizer: loaded.tokenizer)
                if comm.rank == 0, let recorded {
                    Console.out("data filter: chat template \(recorded.chatTemplate.rawValue), prompt style \(recorded.promptStyle.rawValue), "
                                + "from the checkpoint's run config")
                }
                let (precision, precisionNotes) = Precision.resolve(asked: self.precision, recorded: recorded?.precision)
                if comm.rank == 0 { for line in precisionNotes { Console.out("data filter: " + line) } }
                let evaluator = Evaluator(model: loaded.model.with(precision: precision), codec: codec,
                                          options: EvalOptions(temperature: temperature, seed: seed, maxNewTokens: maxTokens, batchSize: batch))
                let started = Date()
                let progress = ProgressLine("data filter", rank: comm.rank)
                let result = try PassRateFilter(evaluator: evaluator, k: k).run(tasks.map(\.task), on: comm, progress: progress.update)
                guard comm.rank == 0 else { return }
                let kept = result.kept.map { tasks[$0] }
                var references: [String: String] = [:]
                for t in kept { references[t.task.id] = t.reference }
                try DataPrep.write(kept.map(\.task), to: output)
                try DataPrep.writeReferences(kept.map(\.task), references: references, to: output)
                let lines = tasks.indices.map {
                    JSON.serialize(.object([("id", .string(tasks[$0].task.id)), ("passes", .integer(result.passes[$0])), ("k", .integer(k))]))
                }
                try RunFolder.write(lines.joined(separator: "\n") + "\n", to: output.appendingPathComponent("pass_rates.jsonl"))
                let histogram = JSON.serialize(.object([
                    ("k", .integer(k)), ("tasks", .integer(tasks.count)), ("kept", .integer(kept.count)),
                    ("histogram", .list(result.histogram.map { .integer($0) })),
                ]))
                try RunFolder.write(histogram + "\n", to: output.appendingPathComponent("histogram.json"))
                Console.out("data filter: \(tasks.count) tasks x \(k) samples in \(String(format: "%.0f", Date().timeIntervalSince(started))) s on \(comm.size) rank(s)")
                Console.out("passes  tasks")
                let widest = max(1, result.histogram.max() ?? 1)
                for (j, n) in result.histogram.enumerated() {
                    Console.out(String(format: "%3d/%d  %6d  ", j, k, n) + String(repeating: "#", count: n * 40 / widest))
                }
                Console.out("kept \(kept.count) of \(tasks.count) (pass rate strictly between 0 and 1); wrote \(output.path)")
            }
        }
    }
}
