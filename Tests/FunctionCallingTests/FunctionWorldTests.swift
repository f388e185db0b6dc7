import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// FunctionWorld: the catalog's coverage, determinism, category proportions, the held-out split,
/// and that questions show every value the answer needs.
@Suite struct FunctionWorldTests {
    static let functions = FunctionWorldCatalog.functions

    @Test func catalogCoversBFCLTypesAndDomains() {
        #expect(Self.functions.count >= 40, "functions: \(Self.functions.count)")
        #expect(FunctionWorldCatalog.domains.count >= 8, "domains: \(FunctionWorldCatalog.domains)")
        #expect(Set(Self.functions.map(\.name)).count == Self.functions.count, "function names must be unique")
        var kinds: Set<String> = []
        var optionalCount = 0
        func kind(_ t: WorldType) -> String {
            if case .enumeration = t { return "enum" }
            return t.bfclName
        }
        for f in Self.functions {
            #expect(f.trainTemplates.count + f.heldoutTemplates.count >= 3, "\(f.name) needs 3 templates")
            #expect(!f.trainTemplates.isEmpty && !f.heldoutTemplates.isEmpty, "\(f.name) needs templates in both splits")
            for p in f.parameters {
                kinds.insert(kind(p.type))
                if !p.isRequired { optionalCount += 1 }
            }
        }
        #expect(kinds == ["integer", "float", "string", "boolean", "enum", "array", "dict"], "types used: \(kinds.sorted())")
        #expect(optionalCount >= 30, "optional parameters with defaults: \(optionalCount)")
    }

    /// Every template states every required parameter outside optional segments, optional ones
    /// only inside, boolean phrases only for booleans, and every key of a dict.
    @Test(arguments: FunctionWorld.Catalog.allCases)
    func templatesAreWellFormed(_ catalog: FunctionWorld.Catalog) {
        for f in catalog.functions {
            for source in f.trainTemplates + f.heldoutTemplates {
                let t = WorldTemplate(source)
                let required = Set(f.parameters.filter(\.isRequired).map(\.name))
                #expect(required.isSubset(of: t.alwaysMentioned), "\(f.name): \"\(source)\" misses \(required.subtracting(t.alwaysMentioned))")
                for name in t.alwaysMentioned.union(t.optionallyMentioned) {
                    #expect(f.parameter(name) != nil, "\(f.name): \"\(source)\" names unknown \(name)")
                }
                for name in t.optionallyMentioned {
                    #expect(f.parameter(name)?.isRequired == false, "\(f.name): required \(name) inside [...] in \"\(source)\"")
                }
                for p in f.parameters where !p.isRequired {
                    #expect(!t.alwaysMentioned.contains(p.name), "\(f.name): optional \(p.name) outside [...] in \"\(source)\"")
                }
            }
        }
        var rng = SplitMix64(seed: 3)
        // Rendering each template many times also checks slot kinds (a bad slot trips a precondition).
        for f in catalog.functions {
            for split in WorldSplit.allCases {
                for i in f.templates(split).indices {
                    for _ in 0..<8 { _ = WorldCallInstance.draw(f, template: i, split: split, rng: &rng) }
                }
            }
        }
    }

    @Test(arguments: FunctionWorld.Catalog.allCases)
    func sameSeedSameBytesOtherSeedOtherTasks(_ catalog: FunctionWorld.Catalog) {
        func lines(_ seed: UInt64) -> [String] {
            FunctionWorld(seed: seed, catalog: catalog).generate(count: 300).flatMap {
                [BFCLFormat.promptLine($0.task), BFCLFormat.possibleAnswerLine($0.task) ?? "", FunctionWorldWriter.referenceLine($0)]
            }
        }
        let a = lines(42), b = lines(42), c = lines(43)
        #expect(a == b, "same seed gave different output at line \(a.indices.first { a[$0] != b[$0] } ?? -1)")
        let same = zip(a, c).filter { $0 == $1 }.count
        #expect(same < a.count / 10, "seeds 42 and 43 share \(same) of \(a.count) lines")
    }

