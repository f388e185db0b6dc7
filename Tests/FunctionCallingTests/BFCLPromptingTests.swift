import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// BFCL's prompting mode: the conversation and system prompt as BFCL composes them.
@Suite struct BFCLPromptingTests {
    static func documents(_ id: String) throws -> [Value] {
        let category = try #require(TaskCategory(taskID: id))
        return try #require(try BFCLDataset.bundled.functionDocuments(category).first { $0.id == id }?.docs)
    }

    /// Golden: scripts/bfcl_prompt_golden.py ran BFCL's own `system_prompt_pre_processing_chat_model`
    /// on `load_dataset_entry`'s hinted docs (gorilla 6ea57973) for one task of every category.
    @Test func messagesEqualBFCLsComposition() throws {
        let file = Fixtures.repositoryRoot.appendingPathComponent("Tests/FunctionCallingTests/Fixtures/bfcl-prompting/messages.jsonl")
        var count = 0
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            let row = try JSON.parse(String(line))
            let id = try #require(row["id"]?.stringValue)
            let task = try #require(BFCLDecoderTests.tasks[id])
            let docs = BFCLPrompting.hinted(try Self.documents(id), language: task.category.language)
            let got = BFCLPrompting.messages(task.messages, docs: docs)
            guard case .list(let want)? = row["messages"] else { Issue.record("no messages for \(id)"); continue }
            #expect(got.count == want.count, "\(id)")
            for (g, w) in zip(got, want) {
                #expect(g.role == w["role"]?.stringValue, "\(id)")
                if g.content != w["content"]?.stringValue {
                    let a = Array(g.content.utf8), b = Array((w["content"]?.stringValue ?? "").utf8)
                    let at = zip(a, b).prefix { $0 == $1 }.count
                    Issue.record("\(id): content differs at byte \(at): got …\(String(decoding: a[max(0, at - 40)..<min(a.count, at + 40)], as: UTF8.self).debugDescription) want …\(String(decoding: b[max(0, at - 40)..<min(b.count, at + 40)], as: UTF8.self).debugDescription)")
                }
            }
            count += 1
        }
        #expect(count >= 13, "golden tasks: \(count)")
    }

    /// The prompt's fixed text, read off BFCL's template by hand: persona and task run together,
    /// two spaces where the empty `param_types` stands, the doc format named `json`.
    @Test func systemPromptText() {
        let prompt = BFCLPrompting.systemPrompt(functions: [.object([("name", .string("f")), ("description", .string("é"))])])
        #expect(prompt.hasPrefix("You are an expert in composing functions.You are given a question and a set of possible functions."))
        #expect(prompt.contains("func_name2(params)].  You SHOULD NOT include any other text in the response.\n\nAt each turn,"))
        #expect(prompt.hasSuffix("Here is a list of functions in json format that you can invoke.\n[\n    {\n        \"name\": \"f\",\n        \"description\": \"\\u00e9\"\n    }\n]\n"))
        let merged = BFCLPrompting.messages([Message(role: "system", content: "Be brief."), Message(role: "user", content: "hi")], docs: [])
        #expect(merged.count == 2 && merged[0].content.hasSuffix("invoke.\n[]\n\n\nBe brief.") && merged[1].role == "user")
    }

    /// `json.dumps` escapes: astral characters as surrogate pairs, DEL too, ASCII kept.
    @Test func asciiEscapesAsPythonDoes() {
        #expect(JSON.asciiEscaped(JSON.serialize(.string("a\u{7F}ü😀\"\n"))) == #""a\u007f\u00fc\ud83d\ude00\"\n""#)
    }
}
