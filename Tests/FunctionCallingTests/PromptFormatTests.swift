import Testing
@testable import FunctionCalling

/// The prompt format: the exact listing of a schema, the conversation layout, and that every
/// BFCL task renders with each function on its own signature line.
@Suite struct PromptFormatTests {
    static let weather = FunctionSchema(name: "weather.get", description: "Current weather.\nIn one city.", parameters: [
        Property(name: "city", schema: ParameterSchema(type: "string", description: "City name.")),
        Property(name: "unit", schema: ParameterSchema(type: "string", description: "Unit.", enumValues: [.string("c"), .string("f")], defaultValue: .string("c"))),
        Property(name: "days", schema: ParameterSchema(type: "array", items: ParameterSchema(type: "integer"))),
        Property(name: "window", schema: ParameterSchema(type: "dict", description: "When.", properties: [
            Property(name: "start", schema: ParameterSchema(type: "string", description: "HH:MM.")),
            Property(name: "end", schema: ParameterSchema(type: "float")),
        ], required: ["start"])),
        Property(name: "fast", schema: ParameterSchema(type: "boolean", defaultValue: .bool(false))),
    ], required: ["city", "days"])

    @Test func listingIsTheDocumentedOne() {
        let expected = """
        Functions:
        weather.get(city: str, unit?: 'c'|'f' = 'c', days: list[int], window?: dict{start: str, end?: float}, fast?: bool = False)
         Current weather. In one city.
         city: City name.
         unit: Unit.
         window: When.
         window.start: HH:MM.

        """
        let got = PromptFormat.listing([Self.weather])
        #expect(got == expected, "listing:\n\(got)")
    }

    @Test func promptLaysOutSystemConversationAndAssistant() {
        let task = FunctionTask(id: "live_simple_0-0-0", category: .liveSimple, messages: [
            Message(role: "system", content: "Be brief."), Message(role: "user", content: "Weather in Oslo?"),
        ], functions: [Self.weather], groundTruth: nil)
        let p = PromptFormat.prompt(task)
        let expected = "<|system|>" + PromptFormat.listing([Self.weather]) + PromptFormat.instruction + "<|eos|>\n"
            + "<|system|>Be brief.<|eos|>\n<|user|>Weather in Oslo?<|eos|>\n<|assistant|>"
        #expect(p == expected, "prompt:\n\(p)")
        #expect(PromptFormat.prompt(functions: [], messages: []).hasPrefix("<|system|>Functions: none\n"))
        #expect(PromptFormat.completion(think: "t", answer: "[]") == "<think>t</think><answer>[]</answer>")
        #expect(PromptFormat.supervisedTarget("x") == "x<|eos|>")
        #expect(Set(PromptFormat.specialTokens).count == 10)
    }

    /// Every shipped BFCL task renders; each offered function gets exactly one signature line
    /// starting with `name(`, and no description breaks the one-line-per-item layout.
    @Test func everyBFCLTaskRenders() throws {
        let tasks = try BFCLDataset.bundled.load()
        var bad: [String] = []
        for t in tasks {
            let p = PromptFormat.prompt(t)
            let lines = p.split(separator: "\n", omittingEmptySubsequences: false)
            for f in t.functions where !lines.contains(Substring(PromptFormat.signature(f))) {
                bad.append("\(t.id): no signature line for \(f.name)")
            }
            let described = t.functions.reduce(0) { n, f in
                n + (f.description.isEmpty ? 0 : 1) + Self.describedCount(f.parameters)
            }
            let listingLines = (t.functions.isEmpty ? 1 : 1 + t.functions.count + described)
            let systemLines = PromptFormat.listing(t.functions).split(separator: "\n").count
            if systemLines != listingLines { bad.append("\(t.id): listing has \(systemLines) lines, expected \(listingLines)") }
            if !p.hasSuffix(PromptFormat.assistant) { bad.append("\(t.id): does not end with the assistant marker") }
        }
        #expect(bad.isEmpty, "\(bad.count) problems: \(bad.prefix(5))")
        #expect(tasks.count == 3491)
    }

    static func describedCount(_ props: [Property]) -> Int {
        props.reduce(0) { n, p in
            var k = (p.schema.description?.isEmpty == false) ? 1 : 0
            k += describedCount(p.schema.properties ?? [])
            if let items = p.schema.items, items.type == "dict" { k += describedCount(items.properties ?? []) }
            return n + k
        }
    }
}
