import Foundation
import FunctionCalling
import ShardedTensor

extension HuggingFaceFolder {
    /// The folder with `contents` added to its tokenizer as single tokens (`launcher import
    /// --add-token`), for markers the model's tokenizer lacks but the training format needs:
    /// Qwen2.5's, Llama's and SmolLM2's tokenizers have no `<think>`/`</think>`, which EGPO's
    /// think mask needs as single ids. Each new token takes the next id after the tokenizer's
    /// last. That id is an embedding row the tokenizer does not use yet when the model has one
    /// (Qwen2.5 has 271 such rows); a model with no spare rows (SmolLM2, Llama 3) has its
    /// embedding, and its output head, grown by the rows it lacks (`growingVocabulary`).
    /// Each token is added to tokenizer.json's `added_tokens` (not special, not normalized), so
    /// the exported folder carries it to transformers. A content the tokenizer already encodes as
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
        let grown = next > config.vocabularySize ? growingVocabulary(to: next) : self
        var files = files
        files["tokenizer.json"] = String(edited)
        let retokenized = try Self.readTokenizer(String(edited), path: path, config: grown.config)
        return (HuggingFaceFolder(config: grown.config, parameters: grown.parameters, files: files, tokenizer: retokenized), report)
    }

    /// The folder with `size` vocabulary rows (more than it has): the embedding and, when untied,
    /// the output head keep their rows, and each new row is the mean of that matrix's old rows.
    ///
    /// Why the mean (transformers' `resize_token_embeddings(mean_resizing=True)` draws new rows
    /// around it; here it is exact, so every rank and every run gets the same model): a new
    /// token's logit is then the mean of the old logits, which by Jensen's inequality is at most
    /// log of their mean exponential, so under the imported weights each new token has
    /// probability at most 1/V (V the old vocabulary) at every position, and every old token's
    /// log-probability drops by at most log(1 + k/V) for k new rows (4.1e-5 for SmolLM2's two
    /// think markers): the model computes what it did until training teaches it the markers.
    /// Its input embedding, the mean, is the least committal start for a token it has never read.
    public func growingVocabulary(to size: Int) -> HuggingFaceFolder {
        precondition(size >= config.vocabularySize, "growingVocabulary: \(size) rows < \(config.vocabularySize)")
        var grown = config
        grown.vocabularySize = size
        let old = config.parameterLayout, new = grown.parameterLayout
        let out = FloatBuffer(count: new.totalCount)
        let V = config.vocabularySize
        for e in old.entries {
            let target = out.base + new[e.name].offset
            target.update(from: parameters.base + e.offset, count: e.count)
            guard e.name == "model.embed_tokens.weight" || e.name == "lm_head.weight" else { continue }
            let C = e.shape[1]
            var mean = [Double](repeating: 0, count: C)   // (C)
            for row in 0 ..< V {
                for c in 0 ..< C { mean[c] += Double(target[row * C + c]) }
            }
            for row in V ..< size {
                for c in 0 ..< C { target[row * C + c] = Float(mean[c] / Double(V)) }
            }
        }
        return HuggingFaceFolder(config: grown, parameters: out, files: files, tokenizer: tokenizer)
    }
}
