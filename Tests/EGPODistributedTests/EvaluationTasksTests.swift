import Foundation
import FunctionCalling
import Testing
@testable import EGPODistributed

/// Which held-out tasks a run evaluates (`EvaluationTasks`).
@Suite struct EvaluationTasksTests {
    func config(_ settings: [String: String]) throws -> TrainerConfig {
        try TrainerConfig.resolve(file: nil, overrides: settings.map { .init(key: $0.key, value: $0.value) })
    }

    /// A folder lists its tasks category by category: eval.tasks of them are drawn across the
    /// categories (not the first category's), the same ones on every load, in file order, none
    /// whose prompt is also a training prompt; a different data.heldOutSeed draws others.
    @Test func aFoldersTasksAreDrawnNotTakenFromTheTop() throws {
        let all = try TaskSource.load(spec: .bfcl(nil), count: 0, seed: 0, split: .train)
        let training = Array(all.filter { $0.task.category == .simplePython }.prefix(50))
        let c = try config(["data.heldOut": "bfcl:all", "eval.tasks": "60"])
        let drawn = try EvaluationTasks.load(c, excluding: training)
        #expect(drawn.count == 60)
        #expect(Set(drawn.map(\.category)).count >= 4, "\(Set(drawn.map(\.category)))")
        #expect(try EvaluationTasks.load(c, excluding: training).map(\.id) == drawn.map(\.id))
        let order = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.task.id, $0) })
        #expect(drawn.map { order[$0.id]! } == drawn.map { order[$0.id]! }.sorted())
        let trainingPrompts = Set(training.map { PromptFormat.prompt($0.task) })
        #expect(!drawn.contains { trainingPrompts.contains(PromptFormat.prompt($0)) })
        let reseeded = try EvaluationTasks.load(try config(["data.heldOut": "bfcl:all", "eval.tasks": "60", "data.heldOutSeed": "8"]),
                                                excluding: training)
        #expect(reseeded.map(\.id) != drawn.map(\.id))
        // Asking for more than there are gives all of them, in file order.
        let simple = try EvaluationTasks.load(try config(["data.heldOut": "bfcl:simple_python", "eval.tasks": "1000"]), excluding: training)
        #expect(simple.map(\.id) == all.filter { $0.task.category == .simplePython }.dropFirst(50).map(\.task.id))
    }

    /// Generated FunctionWorld tasks come mixed and are taken in order, as before.
    @Test func generatedTasksAreTakenInOrder() throws {
        let c = try config(["eval.tasks": "12"])
        let tasks = try EvaluationTasks.load(c, excluding: [])
        let generated = TaskSource.functionWorldTasks(count: 24, seed: c.data.heldOutSeed, split: c.data.heldOutSplit)
        #expect(tasks.map(\.id) == generated.prefix(12).map(\.task.id))
    }
}
