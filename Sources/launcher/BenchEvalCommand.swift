import ArgumentParser
import COpenBLAS
import EGPODistributed
import Foundation
import FunctionCalling
import ShardedTensor

/// `launcher bench eval`: the evaluation's sampling on real BFCL prompts, timed, with the prompt
/// ids and completions written out so scripts/bench_eval_torch.py can run transformers'
/// `generate` on exactly the same ids (scripts/bench-eval.sh runs both and prints the ratio).
struct BenchEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Time the evaluation's sampling of a model file on BFCL prompts, against the weight-read bound.",
        discussion: """
        The prompts are composed as `launcher eval` composes them (TaskCodec's prompt with the chat \
        template), in batches of --batch prompts with task i on sequence id i, decoded greedily until \
        the template's end token or --max-tokens, as the Evaluator samples them (the tokens all prompts \
        share run once per call); scoring is left out. \
        The figure to compare with is the memory bandwidth measured here (a one-thread read of 256 MB): \
        a decode step reads every weight once, so steps/s cannot exceed bandwidth / weight bytes.
        """
    )

    @Option(help: ArgumentHelp("The model file to evaluate (HDF5).", valueName: "file"))
    var checkpoint: String

    @Option(help: ArgumentHelp("The tasks: bfcl:CATEGORY or a folder, as `launcher eval --data` takes them.", valueName: "spec"))
    var data = "bfcl:simple_python"

    @Option(help: ArgumentHelp("Only the first n tasks.", valueName: "n"))
    var limit = 20

    @Option(help: ArgumentHelp("Most tokens to generate per task.", valueName: "n"))
    var maxTokens = 64

    @Option(help: ArgumentHelp("Prompts per sampler call, as `launcher eval --batch`.", valueName: "n"))
    var batch = 16

    @Option(help: ArgumentHelp("Chat template (default: the family of the model file's own template when it has one, else compact).", valueName: "name"))
    var chatTemplate: String?

    @Option(help: "fp32, or bf16 (products with bf16 inputs and fp32 accumulation).")
    var precision = Precision.fp32

    @Option(help: "Threads for this process: OpenBLAS threads and kernel workers.")
    var threads = 1

    @Option(help: "Timed runs over all the tasks (the median is reported).")
    var repeats = 3

    @Option(help: ArgumentHelp("Write one JSON line per task (id, prompt ids, completion ids, stop token, max new tokens) for scripts/bench_eval_torch.py.", valueName: "file"))
    var export: String?

    @Flag(help: "Run every prompt whole instead of running the tokens all prompts share once per sampler call (to measure what sharing saves).")
    var noSharedPrefix = false

    @Option(help: ArgumentHelp("Most rows for which a linear layer multiplies its weights in unpacked blocks (Matmul.streamingRowLimit; 1 turns it off).", valueName: "n"))
    var streamingRowLimit = Matmul.streamingRowLimit

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard limit >= 1, maxTokens >= 1, batch >= 1, threads >= 1, repeats >= 1 else {
            throw ValidationError("--limit, --max-tokens, --batch, --threads and --repeats must be at least 1")
        }
    }

    func run() throws {
        Matmul.threads = threads
        Matmul.streamingRowLimit = streamingRowLimit
        let loaded = try ModelFile.read(from: checkpoint)
        let own = loaded.chatTemplateJinja.flatMap { ChatTemplate.recognize(jinja: $0)?.0 }
        let name = chatTemplate ?? own?.rawValue ?? ChatTemplate.compact.rawValue
        guard let template = ChatTemplate(rawValue: name) else {
            throw LauncherError("--chat-template \(name.debugDescription) is not one of \(ChatTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // The prompt as TaskCodec.promptTokens composes it; the codec itself is not built, as it
        // also wants the think markers, which a model evaluated in BFCL's own format lacks.
        let templateOptions = loaded.templateOptions(for: template, ChatTemplate.Options())
        guard let endOfTurn = loaded.tokenizer.specialTokenID(template.endOfTurn) else {
            throw LauncherError("bench eval: the tokenizer has no special token \(template.endOfTurn), chat template \(template.rawValue)'s end of turn")
        }
        let tasks = try EvalDataSpec(parsing: data).loadTasks(limit: limit)
        let model = loaded.model.with(precision: precision.onThisCPU), config = model.config
        let prompts = tasks.map { loaded.tokenizer.encode(template.prompt($0, options: templateOptions)) }
        if let i = prompts.firstIndex(where: { $0.count + 1 > config.maxPositionEmbeddings }) {
            throw LauncherError("bench eval: task \(tasks[i].id)'s prompt of \(prompts[i].count) tokens does not fit under \(config.maxPositionEmbeddings) positions")
        }
        let options = EvalOptions(maxNewTokens: maxTokens, batchSize: batch).samplingOptions(endOfSequence: endOfTurn)
        let shared = noSharedPrefix ? 0 : Sampler.sharedPrefixLength(of: prompts)

        // One pass over the tasks as the Evaluator makes it: batches of `batch` prompts, task i on sequence id i.
        func pass() throws -> (seconds: Double, timings: Timings, completions: [Completion]) {
            let sampler = Sampler(model: model)
            var total = Timings(), completions: [Completion] = []
            let clock = ContinuousClock(), started = clock.now, cpuStarted = Self.processCPUSeconds()
            for first in stride(from: 0, to: prompts.count, by: batch) {
                let range = first ..< min(prompts.count, first + batch)
                let requests = range.map { SamplingRequest(prompt: prompts[$0], completionCount: 1, firstSequenceId: UInt64($0)) }
                completions += try sampler.sample(requests, options: options, sharedPrefix: shared)
                total.prefillSeconds += sampler.lastTimings.prefillSeconds
                total.decodeSeconds += sampler.lastTimings.decodeSeconds
                total.decodeSteps += sampler.lastTimings.decodeSteps
            }
            total.cpuSeconds = Self.processCPUSeconds() - cpuStarted
            return ((clock.now - started).seconds, total, completions)
        }
        var runs: [(seconds: Double, timings: Timings, completions: [Completion])] = []
        for _ in 0..<repeats { runs.append(try pass()) }
        let median = runs.sorted { $0.seconds < $1.seconds }[runs.count / 2]
        precondition(runs.allSatisfy { $0.completions.map(\.tokens) == runs[0].completions.map(\.tokens) }, "bench eval: greedy runs differ")

        if let export {
            let lines = zip(tasks, zip(prompts, median.completions)).map { task, pc in
                JSON.serialize(.object([("id", .string(task.id)), ("prompt", .list(pc.0.map { .integer(Int($0)) })),
                                        ("completion", .list(pc.1.tokens.map { .integer(Int($0)) })),
                                        ("stop", .integer(Int(endOfTurn))), ("max_new_tokens", .integer(maxTokens))]))
            }
            try RunFolder.write(lines.joined(separator: "\n") + "\n", to: URL(fileURLWithPath: export))
        }

        let promptTokens = prompts.reduce(0) { $0 + $1.count }
        let completionTokens = median.completions.reduce(0) { $0 + $1.tokens.count }
        // A decode step reads every weight once: the tied head is the embedding (read once), an
        // untied model also has its embedding table, of which a step reads only a few rows. In
        // bf16 the products read the 2-byte copies (the norms' few fp32 weights left aside).
        let bytesPerWeight = model.precision == .bf16 ? 2 : 4
        let weightBytes = bytesPerWeight * (config.parameterCount - (config.tieWordEmbeddings ? 0 : config.vocabularySize * config.hiddenSize))
        let bandwidth = Self.readBandwidth()
        let boundStepsPerSecond = bandwidth / Double(weightBytes)
        let stepsPerSecond = Double(median.timings.decodeSteps) / median.timings.decodeSeconds
        // Tokens the decode steps made (the first token of each completion comes from the prefill).
        let decodeTokens = completionTokens - median.completions.filter { !$0.tokens.isEmpty }.count
        let fields: [(String, Value)] = [
            ("tasks", .integer(tasks.count)), ("threads", .integer(threads)), ("batch", .integer(batch)),
            ("max_new_tokens", .integer(maxTokens)), ("repeats", .integer(repeats)),
            ("prompt_tokens", .integer(promptTokens)), ("shared_prefix_tokens", .integer(shared)), ("completion_tokens", .integer(completionTokens)),
            ("seconds", .float(median.seconds)), ("seconds_all", .list(runs.map { .float($0.seconds) })),
            ("cpu_seconds", .float(median.timings.cpuSeconds)),
            ("prefill_seconds", .float(median.timings.prefillSeconds)), ("decode_seconds", .float(median.timings.decodeSeconds)),
            ("decode_steps", .integer(median.timings.decodeSteps)), ("decode_tokens", .integer(decodeTokens)),
            ("tokens_per_second", .float(Double(completionTokens) / median.seconds)),
            ("prompt_tokens_per_second", .float(Double(promptTokens) / median.timings.prefillSeconds)),
            ("decode_steps_per_second", .float(stepsPerSecond)),
            ("decode_tokens_per_second", .float(Double(decodeTokens) / median.timings.decodeSeconds)),
            ("weight_bytes", .integer(weightBytes)), ("read_bandwidth_bytes_per_second", .float(bandwidth)),
            ("bound_steps_per_second", .float(boundStepsPerSecond)),
        ]
        if json { Console.out(JSON.serialize(.object(fields))); return }
        Console.out("bench eval: \(tasks.count) tasks of \(data), batch \(batch), <= \(maxTokens) new tokens, \(threads) thread(s), median of \(repeats)")
        Console.out(String(format: "  %d prompt tokens (%d shared by all), %d completion tokens in %.2f s (%.2f CPU s): %.1f completion tokens/s",
                           promptTokens, shared, completionTokens, median.seconds, median.timings.cpuSeconds, Double(completionTokens) / median.seconds))
        Console.out(String(format: "  prefill %.2f s (%.0f prompt tokens/s), decode %.2f s (%d steps, %.1f steps/s, %.1f tokens/s)",
                           median.timings.prefillSeconds, Double(promptTokens) / median.timings.prefillSeconds,
                           median.timings.decodeSeconds, median.timings.decodeSteps, stepsPerSecond, Double(decodeTokens) / median.timings.decodeSeconds))
        Console.out(String(format: "  weight-read bound: %.0f MB of weights at %.1f GB/s = %.1f steps/s (decode reaches %.0f%%)",
                           Double(weightBytes) / 1e6, bandwidth / 1e9, boundStepsPerSecond, 100 * stepsPerSecond / boundStepsPerSecond))
    }

    /// The sampler's timings summed over a pass's calls.
    struct Timings {
        var prefillSeconds = 0.0, decodeSeconds = 0.0, decodeSteps = 0
        /// CPU time of the process over the pass: on a shared machine, less sensitive than wall
        /// time to what the neighbours run.
        var cpuSeconds = 0.0
    }

    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Bytes per second one thread reads from memory: the best of 5 sums over 256 MB (far past
    /// any cache), through OpenBLAS's sasum, which is memory-bound at this size.
    static func readBandwidth() -> Double {
        let count = 64 << 20
        let buffer = FloatBuffer(count: count)
        for i in stride(from: 0, to: count, by: 1024) { buffer.base[i] = 1 }
        let clock = ContinuousClock()
        var best = Double.infinity, sink: Float = 0
        for _ in 0..<5 {
            let t = clock.now
            sink += cblas_sasum(Int32(count), buffer.base, 1)
            best = min(best, (clock.now - t).seconds)
        }
        precondition(sink > 0, "readBandwidth: sum \(sink)")
        return Double(4 * count) / best
    }
}
