import Foundation
import FunctionCalling

/// Reading and writing Hugging Face's `tokenizer.json` layout: a BPE model whose vocabulary and
/// merges are written in GPT-2's byte-to-character map, the pipeline around it (GPT-2's
/// `ByteLevel` split for the project's own files; NFC and `Split` + `ByteLevel` for Qwen2 and
/// Llama-3, see `TokenizerPipeline`), and the added tokens with their flags.
extension BPETokenizer {
    /// The `tokenizer.json` text.
    public func tokenizerJSON() -> String? { jsonText() }

    /// The `tokenizer.json` text, vocabulary in id order, one merge per line. Added tokens are
    /// also in the model vocabulary for GPT-2's pipeline (so older `tokenizers` keep their ids),
    /// and only in `added_tokens` for Qwen2's and Llama-3's, as those models' files have them.
    public func jsonText() -> String {
        var s = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": ["
        for (k, t) in addedTokens.enumerated() {
            s += k == 0 ? "\n" : ",\n"
            s += "    {\"id\": \(t.id), \"content\": \(JSON.quoted(t.content)), \"single_word\": \(t.singleWord), \"lstrip\": \(t.lstrip), "
                + "\"rstrip\": \(t.rstrip), \"normalized\": \(t.normalized), \"special\": \(t.special)}"
        }
        let fields = pipeline.jsonFields
        s += "\n  ],\n  \"normalizer\": \(fields.normalizer),\n"
        s += "  \"pre_tokenizer\": \(fields.preTokenizer),\n"
        s += "  \"post_processor\": \(postProcessorJSON),\n"
        s += "  \"decoder\": \(fields.decoder),\n"
        s += "  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
        s += "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n    \"fuse_unk\": false,\n"
        s += "    \"byte_fallback\": false,\n    \"ignore_merges\": \(pipeline.ignoreMerges),\n    \"vocab\": {"
        let addedIDs = Set(addedTokens.map(\.id))
        let addedInVocab = pipeline.split == .gpt2
        var first = true
        for (id, bytes) in tokenBytes.enumerated() where !bytes.isEmpty {
            let added = addedIDs.contains(Int32(id))
            if added && !addedInVocab { continue }
            let text = added ? String(decoding: bytes, as: UTF8.self) : ByteLevelMapping.encode(bytes)
            s += first ? "\n      " : ",\n      "
            first = false
            s += "\(JSON.quoted(text)): \(id)"
        }
        s += "\n    },\n    \"merges\": ["
        for (k, m) in merges.enumerated() {
            s += k == 0 ? "\n      " : ",\n      "
            s += JSON.quoted(ByteLevelMapping.encode(tokenBytes[Int(m.left)]) + " " + ByteLevelMapping.encode(tokenBytes[Int(m.right)]))
        }
        s += "\n    ]\n  }\n}\n"
        return s
    }

    /// Writes `tokenizer.json` to `url`.
    public func write(to url: URL) throws(TokenizerError) {
        do {
            try OutputFile.write(Data(jsonText().utf8), to: url.path)
        } catch {
            throw .io(path: url.path, reason: error.problem)
        }
    }

    /// Reads a `tokenizer.json` file.
    public init(contentsOf url: URL) throws(TokenizerError) {
        let data: Data
        do {
            data = try InputFile.read(url.path)
        } catch {
            throw .io(path: url.path, reason: error.problem)
        }
        try self.init(json: String(decoding: data, as: UTF8.self))
    }

