import ArgumentParser
import EGPODistributed
import FunctionCalling
import Foundation

extension DataCommand {
    /// `launcher data stats`: prompt sizes per category.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prompt sizes in UTF-8 bytes (= tokens of the 256-byte tokenizer) per BFCL category, or in a model's tokens.",
            discussion: """
            With --model, the sizes are token counts of the prompts as that model's training renders \
            them (--chat-template, --prompt-style), and of the reference completions (the SFT targets, \
            end of turn included) when the directory has reference/.
            """
        )

        @Option(help: "Directory with data/ and possible_answer/ (default: the shipped BFCL copy).")
        var dataDir: String?

        @OptionGroup var rendering: DataRendering

        func run() throws {
            if let model = rendering.model { return try tokenStatistics(model: model) }
            let tasks = try DataDirectory.load(dataDir)
            print("prompt bytes per category (min / median / p90 / max), format of docs/PROMPT_FORMAT.md;")
            print("in brackets the median of the same functions and messages as compact JSON, for scale")
            var all: [Int] = []
            var allJSON: [Int] = []
            func line(_ name: String, _ sizes: [Int], _ json: [Int]) {
                print("  \(name.padding(toLength: 24, withPad: " ", startingAt: 0)) n=\(String(sizes.count).padding(toLength: 5, withPad: " ", startingAt: 0)) \(Quantiles(sizes))  [json \(Quantiles(json).at(0.5))]")
            }
            for category in TaskCategory.allCases {
                let subset = tasks.filter { $0.category == category }
                guard !subset.isEmpty else { continue }
                let sizes = subset.map { PromptFormat.prompt($0).utf8.count }.sorted()
                let json = subset.map { t in
                    JSON.serialize(.list(t.functions.map { BFCLFormat.json($0) })).utf8.count
                        + t.messages.reduce(0) { $0 + $1.content.utf8.count }
                }.sorted()
                all += sizes
                allJSON += json
                line(category.rawValue, sizes, json)
            }
            line("all", all.sorted(), allJSON.sorted())
        }

        /// Token counts of prompts and references under a model's tokenizer and rendering.
        func tokenStatistics(model path: String) throws {
            // A folder with reference/ (generated or filtered data) gives the references too.
            let source = try dataDir.map { try TaskSource.loadFolder($0, categories: TaskCategory.allCases) }
                ?? DataDirectory.load(nil).map { TrainingTask(task: $0, reference: nil) }
            let codec = try rendering.codec(model: path)
            print("tokens per category (min / median / p90 / max) in \(path)'s tokenizer, \(rendering.chatTemplate), prompt style \(rendering.promptStyle)")
            var prompts: [Int] = [], targets: [Int] = []
            for category in TaskCategory.allCases {
                let subset = source.filter { $0.task.category == category }
                guard !subset.isEmpty else { continue }
                let p = subset.map { codec.promptTokens($0.task).count }.sorted()
                let t = subset.compactMap { $0.reference.map { codec.targetTokens(reference: $0).count } }.sorted()
                prompts += p
                targets += t
                print("  \(category.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)) n=\(String(p.count).padding(toLength: 5, withPad: " ", startingAt: 0)) "
                      + "prompt \(Quantiles(p))" + (t.isEmpty ? "" : "  reference \(Quantiles(t))"))
            }
            print("  \("all".padding(toLength: 24, withPad: " ", startingAt: 0)) n=\(String(prompts.count).padding(toLength: 5, withPad: " ", startingAt: 0)) "
                  + "prompt \(Quantiles(prompts.sorted()))" + (targets.isEmpty ? "" : "  reference \(Quantiles(targets.sorted()))"))
            print("  total: \(prompts.reduce(0, +)) prompt tokens, \(targets.reduce(0, +)) reference tokens")
        }
    }

    /// `launcher data validate`: DataPrep stage 1 over a data directory.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check each ground truth against its schema; repair what a rule can, drop the rest."
        )

        @Option(help: "Directory with data/ and possible_answer/ (default: the shipped BFCL copy).")
        var dataDir: String?

        @Option(help: "Write the kept (and repaired) tasks here, in BFCL's layout.")
        var out: String?

        @Flag(help: "List every dropped and repaired task with its reasons.")
        var verbose = false

        func run() throws {
            let tasks = try DataDirectory.load(dataDir)
            let report = DataPrep.validate(tasks)
            print(report.summary)
            if verbose {
                for d in report.dropped { print("dropped \(d.task.id): " + d.findings.map(\.description).joined(separator: "; ")) }
                for r in report.repaired { print("repaired \(r.task.id): " + r.findings.map(\.description).joined(separator: "; ")) }
            }
            if let out {
                let paths = try DataPrep.write(report.kept, to: URL(fileURLWithPath: out))
                // Generated data carries reference completions: the kept tasks keep theirs.
                var references: [String: String] = [:]
                if let dataDir, FileManager.default.fileExists(atPath: URL(fileURLWithPath: dataDir).appendingPathComponent("reference").path) {
                    for t in try TaskSource.loadFolder(dataDir, categories: TaskCategory.allCases) { references[t.task.id] = t.reference }
                }
                let referencePaths = references.isEmpty ? [] : try DataPrep.writeReferences(report.kept, references: references, to: URL(fileURLWithPath: out))
                print("wrote \(report.kept.count) tasks in \(paths.count + referencePaths.count) files under \(out)"
                      + (referencePaths.isEmpty ? "" : " (with their reference completions)"))
            }
        }
    }
}

