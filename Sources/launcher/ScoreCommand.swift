import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

/// `launcher score`: per-token log-probabilities of given texts or token sequences.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Print each input's tokens and log p(tokens[i+1] | tokens[0...i]) as JSON lines.",
        discussion: """
        Each input line is {"text": "..."} (encoded with the model's tokenizer, nothing prepended) \
        or {"tokens": [ids]}. Each output line is {"tokens": [...], "logprobs": [...]} with one \
        log-probability fewer than tokens.
        """
    )

    @Option(help: "Model file or checkpoint (HDF5).")
    var checkpoint: String

    @Option(help: "JSON-lines input file ('-' for standard input).")
    var input: String

    @Option(help: "Sequences scored per forward pass.")
    var batchSize: Int = 16

    func validate() throws {
        try OptionRange.check(batchSize, "--batch-size", max: 4096)
    }

    func run() throws {
        let loaded = try ModelFile.read(from: checkpoint)
        let config = loaded.model.config
        let lines = try JSONLines.read(input)
        let sequences = try lines.map { line -> [Int32] in
            let tokens = try line.tokens(tokenizer: loaded.tokenizer)
            if let bad = tokens.first(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
                throw LauncherError("\(line.location): token \(bad) is outside 0..<\(config.vocabularySize) (vocab_size)")
            }
            guard tokens.count <= config.maxPositionEmbeddings else {
                throw LauncherError("\(line.location): \(tokens.count) tokens exceed max_position_embeddings \(config.maxPositionEmbeddings)")
            }
            return tokens
        }
        let workspace = TrainingWorkspace(config: config)
        var start = 0
        while start < sequences.count {
            let chunkRange = start..<min(start + batchSize, sequences.count)
            let chunk = Array(sequences[chunkRange])
            start += chunk.count
            // Sequences of fewer than 2 tokens have nothing to predict.
            let scorable = chunk.filter { $0.count >= 2 }
            let scores = scorable.isEmpty ? nil : loaded.model.forward(TokenBatch(scorable), workspace: workspace)
            var prediction = 0
            for (tokens, line) in zip(chunk, lines[chunkRange]) {
                let n = max(tokens.count - 1, 0)
                let logProbs = tokens.count >= 2 ? Array(scores!.logProbs[prediction..<(prediction + n)]) : []
                // A NaN/Inf weight makes every score meaningless: say where, instead of printing nan.
                if let bad = logProbs.firstIndex(where: { !$0.isFinite }) {
                    throw LauncherError("\(line.location): log-probability of token \(bad + 1) is \(logProbs[bad]); the model \(checkpoint) has non-finite weights or overflowed (expected finite scores)")
                }
                if tokens.count >= 2 { prediction += n }
                Console.out(try JSONLines.encode(["tokens": tokens.map(Int.init), "logprobs": logProbs.map(Double.init)]))
            }
        }
    }
}

/// One line of a JSON-lines input: its location for errors and its object.
struct JSONLine {
    let location: String
    let object: [String: Any]

    /// The line's token ids: its "tokens" array, or its "text" encoded with `tokenizer`.
    func tokens(tokenizer: any Tokenizer) throws -> [Int32] {
        if object["text"] != nil && object["tokens"] != nil {
            throw LauncherError("\(location): both \"text\" and \"tokens\" (expected one of them: {\"text\": string} or {\"tokens\": [integers]})")
        }
        if let text = object["text"] as? String { return tokenizer.encode(text) }
        if let ids = object["tokens"] as? [Any] {
            return try ids.map { id in
                // Foundation bridges JSON numbers and booleans to NSNumber alike; the printed form tells
                // an integer ("12") from a float ("1.5") or a boolean ("true").
                guard id is NSNumber, let v = Int32("\(id)") else {
                    throw LauncherError("\(location): \"tokens\" must hold integers, found \(id)")
                }
                return v
            }
        }
        throw LauncherError("\(location): expected {\"text\": string} or {\"tokens\": [integers]}, found keys \(object.keys.sorted())")
    }
}

/// Reading and writing JSON lines with errors that name the file and line.
enum JSONLines {
    static func read(_ path: String) throws -> [JSONLine] {
        let data = try InputFile.read(path)
        var lines: [JSONLine] = []
        // "\r\n" is one Character in Swift, so a CRLF file must be split on both forms.
        if let bad = UTF8Validation.firstInvalidByte(in: data) {
            let line = data.prefix(bad).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw LauncherError("\(path):\(line): invalid UTF-8 (byte 0x\(String(data[data.startIndex + bad], radix: 16, uppercase: true)) "
                                + "at offset \(bad) of the file); expected UTF-8 text")
        }
        let text = String(decoding: data, as: UTF8.self)
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let location = "\(path):\(index + 1)"
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw LauncherError("\(location): not a JSON object: \(trimmed.prefix(80))")
            }
            lines.append(JSONLine(location: location, object: object))
        }
        return lines
    }

    static func encode(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
