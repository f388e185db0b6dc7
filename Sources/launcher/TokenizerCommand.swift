import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

/// `launcher tokenizer`: train a byte-level BPE tokenizer, encode with one, measure its speed.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Train, use and benchmark byte-level BPE tokenizers (Hugging Face tokenizer.json).",
        subcommands: [Train.self, Encode.self, Bench.self]
    )

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn BPE merges from a text corpus and write tokenizer.json.")

        @Option(help: "UTF-8 text file to learn from.")
        var corpus: String

        @Option(help: "Total vocabulary: 256 bytes + special tokens + learnt tokens.")
        var vocabSize: Int

        @Option(help: "Where to write tokenizer.json.")
        var out: String

        @Option(help: "Pairs seen fewer times are never merged.")
        var minFrequency: Int = 2

        func validate() throws {
            let minimum = 256 + SpecialToken.defaultNames.count
            guard vocabSize >= minimum else {
                throw ValidationError("--vocab-size \(vocabSize) is below \(minimum) (256 bytes + \(SpecialToken.defaultNames.count) special tokens)")
            }
            guard vocabSize <= 1 << 24 else {
                throw ValidationError("--vocab-size: expected at most \(1 << 24), got \(vocabSize)")
            }
            guard minFrequency >= 1 else { throw ValidationError("--min-frequency \(minFrequency) must be at least 1") }
        }

        func run() throws {
            try OutputFile.check(out, inputs: [corpus])
            let text = try readText(corpus)
            let start = ContinuousClock.now
            let tokenizer = try BPETrainer(vocabSize: vocabSize, minFrequency: minFrequency).train(corpus: text)
            let seconds = (ContinuousClock.now - start).seconds
            try tokenizer.write(to: URL(fileURLWithPath: out))
            let ids = tokenizer.encode(text)
            let bytes = text.utf8.count
            print("trained \(tokenizer.merges.count) merges, vocabulary \(tokenizer.vocabSize), in \(format(seconds)) s; "
                + "corpus \(bytes) bytes -> \(ids.count) tokens (\(format(Double(bytes) / Double(max(ids.count, 1)))) bytes/token); wrote \(out)")
        }
    }

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the token ids of a text as a JSON array.")

        @Option(help: "tokenizer.json to use; without it, the plain byte tokenizer.")
        var tokenizer: String?

        @Option(help: "Text to encode.")
        var text: String?

        @Option(help: "UTF-8 file to encode instead of --text.")
        var file: String?

        func validate() throws {
            guard (text == nil) != (file == nil) else { throw ValidationError("give exactly one of --text and --file") }
        }

        func run() throws {
            let tok: any Tokenizer = try tokenizer.map { try BPETokenizer(contentsOf: URL(fileURLWithPath: $0)) } ?? ByteTokenizer()
            let input = try text ?? readText(file!)
            print("[" + tok.encode(input).map(String.init).joined(separator: ", ") + "]")
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Measure encoding speed on a corpus (tokens/s, bytes/s).")

        @Option(help: "tokenizer.json to measure; without it, the plain byte tokenizer.")
        var tokenizer: String?

        @Option(help: "UTF-8 text file to encode.")
        var corpus: String

        @Option(help: "Timed passes over the corpus; the median is reported.")
        var repeats: Int = 5

        @Option(help: "Encode the corpus in chunks of this many lines (prompts are short; 0 = whole file at once).")
        var linesPerChunk: Int = 0

        func validate() throws {
            guard repeats >= 1 else { throw ValidationError("--repeats \(repeats) must be at least 1") }
        }

        func run() throws {
            let tok: any Tokenizer = try tokenizer.map { try BPETokenizer(contentsOf: URL(fileURLWithPath: $0)) } ?? ByteTokenizer()
            let text = try readText(corpus)
            let chunks: [String]
            if linesPerChunk > 0 {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                chunks = stride(from: 0, to: lines.count, by: linesPerChunk).map {
                    lines[$0..<min($0 + linesPerChunk, lines.count)].joined(separator: "\n")
                }
            } else {
                chunks = [text]
            }
            var times: [Double] = []
            var tokens = 0
            for _ in 0..<repeats {
                let start = ContinuousClock.now
                tokens = 0
                for chunk in chunks { tokens += tok.encode(chunk).count }
                times.append((ContinuousClock.now - start).seconds)
            }
            times.sort()
            let median = times[times.count / 2]
            let bytes = text.utf8.count
            print("{\"bytes\": \(bytes), \"tokens\": \(tokens), \"chunks\": \(chunks.count), \"seconds_median\": \(format(median)), "
                + "\"tokens_per_s\": \(Int(Double(tokens) / median)), \"bytes_per_s\": \(Int(Double(bytes) / median)), "
                + "\"bytes_per_token\": \(format(Double(bytes) / Double(max(tokens, 1))))}")
        }
    }
}

private struct CorpusReadError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot read corpus \(path): \(reason)" }
}

private func readText(_ path: String) throws -> String {
    do {
        return String(decoding: try InputFile.read(path), as: UTF8.self)
    } catch {
        throw CorpusReadError(path: path, reason: "\(error)")
    }
}

private func format(_ x: Double) -> String { String(format: "%.4g", x) }