extension DataCommand {
    /// `launcher data show`: one task as the policy sees it.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a task's prompt (and its reference completion, if the directory has one)."
        )

        @Option(help: "Directory with data/ and possible_answer/ (default: the shipped BFCL copy).")
        var dataDir: String?

        @Option(help: "FunctionTask id, e.g. simple_python_0.")
        var id: String

        @OptionGroup var rendering: DataRendering

        @Flag(help: "With --model: print {\"text\": prompt + target} as one JSON line, the input `launcher score` reads.")
        var json = false

        func run() throws {
            guard let task = try DataDirectory.load(dataDir).first(where: { $0.id == id }) else {
                throw ValidationError("no task with id \(id)")
            }
            if let model = rendering.model {
                // As a training run renders it: the prompt, then the SFT target (end of turn included).
                let codec = try rendering.codec(model: model)
                let reference = try dataDir.flatMap { dir in
                    try TaskSource.loadFolder(dir, categories: TaskCategory.allCases).first { $0.task.id == id }?.reference
                }
                let target = reference.map { codec.template.supervisedTarget(codec.targetText(reference: $0)) } ?? ""
                if json { print(JSON.serialize(.object([("text", .string(codec.prompt(task) + target))]))) } else { print(codec.prompt(task) + target) }
                return
            }
            print(PromptFormat.prompt(task), terminator: "")
            let reference = URL(fileURLWithPath: dataDir ?? "/nonexistent").appendingPathComponent("reference")
                .appendingPathComponent(task.category.fileName)
            if let text = try? String(contentsOf: reference, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    guard let v = try? JSON.parse(String(line)), v["id"] == .string(id), case .string(let c)? = v["completion"] else { continue }
                    print(PromptFormat.supervisedTarget(c), terminator: "")
                }
            }
            print()
        }
    }
}

/// `--model`, `--chat-template`, `--prompt-style`: render tasks as a training run of that model does.
struct DataRendering: ParsableArguments {
    @Option(help: ArgumentHelp("Render with this model file's tokenizer (count its tokens) instead of the compact format's bytes.", valueName: "file"))
    var model: String?

    @Option(help: ArgumentHelp("With --model: \(ChatTemplate.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var chatTemplate = ChatTemplate.compact.rawValue

    @Option(help: ArgumentHelp("With --model: \(PromptStyle.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var promptStyle = PromptStyle.template.rawValue

    func validate() throws {
        guard ChatTemplate(rawValue: chatTemplate) != nil else {
            throw ValidationError("--chat-template \(chatTemplate.debugDescription) is not one of \(ChatTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard PromptStyle(rawValue: promptStyle) != nil else {
            throw ValidationError("--prompt-style \(promptStyle.debugDescription) is not one of \(PromptStyle.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The codec a run of `model` with these settings uses.
    func codec(model path: String) throws -> TaskCodec {
        let loaded = try ModelFile.read(from: path)
        let template = ChatTemplate(rawValue: chatTemplate)!
        return try TaskCodec(tokenizer: loaded.tokenizer, template: template,
                             templateOptions: loaded.templateOptions(for: template, ChatTemplate.Options()),
                             style: PromptStyle(rawValue: promptStyle)!)
    }
}

/// Where `launcher data` reads BFCL-layout tasks from.
enum DataDirectory {
    /// The tasks of every category present under `path` (the shipped BFCL copy when nil).
    static func load(_ path: String?) throws -> [FunctionTask] {
        let dataset = BFCLDataset(directory: path.map { URL(fileURLWithPath: $0) } ?? BFCLDataset.bundledDirectory)
        let present = TaskCategory.allCases.filter { FileManager.default.fileExists(atPath: dataset.promptFile($0).path) }
        guard !present.isEmpty else {
            throw ValidationError("no BFCL_v4_<category>.json files under \(dataset.directory.path)/data")
        }
        return try dataset.load(present)
    }
}