    /// Written files are byte-identical for the same seed and load back as the same tasks.
    @Test func writtenFilesAreDeterministicAndLoadBack() throws {
        let tasks = FunctionWorld(seed: 8).generate(count: 300)
        let a = try Fixtures.temporaryDirectory("fw-a"), b = try Fixtures.temporaryDirectory("fw-b")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let paths = try FunctionWorldWriter.write(tasks, to: a)
        try FunctionWorldWriter.write(FunctionWorld(seed: 8).generate(count: 300), to: b)
        #expect(paths.count == 14, "files: \(paths.count)")  // 5 data, 4 possible_answer, 5 reference
        for path in paths {
            let twin = b.path + path.dropFirst(a.path.count)
            #expect(FileManager.default.contentsEqual(atPath: path, andPath: twin), "\(path) differs between runs")
        }
        let dataset = BFCLDataset(directory: a)
        let loaded = try dataset.load([.simplePython, .multiple, .parallel, .parallelMultiple, .irrelevance])
        let byID = Dictionary(uniqueKeysWithValues: loaded.map { ($0.id, $0) })
        #expect(loaded.count == tasks.count)
        for g in tasks { #expect(byID[g.task.id] == g.task, "\(g.task.id) does not load back unchanged") }
    }

    @Test func categoryProportionsFollowTheMix() {
        for (mix, total) in [(FunctionWorld.Mix.standard, 1000), (FunctionWorld.Mix(simple: 1, multiple: 0, parallel: 2, parallelMultiple: 0, irrelevance: 1), 401)] {
            let tasks = FunctionWorld(seed: 5, mix: mix).generate(count: total)
            #expect(tasks.count == total)
            var counts: [TaskCategory: Int] = [:]
            for t in tasks { counts[t.task.category, default: 0] += 1 }
            let sum = mix.weights.reduce(0) { $0 + $1.1 }
            for (category, w) in mix.weights {
                let want = Double(total) * w / sum
                let got = counts[category] ?? 0
                #expect(abs(Double(got) - want) < 1, "\(category): \(got) tasks, expected \(want) (|error| must be < 1)")
            }
        }
    }

    /// Shapes per category: offered functions, number of calls, ids that give the category back.
    @Test(arguments: FunctionWorld.Catalog.allCases)
    func categoriesHaveBFCLShapes(_ catalog: FunctionWorld.Catalog) {
        let functions = catalog.functions
        let mix = FunctionWorld.Mix(simple: 0.3, multiple: 0.2, parallel: 0.15, parallelMultiple: 0.15, irrelevance: 0.1, liveMultiple: 0.1)
        for g in FunctionWorld(seed: 9, mix: mix, catalog: catalog).generate(count: 1500) {
            let t = g.task
            #expect(TaskCategory(taskID: t.id) == t.category, "id \(t.id) does not give back \(t.category)")
            let calls = t.groundTruth?.count ?? 0
            switch t.category {
            case .simplePython: #expect(t.functions.count == 1 && calls == 1, "\(t.id)")
            case .multiple: #expect((2...4).contains(t.functions.count) && calls == 1, "\(t.id): \(t.functions.count) offered")
            case .liveMultiple: #expect((6...20).contains(t.functions.count) && calls == 1, "\(t.id): \(t.functions.count) offered")
            case .parallel: #expect(t.functions.count == 1 && (2...3).contains(calls), "\(t.id): \(calls) calls")
            case .parallelMultiple:
                #expect((2...4).contains(t.functions.count) && (2...3).contains(calls), "\(t.id): \(t.functions.count) offered, \(calls) calls")
            case .irrelevance:
                #expect(t.groundTruth == nil && g.completion.hasSuffix("<answer>[]</answer>"), "\(t.id)")
                // The question comes from a function of an unrelated domain (or is small talk).
                let asked = g.templateIDs[0].split(separator: ":")[0]
                if let f = functions.first(where: { $0.name == asked }) {
                    for o in t.functions {
                        let domain = functions.first { $0.name == o.name }!.domain
                        #expect(!FunctionWorld.related(f.domain, domain), "\(t.id): asks \(f.name), offers \(o.name)")
                    }
                } else {
                    #expect(asked == "smalltalk", "\(t.id): template \(g.templateIDs)")
                }
            default: Issue.record("unexpected category \(t.category)")
            }
            for call in t.groundTruth ?? [] {
                #expect(t.function(named: call.functionName) != nil, "\(t.id): \(call.functionName) not offered")
            }
        }
    }

    /// Held-out tasks use no training template and no training value (enums, booleans and
    /// documented defaults are part of the schemas, so they are shared by design).
    @Test(arguments: FunctionWorld.Catalog.allCases)
    func heldoutSplitSharesNoTemplateAndNoValue(_ catalog: FunctionWorld.Catalog) {
        func collect(_ split: WorldSplit) -> (templates: Set<String>, values: Set<String>) {
            var templates: Set<String> = []
            var values: Set<String> = []
            for g in FunctionWorld(seed: 11, split: split, catalog: catalog).generate(count: 2500) {
                templates.formUnion(g.templateIDs)
                for call in g.task.groundTruth ?? [] {
                    let schema = g.task.function(named: call.functionName)!
                    for p in call.parameters {
                        let ps = schema.parameter(named: p.name)!
                        if ps.enumValues != nil || ps.type == "boolean" { continue }
                        for alt in p.alternatives where alt != .string("") && alt != ps.defaultValue {
                            for leaf in Self.leaves(alt) { values.insert(ValuePool.leafText(leaf)) }
                        }
                    }
                }
            }
            return (templates, values)
        }
        let train = collect(.train), heldout = collect(.heldout)
        #expect(train.templates.isDisjoint(with: heldout.templates), "shared templates: \(train.templates.intersection(heldout.templates).sorted().prefix(10))")
        #expect(train.values.isDisjoint(with: heldout.values), "shared values: \(train.values.intersection(heldout.values).sorted().prefix(10))")
        #expect(heldout.templates.count >= 40 && heldout.values.count >= 50, "held-out coverage: \(heldout.templates.count) templates, \(heldout.values.count) values")
        // Two parameters may share a pool in one call, and arrays take up to 3 distinct values.
        var arrayPools: Set<ValuePool> = []
        for f in catalog.functions { for p in f.parameters { if case .array = p.type { arrayPools.insert(p.pool!) } } }
        for pool in ValuePool.allCases {
            let t = pool.values(.train).count, h = pool.values(.heldout).count
            let need = arrayPools.contains(pool) ? 3 : 2
            #expect(t >= need && h >= need, "pool \(pool): \(t) training and \(h) held-out values, need \(need) each")
        }
    }

    /// Copying must be learnable: every stated value appears verbatim in the question, and the
    /// reasoning names the function and each value as the answer writes it.
    @Test(arguments: FunctionWorld.Catalog.allCases)
    func questionsShowEveryValueAndReasoningExplainsThem(_ catalog: FunctionWorld.Catalog) {
        for g in FunctionWorld(seed: 13, catalog: catalog).generate(count: 1500) where g.task.groundTruth != nil {
            let question = g.task.messages[0].content
            let think = g.completion.split(separator: "</think>")[0]
            for call in g.task.groundTruth! {
                #expect(think.contains(call.functionName), "\(g.task.id): reasoning does not name \(call.functionName)")
                let schema = g.task.function(named: call.functionName)!
                for p in call.parameters where !p.mayBeOmitted {
                    let ps = schema.parameter(named: p.name)!
                    guard ps.type != "boolean" else { continue }
                    for leaf in Self.leaves(p.alternatives[0]) {
                        #expect(question.contains(ValuePool.leafText(leaf)), "\(g.task.id): \(leaf) not in \"\(question)\"")
                        #expect(think.contains(PythonRenderer.literal(leaf)), "\(g.task.id): reasoning lacks \(PythonRenderer.literal(leaf))")
                    }
                }
            }
        }
    }

    /// The reasoning varies: most think blocks are distinct, and so are their shapes once the
    /// task's own words (names and values) are masked.
    @Test func reasoningCarriesEntropy() {
        let tasks = FunctionWorld(seed: 17).generate(count: 1000)
        let thinks = tasks.map { String($0.completion.split(separator: "</think>")[0]) }
        let distinct = Set(thinks).count
        #expect(distinct > 950, "distinct think blocks: \(distinct) of \(thinks.count)")
        // Shapes: keep only the words that are not function names, parameters or values.
        var taskWords: Set<Substring> = []
        for f in Self.functions { taskWords.insert(Substring(f.name)); f.parameters.forEach { taskWords.insert(Substring($0.name)) } }
        let shapes = Set(thinks.map { t in
            t.split(whereSeparator: { !$0.isLetter }).filter { !taskWords.contains($0) && $0.first!.isLowercase }.prefix(12).joined(separator: " ")
        })
        #expect(shapes.count > 100, "distinct reasoning shapes: \(shapes.count)")
    }

    static func leaves(_ v: Value) -> [Value] {
        switch v {
        case .list(let items): items.flatMap(leaves)
        case .dict(let entries): entries.flatMap { leaves($0.value) }
        default: [v]
        }
    }
}
