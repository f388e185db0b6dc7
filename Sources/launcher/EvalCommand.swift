import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling
import ShardedTensor

/// `launcher eval`: a model file's accuracy on BFCL-format tasks, with BFCL result files.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a model file on BFCL-format tasks and write BFCL result files (runs under mpirun or alone).",
        discussion: """
            Each task's prompt is decoded (greedily unless --temperature is given) until <|eos|> or \
            --max-tokens; the reward is 1 when the completion is exactly <think>…</think><answer>…</answer> \
            and the answer passes BFCL's AST check. Ranks split the tasks and gather the outcomes; \
            the scores do not depend on the number of ranks. A task whose prompt does not fit under \
            max_position_embeddings is not sampled and counts as failed (prompt_too_long).

            --data takes bfcl:CATEGORY (a BFCL single-turn category: \
            \(TaskCategory.allCases.map(\.rawValue).joined(separator: ", "))), bfcl:all (every \
            Python-syntax category; with --format bfcl all thirteen), \
            both from the BFCL copy shipped with the project; a folder in BFCL's layout as \
            `launcher data generate` writes it (data/BFCL_v4_<category>.json, possible_answer/...; \
            every category file present is used), or xlam:FILE (xlam-function-calling-60k records, \
            through the stage-1 rules, whose counts are printed).

            Rank 0 writes into --out: BFCL_v4_<category>_result.json ({"id", "result"} per line, for \
            `launcher bfcl check`), scores.json (n, correct, accuracy, binomial standard error, \
            truncated and prompt_too_long counts, per category and overall) and outcomes.jsonl \
            (every task's completion and verdict), and prints one line per category and an overall line.

            --format bfcl scores a model the way the Berkeley Function Calling Leaderboard scores a \
            model without native function calling (its "prompting" mode), for models not trained into \
            this project's format: BFCL's own system prompt (its text, with the task's functions as \
            indented JSON and BFCL's language notes) as the first system message, or in front of the \
            task's own; the task's messages after it; all through the model's chat template (give \
            --chat-template; a template's default system message is not written, since the \
            conversation starts with a system message). Decoding is greedy unless --temperature is \
            given; the answer (without special tokens) is BFCL's result and is checked as BFCL's \
            checker does: strip backticks, newlines and spaces, add missing brackets, decode the \
            Python call list (Java and JavaScript calls for simple_java and simple_javascript), \
            then the AST check; an irrelevance answer that does not decode is a correct abstention. \
            bfcl:all then includes simple_java and simple_javascript. --format bfcl-json asks for and \
            decodes BFCL's JSON return format instead. --format bfcl-think is how a model trained with \
            model.promptStyle bfcl-think is tested: BFCL's system prompt with one instruction after it \
            (think briefly inside <think></think>, then write only the calls), and the completion must \
            start with exactly one think block; the text after it is BFCL's result, checked as above \
            (BFCL's handlers for reasoning models also cut the reasoning off before decoding). scores.json adds BFCL's summary scores: \
            simple (mean of python, java, javascript), non_live (mean of simple, multiple, parallel, \
            parallel_multiple), live (the four live AST categories weighted by task count), \
            irrelevance_detection (mean of irrelevance and live_irrelevance), relevance_detection.

            --sample n evaluates n tasks per category drawn with --sample-seed (every task of a \
            category with fewer), in file order; --limit takes the first n instead.
            """
    )

    @Option(help: ArgumentHelp("The model file or checkpoint to evaluate (HDF5).", valueName: "file"))
    var checkpoint: String

    @Option(help: ArgumentHelp("The tasks: bfcl:CATEGORY, bfcl:all, a folder with data/BFCL_v4_<category>.json files, or xlam:FILE.", valueName: "spec"))
    var data: String

    @Option(help: ArgumentHelp("Folder for the result files, scores.json and outcomes.jsonl (created if missing; must not be a file).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Most tokens to generate per task (<|eos|> included).", valueName: "n"))
    var maxTokens: Int = 256

    @Option(help: ArgumentHelp("Sample at this temperature (> 0) instead of decoding greedily (the default).", valueName: "t"))
    var temperature: Float?

    @Option(help: "Seed of the per-task random streams (used only with --temperature).")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Evaluate only the first n tasks of each category (quick runs).", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("Prompts per sampler call on each rank (bounds memory; scores do not depend on it).", valueName: "n"))
    var batch: Int = 16

    @Option(help: ArgumentHelp("Prompt layout and answer form the model was trained with: \(ChatTemplate.allCases.map(\.rawValue).joined(separator: ", ")) (default: the training checkpoint's model.chatTemplate, else compact).", valueName: "name"))
    var chatTemplate: String?

    @Option(help: ArgumentHelp("Llama's \"Today Date\" line (default: the template's own; model.chatTemplateDate).", valueName: "date"))
    var chatTemplateDate: String?

    @Option(help: ArgumentHelp("How to prompt and score: own (the format the model was trained in: the checkpoint's model.chatTemplate and model.promptStyle), bfcl (BFCL's prompting mode and checker, Python-call answers), bfcl-json (BFCL's JSON return format) or bfcl-think (BFCL's prompting mode with a think block first, as model.promptStyle bfcl-think trains).", valueName: "name"))
    var format: String = "own"

    @Option(help: ArgumentHelp("Evaluate n tasks per category drawn at random (with --sample-seed), kept in file order.", valueName: "n"))
    var sample: Int?

    @Option(help: "Seed of --sample's draw.")
    var sampleSeed: UInt64 = 0

    @Option(help: "fp32, or bf16 (the products take bf16 inputs and accumulate in fp32; fp32 on a CPU without bf16 instructions). Default: the checkpoint's model.precision (fp32 for a model file).")
    var precision: Precision?

    func validate() throws {
        try OptionRange.check(maxTokens, "--max-tokens", max: OptionRange.maxTokens)
        if let temperature, !(temperature > 0 && temperature.isFinite) {
            throw ValidationError("--temperature \(temperature) must be positive (leave it out for greedy decoding)")
        }
        if let limit { try OptionRange.check(limit, "--limit") }
        if let sample { try OptionRange.check(sample, "--sample") }
        if sample != nil && limit != nil { throw ValidationError("--sample and --limit both choose tasks; give one") }
        guard ["own", "bfcl", "bfcl-json", "bfcl-think"].contains(format) else {
            throw ValidationError("--format \(format.debugDescription) is not one of own, bfcl, bfcl-json, bfcl-think")
        }
        try OptionRange.check(batch, "--batch", max: 4096)
    }

    func run() throws {
        try onEveryRank { comm in try evaluate(on: comm) }
    }

    private func evaluate(on comm: MPICommunicator) throws {
        // A training checkpoint knows the template it was trained in; a plain model file does not.
        let run = TrainingCheckpoint.recordedConfig(checkpoint)?.model
        let recorded = chatTemplate == nil ? run : nil
        let name = chatTemplate ?? recorded?.chatTemplate.rawValue ?? ChatTemplate.compact.rawValue
        guard let template = ChatTemplate(rawValue: name) else {
            throw LauncherError("--chat-template \(name.debugDescription) is not one of \(ChatTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let date = chatTemplateDate ?? recorded.flatMap { $0.chatTemplateDate.isEmpty ? nil : $0.chatTemplateDate }
        if let recorded, comm.rank == 0, recorded.chatTemplate != .compact {
            Console.out("eval: chat template \(recorded.chatTemplate.rawValue), from the checkpoint's run config")
        }
        if format == "own", let run, run.promptStyle != .template, comm.rank == 0 {
            Console.out("eval: prompt style \(run.promptStyle.rawValue), from the checkpoint's run config")
        }
        let bfcl = format != "own"
        let spec = try EvalDataSpec(parsing: data, javaAndJavaScript: bfcl)
        let folder = try EvalOutputFolder(path: out, checkpoint: checkpoint)
        let loaded = try ModelFile.read(from: checkpoint)
        let (precision, precisionNotes) = Precision.resolve(asked: self.precision, recorded: run?.precision)
        let model = loaded.model.with(precision: precision)
        if comm.rank == 0 { for line in precisionNotes { Console.out("eval: " + line) } }
        let templateOptions = loaded.templateOptions(for: template, ChatTemplate.Options(dateString: date))
        var tasks = try spec.loadTasks(limit: limit) { if comm.rank == 0 { Console.out($0) } }
        if let sample { tasks = EvalDataSpec.sample(tasks, perCategory: sample, seed: sampleSeed) }
        let codec: any EvalCodec = bfcl
            ? try BFCLPromptingCodec(tokenizer: loaded.tokenizer, template: template, templateOptions: templateOptions,
                                     format: format == "bfcl-json" ? .json : .python, documents: try spec.functionDocuments(),
                                     thinking: format == "bfcl-think")
            : try TaskCodec(tokenizer: loaded.tokenizer, template: template, templateOptions: templateOptions,
                            style: run?.promptStyle ?? .template)
        let options = EvalOptions(temperature: temperature, seed: seed, maxNewTokens: maxTokens, batchSize: batch)
        let clock = ContinuousClock(), started = clock.now
        let progress = ProgressLine("eval", rank: comm.rank)
        let outcomes = try Evaluator(model: model, codec: codec, options: options).evaluate(tasks, on: comm, progress: progress.update)
        let elapsed = clock.now - started
        guard comm.rank == 0 else { return }
        let report = EvalReport(outcomes: outcomes, format: bfcl ? format : "own")
        let written = try folder.write(outcomes, report: report)
        Console.out(report.table)
        let seconds = elapsed.seconds
        Console.out("eval: \(tasks.count) tasks on \(comm.size) rank(s) in \(String(format: "%.1f", seconds)) s, "
                    + "\(temperature.map { "temperature \($0), seed \(seed)" } ?? "greedy"); wrote \(written.count) files under \(out)")
    }
}
