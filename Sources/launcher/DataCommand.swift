import ArgumentParser
import FunctionCalling
import Foundation

/// `launcher data`: synthetic tasks, prompt statistics and the rule-based data filter.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate FunctionWorld tasks, convert xLAM data, measure prompts, validate ground truth.",
        subcommands: [Generate.self, Stats.self, Validate.self, Show.self, Filter.self, XLAM.self]
    )

    /// `launcher data generate`: FunctionWorld tasks in BFCL's layout.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write FunctionWorld tasks as BFCL data, possible answers and reference completions, or as xLAM records."
        )

        @Option(help: "Output directory (gets data/, possible_answer/, reference/); with --format xlam, the JSON-lines file to write.")
        var out: String

        @Option(help: "Seed; the same seed, split, mix and count give the same bytes.")
        var seed: UInt64 = 1

        @Option(help: "Number of tasks.")
        var count: Int = 2000

        @Option(help: "train or heldout: held-out tasks use templates and values training never sees.")
        var split: String = "train"

        @Option(help: "Category weights simple,multiple,parallel,parallel_multiple,irrelevance[,live_multiple[,simple_java[,simple_javascript]]] (live_multiple: one call among 6-20 offered functions; simple_java, simple_javascript: one call typed and written in that language, for the bfcl-think prompt style; 0 when left out).")
        var mix: String = "0.3,0.25,0.15,0.15,0.15"

        @Option(help: ArgumentHelp("handwritten (44 functions in 11 domains, the demo's world) or generated (1,139 functions from 160 record kinds in 40 domains).", valueName: "name"))
        var catalog: String = "handwritten"

        @Option(help: ArgumentHelp("bfcl: BFCL's layout under --out (data/, possible_answer/, reference/); xlam: one JSON-lines file at --out in the xlam-function-calling-60k format (no reasoning).", valueName: "name"))
        var format: String = "bfcl"

        func validate() throws {
            try OptionRange.check(count, "--count")
            guard WorldSplit(rawValue: split) != nil else { throw ValidationError("--split must be train or heldout, got \(split)") }
            guard FunctionWorld.Catalog(rawValue: catalog) != nil else {
                throw ValidationError("--catalog must be \(FunctionWorld.Catalog.allCases.map(\.rawValue).joined(separator: " or ")), got \(catalog)")
            }
            guard ["bfcl", "xlam"].contains(format) else { throw ValidationError("--format must be bfcl or xlam, got \(format)") }
            _ = try parsedMix()
        }

        func parsedMix() throws -> FunctionWorld.Mix {
            let w = mix.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard (5...8).contains(w.count), w.allSatisfy({ $0 != nil && $0! >= 0 }), w.reduce(0, { $0 + ($1 ?? 0) }) > 0 else {
                throw ValidationError("--mix needs 5 to 8 non-negative weights, not all zero, got \"\(mix)\"")
            }
            func weight(_ i: Int) -> Double { i < w.count ? w[i]! : 0 }
            return FunctionWorld.Mix(simple: w[0]!, multiple: w[1]!, parallel: w[2]!, parallelMultiple: w[3]!, irrelevance: w[4]!,
                                     liveMultiple: weight(5), java: weight(6), javascript: weight(7))
        }

        func run() throws {
            let chosen = FunctionWorld.Catalog(rawValue: catalog)!
            let world = FunctionWorld(seed: seed, split: WorldSplit(rawValue: split)!, mix: try parsedMix(), catalog: chosen)
            let tasks = world.generate(count: count)
            let written: String
            if format == "xlam" {
                let lines = tasks.enumerated().map { XLAMDataset.recordLine($0.element.task, id: $0.offset) }
                try OutputFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: out)
                written = "wrote \(tasks.count) records to \(out)"
            } else {
                let paths = try FunctionWorldWriter.write(tasks, to: URL(fileURLWithPath: out))
                written = "wrote \(paths.count) files under \(out)"
            }
            var perCategory: [TaskCategory: Int] = [:]
            for t in tasks { perCategory[t.task.category, default: 0] += 1 }
            let worldSplit = WorldSplit(rawValue: split)!
            let functions = chosen.functions
            let domains = Set(functions.map(\.domain)).count
            let templates = functions.reduce(0) { $0 + $1.templates(worldSplit).count }
            let values = Set(ValuePool.allCases.flatMap { $0.values(worldSplit) }).count
            print("FunctionWorld (\(catalog)): \(tasks.count) \(split) tasks, seed \(seed), \(functions.count) functions in \(domains) domains, \(templates) question templates and \(values) distinct values in this split")
            for c in TaskCategory.allCases where perCategory[c] != nil {
                print("  \(c.rawValue): \(perCategory[c]!)")
            }
            let promptBytes = tasks.map { PromptFormat.prompt($0.task).utf8.count }.sorted()
            let completionBytes = tasks.map { $0.completion.utf8.count }.sorted()
            print("  prompt bytes \(Quantiles(promptBytes)), completion bytes \(Quantiles(completionBytes))")
            print(written)
        }
    }
}

/// min / median / p90 / max of sorted counts.
struct Quantiles: CustomStringConvertible {
    let sorted: [Int]
    init(_ sorted: [Int]) { self.sorted = sorted }

    func at(_ q: Double) -> Int {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }

    var description: String {
        "min \(at(0)) / median \(at(0.5)) / p90 \(at(0.9)) / max \(at(1))"
    }
}