    /// Parses `tokenizer.json` text. Byte-level BPE files load: this writer's (GPT-2's layout)
    /// and the Qwen2, Qwen2.5, Qwen3 and Llama-3.x models' (`TokenizerPipeline`); a file needing
    /// another normalizer, pre-tokenizer or model option throws `.unsupported`
    /// naming the field. Token ids may have holes (never produced, decoded as U+FFFD); an id out
    /// of range or given to two tokens is `.malformed`.
    public init(json: String) throws(TokenizerError) {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                throw TokenizerError.malformed(field: "(root)", reason: "not a JSON object")
            }
            root = object
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw .malformed(field: "(root)", reason: "not JSON: \(error)")
        }
        let pipeline = try TokenizerPipeline.parse(root)
        guard let model = root["model"] as? [String: Any] else {
            throw .malformed(field: "model", reason: "missing or not an object")
        }
        guard let vocab = model["vocab"] as? [String: Any] else {
            throw .malformed(field: "model.vocab", reason: "missing or not an object of token to id")
        }

        var added: [AddedToken] = []
        for (k, entry) in ((root["added_tokens"] as? [[String: Any]]) ?? []).enumerated() {
            guard let id = entry["id"] as? Int, let content = entry["content"] as? String else {
                throw .malformed(field: "added_tokens[\(k)]", reason: "needs integer `id` and string `content`")
            }
            try Self.checkID(id, field: "added_tokens[\(k)].id")
            // tokenizers' defaults when a flag is missing: not special, normalized unless special.
            let special = entry["special"] as? Bool ?? false
            added.append(AddedToken(content: content, id: Int32(id), special: special, normalized: entry["normalized"] as? Bool ?? !special,
                                    lstrip: entry["lstrip"] as? Bool ?? false, rstrip: entry["rstrip"] as? Bool ?? false,
                                    singleWord: entry["single_word"] as? Bool ?? false))
        }
        let specials = added.map(\.specialToken)
        let specialByContent = Dictionary(specials.map { ($0.content, $0.id) }, uniquingKeysWith: { a, _ in a })

        var maxID = specials.map { Int($0.id) }.max() ?? -1
        var idOf: [String: Int32] = [:]
        for (token, value) in vocab {
            guard let id = value as? Int else {
                throw .malformed(field: "model.vocab[\(token)]", reason: "id \(value) is not an integer")
            }
            try Self.checkID(id, field: "model.vocab[\(token)]")
            idOf[token] = Int32(id)
            maxID = max(maxID, id)
        }
        try Self.checkIDsUnique(idOf: idOf, specials: specials, maxID: maxID)
        var tokenBytes = [[UInt8]](repeating: [], count: maxID + 1)
        for (token, id) in idOf {
            if specialByContent[token] != nil {
                tokenBytes[Int(id)] = Array(token.utf8)
            } else if let bytes = ByteLevelMapping.decode(token) {
                tokenBytes[Int(id)] = bytes
            } else {
                throw .unsupported(field: "model.vocab[\(token)]", found: "a token outside GPT-2's byte-to-character map",
                                   expected: "byte-level tokens")
            }
        }
        for t in specials { tokenBytes[Int(t.id)] = Array(t.content.utf8) }

        // A byte without a token stays -1: `tokenizers` skips such bytes (no unk token, no byte
        // fallback), and SmolLM2's vocabulary lacks 21 of them.
        var byteIDs = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            if let id = idOf[String(ByteLevelMapping.byteToScalar[b])] { byteIDs[b] = id }
        }

        let rawMerges = (model["merges"] as? [Any]) ?? []
        var merges: [Merge] = []
        merges.reserveCapacity(rawMerges.count)
        for (k, raw) in rawMerges.enumerated() {
            let parts: [String]
            if let line = raw as? String {
                parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let pair = raw as? [String] {
                parts = pair
            } else {
                throw .badMerge(index: k, merge: "\(raw)", reason: "neither \"a b\" nor [\"a\", \"b\"]")
            }
            guard parts.count == 2 else {
                throw .badMerge(index: k, merge: "\(raw)", reason: "has \(parts.count) parts, expected 2")
            }
            guard let left = idOf[parts[0]], let right = idOf[parts[1]] else {
                throw .badMerge(index: k, merge: "\(raw)", reason: "a side is not in the vocabulary")
            }
            guard let merged = idOf[parts[0] + parts[1]] else {
                throw .badMerge(index: k, merge: "\(raw)", reason: "the merged token is not in the vocabulary")
            }
            merges.append(Merge(left: left, right: right, merged: merged))
        }
        var postProcessor = "null"
        if let value = root["post_processor"], !(value is NSNull),
           let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
            postProcessor = String(decoding: data, as: UTF8.self)
        }
        self.init(tokenBytes: tokenBytes, byteIDs: byteIDs, merges: merges, addedTokens: added, pipeline: pipeline,
                  postProcessorJSON: postProcessor)
    }

    /// Largest vocabulary a tokenizer file may declare (ids 0..<maxVocabulary).
    static let maxVocabulary = 1 << 24

    /// Throws unless `id` lies in 0..<maxVocabulary.
    private static func checkID(_ id: Int, field: String) throws(TokenizerError) {
        guard id >= 0 && id < maxVocabulary else {
            throw .malformed(field: field, reason: "id \(id) is outside 0..<\(maxVocabulary) (expected a non-negative token id)")
        }
    }

    /// Throws unless each id in 0...maxID names at most one token. An added token may repeat its
    /// own vocabulary entry (this writer's files list special tokens in both places). A gap is
    /// allowed: Hugging Face vocabularies may skip ids, and an unused id is simply never produced.
    private static func checkIDsUnique(idOf: [String: Int32], specials: [SpecialToken], maxID: Int) throws(TokenizerError) {
        var owner = [String?](repeating: nil, count: maxID + 1)
        for (token, id) in idOf.sorted(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            if let other = owner[Int(id)] {
                throw .malformed(field: "model.vocab[\(token)]", reason: "id \(id) is also the id of \(other.debugDescription) (expected each id once)")
            }
            owner[Int(id)] = token
        }
        for (k, t) in specials.enumerated() {
            if let other = owner[Int(t.id)], other != t.content {
                throw .malformed(field: "added_tokens[\(k)].id", reason: "id \(t.id) of \(t.content.debugDescription) is also the id of \(other.debugDescription) (expected each id once)")
            }
            owner[Int(t.id)] = t.content
        }
    }
}
