import Testing
@testable import FunctionCalling

/// FunctionWorld's ground truth against the project's reward and BFCL checker: every reference
/// completion earns the reward, and obvious mistakes fail.
@Suite struct FunctionWorldCheckerTests {
    static func answer(_ completion: String) -> String {
        let afterOpen = completion.split(separator: "<answer>", maxSplits: 1)[1]
        return String(afterOpen.split(separator: "</answer>", maxSplits: 1)[0])
    }

    /// The whole reference completion earns the reward (layout and checker), and the same calls
    /// written in the JSON tool-call form pass too.
    @Test(arguments: FunctionWorld.Catalog.allCases)
    func everyReferenceCompletionEarnsTheReward(_ catalog: FunctionWorld.Catalog) throws {
        var failures: [String] = []
        var count = 0
        for (seed, split) in [(UInt64(31), WorldSplit.train), (32, .heldout)] {
            for g in FunctionWorld(seed: seed, split: split, catalog: catalog).generate(count: 2500) {
                count += 1
                let reward = Reward.score(completion: g.completion, task: g.task, format: .python)
                if !reward.passed { failures.append("\(g.task.id) \(Self.answer(g.completion)): \(reward.failure!)") }
                let calls = try OutputFormat.python.decode(Self.answer(g.completion))
                let think = String(g.completion.split(separator: "<answer>")[0])
                let toolForm = think + "<answer>" + OutputFormat.toolCall.render(calls) + "</answer>"
                let toolReward = Reward.score(completion: toolForm, task: g.task, format: .toolCall)
                if !toolReward.passed { failures.append("\(g.task.id) tool-call form: \(toolReward.failure!)") }
            }
        }
        #expect(count == 5000)
        #expect(failures.isEmpty, "\(failures.count) failures over \(count) references: \(failures.prefix(5))")
    }

    /// Mistakes a policy makes: a missing required argument, a value not from the question, an
    /// optional argument passed when the question leaves it open, another offered function, no call.
    @Test func obviousMistakesFail() {
        let checker = ASTChecker()
        var tried = 0
        var rng = SplitMix64(seed: 99)
        for g in FunctionWorld(seed: 33).generate(count: 600) where g.task.category == .simplePython || g.task.category == .multiple {
            let task = g.task
            let expected = task.groundTruth![0]
            let schema = task.function(named: expected.functionName)!
            let good = expected.canonicalCall(schema: schema)
            var mistakes: [(String, FunctionCall)] = []
            if let first = good.arguments.first {
                mistakes.append(("missing required", FunctionCall(name: good.name, arguments: Array(good.arguments.dropFirst()))))
                var wrong = good
                wrong.arguments[0].value = Self.otherValue(first.value, rng: &rng)
                mistakes.append(("wrong value", wrong))
            }
            if let open = expected.parameters.first(where: { $0.mayBeOmitted }), let d = schema.parameter(named: open.name)?.defaultValue {
                var extra = good
                extra.arguments.append(FunctionCall.Argument(name: open.name, value: Self.otherValue(d, rng: &rng)))
                mistakes.append(("optional not asked for", extra))
            }
            if let other = task.functions.first(where: { $0.name != good.name }) {
                mistakes.append(("other function", FunctionCall(name: other.name, arguments: good.arguments)))
            }
            for (label, call) in mistakes {
                tried += 1
                let verdict = checker.check(rawOutput: PythonRenderer.python([call]), task: task)
                #expect(!verdict.valid, "\(task.id): \(label) \(PythonRenderer.python([call])) passed")
            }
            #expect(!checker.check(rawOutput: "[]", task: task).valid, "\(task.id): [] passed")
        }
        #expect(tried > 1000, "mistakes tried: \(tried)")
    }

    /// A different value of the same kind (never equal to the original, even after BFCL's
    /// string normalisation).
    static func otherValue(_ v: Value, rng: inout SplitMix64) -> Value {
        switch v {
        case .string(let s): return .string(s + "x")
        case .integer(let i): return .integer(i + 1 + rng.below(5))
        case .float(let d): return .float(d + 1.5)
        case .bool(let b): return .bool(!b)
        case .list(let l): return .list(l.dropLast() + [.string("zzz")])
        case .dict: return .object([("zzz", .integer(1))])
        default: return .string("zzz")
        }
    }
}
