import Testing
@testable import FunctionCalling

/// DataPrep stage 1 on BFCL's data, on FunctionWorld's, and rule by rule.
@Suite struct DataPrepTests {
    /// The seven entries BFCL's own checker can never pass (BFCL_CHECKER.md §11).
    static let cannotPass: Set<String> = [
        "live_simple_106-63-0", "live_simple_112-68-0", "live_multiple_507-149-4", "live_multiple_964-207-0",
        "parallel_multiple_12", "parallel_multiple_26", "live_multiple_862-181-3",
    ]
    /// Entries whose answer contradicts the schema with no acceptable alternative left: answers
    /// outside the parameter's enum ('openai' for 'openapi', 'Any', 'Reggaeton', 'Play',
    /// '5 minutes', a Korean command not among the enum's three) and values of the wrong type
    /// (an expression string for a list of floats, strings for a list of integers).
    static let contradictSchema: Set<String> = [
        "live_multiple_87-38-4", "live_multiple_750-169-5", "live_multiple_835-178-10", "live_multiple_871-182-8",
        "live_multiple_947-197-0", "live_parallel_multiple_2-2-0", "parallel_multiple_21", "parallel_multiple_94",
    ]

    @Test func dropsExactlyTheUnpassableAndSchemaContradictingBFCLEntries() throws {
        let tasks = try BFCLDataset.bundled.load()
        let report = DataPrep.validate(tasks)
        print(report.summary)
        let dropped = Set(report.droppedIDs)
        let unpassable: Set<DataPrep.Reason> = [.functionNotOffered, .requiredMissing, .requiredWithoutValue, .unknownParameter, .noAlternatives]
        let droppedAsUnpassable = Set(report.dropped.filter { $0.findings.contains { unpassable.contains($0.reason) } }.map(\.task.id))
        #expect(droppedAsUnpassable == Self.cannotPass,
                "missed \(Self.cannotPass.subtracting(droppedAsUnpassable).sorted()), extra \(droppedAsUnpassable.subtracting(Self.cannotPass).sorted())")
        #expect(dropped == Self.cannotPass.union(Self.contradictSchema),
                "unexpected drops \(dropped.subtracting(Self.cannotPass.union(Self.contradictSchema)).sorted()), missing \(Self.cannotPass.union(Self.contradictSchema).subtracting(dropped).sorted())")
        #expect(report.kept.count + report.dropped.count == tasks.count)
        let again = DataPrep.validate(report.kept)
        #expect(again.dropped.isEmpty && again.repaired.isEmpty, "a second pass still finds: \(again.summary)")
        let counts = report.counts
        #expect(counts[.integerForFloat] == 5 && counts[.scalarForStringEnum] == 18, "repair counts \(counts)")
    }

    /// Every repaired BFCL answer still accepts its own canonical output under the project's
    /// checker, and so does every kept task that was not touched.
    @Test func repairedAnswersStayPassable() throws {
        let report = DataPrep.validate(try BFCLDataset.bundled.load())
        let checker = ASTChecker()
        var failures: [String] = []
        for task in report.kept where task.groundTruth != nil {
            let calls = task.groundTruth!.map { $0.canonicalCall(schema: task.function(named: $0.functionName)) }
            let verdict = checker.check(rawOutput: PythonRenderer.python(calls), task: task)
            if !verdict.valid { failures.append("\(task.id): \(verdict)") }
        }
        #expect(failures.isEmpty, "\(failures.count) kept tasks fail their own answer: \(failures.prefix(5))")
    }

    @Test func functionWorldTasksNeedNoRule() {
        let tasks = FunctionWorld(seed: 21).generate(count: 1000).map(\.task)
            + FunctionWorld(seed: 22, split: .heldout).generate(count: 500).map(\.task)
        let report = DataPrep.validate(tasks)
        #expect(report.dropped.isEmpty && report.repaired.isEmpty, "\(report.summary)")
    }

    static let schema = FunctionSchema(name: "f", description: "", parameters: [
        Property(name: "x", schema: ParameterSchema(type: "float")),
        Property(name: "xs", schema: ParameterSchema(type: "array", items: ParameterSchema(type: "float"))),
        Property(name: "mode", schema: ParameterSchema(type: "string", enumValues: [.string("True"), .string("False"), .string("dontcare")])),
        Property(name: "n", schema: ParameterSchema(type: "integer")),
    ], required: ["x"])

    static func task(_ parameters: [(String, [Value])], function: String = "f") -> FunctionTask {
        FunctionTask(id: "simple_python_0", category: .simplePython, messages: [Message(role: "user", content: "q")],
             functions: [schema], groundTruth: [ExpectedCall(functionName: function, parameters: parameters.map {
                 ExpectedCall.Parameter(name: $0.0, alternatives: $0.1) })])
    }

    static func reasons(_ t: FunctionTask) -> [DataPrep.Reason] {
        DataPrep.validate(t).1.map(\.reason)
    }

    @Test func rulesRepairAndDrop() {
        let (fixed, findings) = DataPrep.validate(Self.task([("x", [.integer(3)]), ("xs", [.list([.integer(1), .float(2.5)])])]))
        #expect(findings.map(\.reason) == [.integerForFloat, .integerForFloat], "\(findings)")
        #expect(fixed.groundTruth![0].alternatives(for: "x") == [.float(3)])
        #expect(fixed.groundTruth![0].alternatives(for: "xs") == [.list([.float(1), .float(2.5)])])

        let spelled = DataPrep.validate(Self.task([("x", [.float(1)]), ("mode", [.string(""), .bool(true)])])).0
        #expect(spelled.groundTruth![0].alternatives(for: "mode") == [.string(""), .string("True")])

        #expect(Self.reasons(Self.task([("x", [.float(1)]), ("n", [.string("dontcare"), .string("")])])) == [.removedWrongType])
        #expect(Self.reasons(Self.task([("x", [.float(1)]), ("mode", [.string("maybe")])])) == [.notInEnum])
        #expect(Self.reasons(Self.task([("x", [.float(1)]), ("mode", [.string("DONT_CARE")])])).isEmpty,
                "BFCL normalises strings, so a case or underscore difference is still in the enum")
        #expect(Self.reasons(Self.task([("x", [.string("a")])])) == [.wrongType])
        #expect(Self.reasons(Self.task([("n", [.integer(1)])])) == [.requiredMissing])
        #expect(Self.reasons(Self.task([("x", [])])) == [.requiredWithoutValue])
        #expect(Self.reasons(Self.task([("x", [.string("")])])) == [.requiredWithoutValue])
        #expect(Self.reasons(Self.task([("x", [.float(1)]), ("y", [.integer(1)])])) == [.unknownParameter])
        #expect(Self.reasons(Self.task([("x", [.float(1)])], function: "g")) == [.functionNotOffered])
        #expect(Self.reasons(Self.task([("x", [.float(1)]), ("n", [.string(""), .null])])).isEmpty, "None for an optional parameter is BFCL's own convention")
    }
}
