import Foundation
import FunctionCalling

extension HuggingFaceFolder {
    /// The folder with `contents` added to its tokenizer as single tokens (`launcher import
    /// --add-token`), for markers the model's tokenizer lacks but the training format needs:
    /// Qwen2.5's and Llama's tokenizers have no `<think>`/`</think>`, which EGPO's think mask
    /// needs as single ids. Each new token takes the next id after the tokenizer's last, which
    /// must be an embedding row the tokenizer does not use yet (Qwen2.5 has 271 such rows);
    /// it is added to tokenizer.json's `added_tokens` (not special, not normalized), so the
    /// exported folder carries it to transformers. A content the tokenizer already encodes as
    /// one token is left alone and reported.
    /// - Returns: the new folder, and per content the id it has.
    public func addingTokens(_ contents: [String], path: String) throws -> (HuggingFaceFolder, [(content: String, id: Int32, added: Bool)]) {
        guard !contents.isEmpty else { return (self, []) }
        guard let text = files["tokenizer.json"], let tokenizer else {
            throw HuggingFaceError.badTokenizer(path: path, message: "has no tokenizer.json to add \(contents.joined(separator: ", ")) to")
        }
        var next = tokenizer.vocabSize, entries: [String] = [], report: [(String, Int32, Bool)] = []
        for content in contents {
            guard !content.isEmpty else { throw HuggingFaceError.badTokenizer(path: path, message: "--add-token: an empty token") }
            let ids = tokenizer.encode(content)
            if ids.count == 1 { report.append((content, ids[0], false)); continue }
            if let earlier = report.first(where: { $0.0 == content }) { report.append(earlier); continue }
            guard next < config.vocabularySize else {
                throw HuggingFaceError.badTokenizer(path: path, message: "cannot add \(content.debugDescription): the tokenizer's \(next) ids "
                    + "already use every embedding row (vocab_size \(config.vocabularySize)); expected a model with spare rows, as Qwen2.5's")
            }
            entries.append("{\"id\": \(next), \"content\": \(JSON.quoted(content)), \"single_word\": false, \"lstrip\": false, "
                           + "\"rstrip\": false, \"normalized\": false, \"special\": false}")
            report.append((content, Int32(next), true))
            next += 1
        }
        guard !entries.isEmpty else { return (self, report) }
        // Inserted as text at the start of `added_tokens`, so the rest of the file stays byte for byte.
        guard let open = text.range(of: #""added_tokens"\s*:\s*\["#, options: .regularExpression) else {
            throw HuggingFaceError.badTokenizer(path: path, message: "has no \"added_tokens\" list to add \(contents.joined(separator: ", ")) to")
        }
        let rest = text[open.upperBound...]
        let empty = rest.first(where: { !$0.isWhitespace }) == "]"
        let edited = text[..<open.upperBound] + "\n    " + entries.joined(separator: ",\n    ") + (empty ? "\n  " : ",") + rest
        var files = files
        files["tokenizer.json"] = String(edited)
        let retokenized = try Self.readTokenizer(String(edited), path: path, config: config)
        return (HuggingFaceFolder(config: config, parameters: parameters, files: files, tokenizer: retokenized), report)
    }
}
