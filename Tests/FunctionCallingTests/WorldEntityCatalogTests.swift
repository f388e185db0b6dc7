import Foundation
import Testing
@testable import FunctionCalling

/// The generated FunctionWorld catalog (`WorldEntityCatalog`): its size and coverage of BFCL's
/// parameter types, and that nothing of BFCL (a test set) reaches it: no BFCL function name is a
/// generated function's, and no BFCL question is a generated task's question.
@Suite struct WorldEntityCatalogTests {
    @Test func coversManyDomainsAndEveryParameterKind() {
        let functions = WorldEntityCatalog.functions
        #expect(functions.count >= 1100, "functions: \(functions.count)")
        #expect(WorldEntityCatalog.domains.count >= 40, "domains: \(WorldEntityCatalog.domains.count)")
        #expect(Set(functions.map(\.name)).count == functions.count,
                "duplicate names: \(Dictionary(grouping: functions, by: \.name).filter { $0.value.count > 1 }.keys.sorted().prefix(5))")
        let kinds = Set(functions.flatMap(\.parameters).map { p -> String in
            if case .enumeration = p.type { return "enum" }
            return p.type.bfclName
        })
        #expect(kinds == ["integer", "float", "string", "boolean", "enum", "array", "dict"], "types used: \(kinds.sorted())")
        let dotted = functions.filter { $0.name.contains(".") }.count
        #expect(dotted > functions.count / 8 && dotted < functions.count / 2, "dotted names: \(dotted) of \(functions.count)")
        // No record kind in two domains: a question about one has no answer elsewhere.
        let kinds2 = Dictionary(grouping: WorldEntityCatalog.entities, by: \.singular)
        #expect(kinds2.allSatisfy { $0.value.count == 1 }, "record kinds in two domains: \(kinds2.filter { $0.value.count > 1 }.keys.sorted())")
    }

    /// Every BFCL category bundled with the project, Python, Java, JavaScript and live.
    static func bfclTasks() throws -> [FunctionTask] {
        try BFCLDataset.bundled.load(TaskCategory.allCases)
    }

    @Test func sharesNoFunctionNameWithBFCL() throws {
        let tasks = try Self.bfclTasks()
        #expect(tasks.count > 3000, "BFCL tasks read: \(tasks.count)")
        let bfclNames = Set(tasks.flatMap { $0.functions.map(\.name) })
        let ours = Set(WorldEntityCatalog.functions.map(\.name))
        let shared = ours.intersection(bfclNames)
        #expect(shared.isEmpty, "\(shared.count) generated names are BFCL's: \(shared.sorted().prefix(10))")
    }

    @Test func sharesNoQuestionWithBFCL() throws {
        func normal(_ s: String) -> String { s.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ") }
        let bfclQuestions = Set(try Self.bfclTasks().flatMap { $0.messages.filter { $0.role == "user" }.map { normal($0.content) } })
        var shared: [String] = []
        for split in WorldSplit.allCases {
            for g in FunctionWorld(seed: 21, split: split, catalog: .generated).generate(count: 5000) {
                let q = normal(g.task.messages[0].content)
                if bfclQuestions.contains(q) { shared.append(g.task.messages[0].content) }
            }
        }
        #expect(shared.isEmpty, "\(shared.count) generated questions are BFCL's: \(shared.prefix(5))")
    }
}

/// `launcher data generate --format xlam`: generated tasks written as xLAM records read back as
/// the same tasks, and the answer each record carries earns the reward on the task it came from.
@Suite struct XLAMWritingTests {
    @Test(arguments: FunctionWorld.Catalog.allCases)
    func generatedTasksRoundTripThroughXLAM(_ catalog: FunctionWorld.Catalog) throws {
        let generated = FunctionWorld(seed: 23, catalog: catalog).generate(count: 400)
        let text = generated.enumerated().map { XLAMDataset.recordLine($0.element.task, id: $0.offset) }.joined(separator: "\n") + "\n"
        let prepared = XLAMDataset.prepare(try XLAMDataset.parse(Data(text.utf8), file: "generated.jsonl"))
        #expect(prepared.tasks.count == generated.count, "kept \(prepared.tasks.count) of \(generated.count): \(prepared.report.summary)")
        var failures: [String] = []
        for (original, read) in zip(generated.map(\.task), prepared.tasks) {
            if read.category != original.category { failures.append("\(original.id): category \(read.category)") }
            if read.functions.map(\.name) != original.functions.map(\.name) { failures.append("\(original.id): functions") }
            if read.messages.last?.content != original.messages.last?.content { failures.append("\(original.id): question") }
            let reward = Reward.score(completion: XLAMDataset.reference(read), task: original, format: .python)
            if !reward.passed { failures.append("\(original.id): \(reward.failure!)") }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches: \(failures.prefix(5))")
    }
}
