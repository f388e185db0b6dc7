/// FunctionWorld, the synthetic task generator: BFCL-format tasks over the functions of
/// `FunctionWorldCatalog`, each with a reference completion for SFT, deterministic from a seed.
///
/// Categories follow BFCL: `simple_python` (one function offered, one call), `multiple` (2-4
/// offered, one call), `parallel` (one function, 2-3 calls), `parallel_multiple` (2-4 offered,
/// 2-3 calls of different functions) and `irrelevance` (nothing offered fits; the answer is `[]`).
/// Ids are `<category>_<n>`, so BFCL's rule (cut at the last `_`) gives the category back.
public struct FunctionWorld: Sendable {
    /// How many tasks of each category to make, as weights (normalised by their sum).
    public struct Mix: Sendable, Equatable {
        public var simple: Double
        public var multiple: Double
        public var parallel: Double
        public var parallelMultiple: Double
        public var irrelevance: Double
        /// Live-style tasks (`live_multiple`): one call among 6 to 20 offered functions, as
        /// BFCL's live categories offer many.
        public var liveMultiple: Double
        /// `simple_java` and `simple_javascript`: one function typed in the language's BFCL
        /// vocabulary, one call in its syntax (`WorldLanguage`).
        public var java: Double
        public var javascript: Double

        /// The default leans on the single-call categories the policy must master first.
        public static let standard = Mix(simple: 0.3, multiple: 0.25, parallel: 0.15, parallelMultiple: 0.15, irrelevance: 0.15)

        public init(simple: Double, multiple: Double, parallel: Double, parallelMultiple: Double, irrelevance: Double,
                    liveMultiple: Double = 0, java: Double = 0, javascript: Double = 0) {
            self.simple = simple
            self.multiple = multiple
            self.parallel = parallel
            self.parallelMultiple = parallelMultiple
            self.irrelevance = irrelevance
            self.liveMultiple = liveMultiple
            self.java = java
            self.javascript = javascript
        }

        var weights: [(TaskCategory, Double)] {
            [(.simplePython, simple), (.multiple, multiple), (.parallel, parallel),
             (.parallelMultiple, parallelMultiple), (.irrelevance, irrelevance), (.liveMultiple, liveMultiple),
             (.simpleJava, java), (.simpleJavascript, javascript)]
        }

        /// Exact counts for `total` tasks by largest remainder, so proportions hold to one task.
        public func counts(total: Int) -> [TaskCategory: Int] {
            let sum = weights.reduce(0) { $0 + max($1.1, 0) }
            precondition(sum > 0, "FunctionWorld.Mix: weights must not all be zero")
            let exact = weights.map { (category: $0.0, share: Double(total) * max($0.1, 0) / sum) }
            var counts = Dictionary(uniqueKeysWithValues: exact.map { ($0.category, Int($0.share)) })
            var left = total - counts.values.reduce(0, +)
            for e in exact.sorted(by: { ($0.share - $0.share.rounded(.down)) > ($1.share - $1.share.rounded(.down)) }) where left > 0 {
                counts[e.category, default: 0] += 1
                left -= 1
            }
            return counts
        }
    }

    /// One generated task: the BFCL task, its reference completion and the templates it used.
    public struct Generated: Sendable {
        public let task: FunctionTask
        /// `<think>…</think><answer>[…]</answer>`, the SFT target (without `<|eos|>`).
        public let completion: String
        /// Ids of the question templates used (`get_weather:t1`, `smalltalk:h2`).
        public let templateIDs: [String]
    }

    /// Which functions the tasks are made from.
    public enum Catalog: String, Sendable, CaseIterable {
        /// `FunctionWorldCatalog`: 44 hand-written functions in 11 domains (the demo's world).
        case handwritten
        /// `WorldEntityCatalog`: 1,139 functions generated from 160 record kinds in 40
        /// domains, for training a pretrained model on tasks it has not seen.
        case generated

        public var functions: [WorldFunction] {
            switch self {
            case .handwritten: FunctionWorldCatalog.functions
            case .generated: WorldEntityCatalog.functions
            }
        }

        /// Questions no function of the catalog answers.
        public func smallTalk(_ split: WorldSplit) -> [(text: String, topic: String)] {
            switch self {
            case .handwritten: FunctionWorldCatalog.smallTalk(split)
            case .generated: WorldEntityCatalog.smallTalk(split)
            }
        }
    }

    public var seed: UInt64
    public var split: WorldSplit
    public var mix: Mix
    public var catalog: Catalog

    public init(seed: UInt64 = 1, split: WorldSplit = .train, mix: Mix = .standard, catalog: Catalog = .handwritten) {
        self.seed = seed
        self.split = split
        self.mix = mix
        self.catalog = catalog
    }

    /// `count` tasks, the categories in shuffled order. The same seed, split, mix and count give
    /// the same tasks, byte for byte.
    public func generate(count: Int) -> [Generated] {
        var rng = SplitMix64(seed: seed)
        let counts = mix.counts(total: count)
        var order: [TaskCategory] = []
        for (category, _) in mix.weights { order += Array(repeating: category, count: counts[category] ?? 0) }
        order = rng.shuffled(order)
        var next: [TaskCategory: Int] = [:]
        var out: [Generated] = []
        out.reserveCapacity(count)
        for (i, category) in order.enumerated() {
            var taskRNG = rng.derived(UInt64(i))
            let n = next[category, default: 0]
            next[category] = n + 1
            out.append(makeTask(category, id: "\(category.rawValue)_\(n)", rng: &taskRNG))
        }
        return out
    }

    func makeTask(_ category: TaskCategory, id: String, rng: inout SplitMix64) -> Generated {
        let all = catalog.functions
        let writer = ReasoningWriter()
        switch category {
        case .multiple, .simplePython, .liveMultiple:
            let f = rng.pick(all)
            let call = draw(f, rng: &rng)
            var offered = [f]
            if category != .simplePython {
                let count = category == .multiple ? 1 + rng.below(3) : 5 + rng.below(15)
                offered += distractors(for: [f], count: count, rng: &rng)
                offered = rng.shuffled(offered)
            }
            let think = writer.single(call, offered: offered, rng: &rng)
            return assemble(id, category, question: call.question, offered: offered, calls: [call], think: think)
        case .parallel:
            let f = rng.pick(all)
            var calls: [WorldCallInstance] = []
            let n = 2 + rng.below(2)
            var attempts = 0
            while calls.count < n && attempts < 50 {
                attempts += 1
                let c = draw(f, rng: &rng)
                // Distinct first (required) arguments keep the requests apart for the reader.
                if !calls.contains(where: { $0.call.arguments.first == c.call.arguments.first }) { calls.append(c) }
            }
            let think = writer.parallel(calls, offered: [f], rng: &rng)
            return assemble(id, category, question: join(calls, rng: &rng), offered: [f], calls: calls, think: think)
        case .parallelMultiple:
            let n = 2 + rng.below(2)
            let chosen = rng.sample(all, n)
            let calls = chosen.map { draw($0, rng: &rng) }
            let offered = rng.shuffled(chosen + distractors(for: chosen, count: rng.below(5 - n), rng: &rng))
            let think = writer.parallel(calls, offered: offered, rng: &rng)
            return assemble(id, category, question: join(calls, rng: &rng), offered: offered, calls: calls, think: think)
        case .simpleJava, .simpleJavascript:
            return languageTask(category, id: id, rng: &rng)
        default:
            return irrelevance(id, rng: &rng)
        }
    }

    /// A `simple_java` or `simple_javascript` task (`WorldLanguage`): drawn again until every
    /// value can be written in the language and BFCL's checker accepts the written call.
    private func languageTask(_ category: TaskCategory, id: String, rng: inout SplitMix64) -> Generated {
        let candidates = catalog.functions.filter(WorldLanguage.supports)
        precondition(!candidates.isEmpty, "FunctionWorld: no function without dict parameters for \(category.rawValue)")
        for _ in 0..<100 {
            let f = rng.pick(candidates)
            let call = draw(f, rng: &rng)
            let typed = WorldLanguage(f, language: category.language, rng: &rng)
            guard let source = typed.source(call.call) else { continue }
            let task = FunctionTask(id: id, category: category, messages: [Message(role: "user", content: call.question)],
                                    functions: [typed.schema], groundTruth: [call.expected])
            guard ASTChecker().check(rawOutput: "[" + source + "]", task: task).valid else { continue }
            let think = ReasoningWriter().single(call, offered: [f], rng: &rng)
            return Generated(task: task, completion: PromptFormat.completion(think: think, answer: "[" + source + "]"),
                             templateIDs: [call.templateID])
        }
        preconditionFailure("FunctionWorld: no \(category.rawValue) task could be written in 100 draws")
    }

    private func irrelevance(_ id: String, rng: inout SplitMix64) -> Generated {
        let all = catalog.functions
        let n = 1 + rng.below(3)
        if rng.chance(0.3) {
            let talk = catalog.smallTalk(split)
            let k = rng.below(talk.count)
            let offered = rng.sample(all, n)
            let think = ReasoningWriter().none(want: talk[k].topic, offered: offered, rng: &rng)
            return assemble(id, .irrelevance, question: talk[k].text, offered: offered, calls: [], think: think,
                            templateIDs: ["smalltalk:" + (split == .train ? "t" : "h") + String(k)])
        }
        let asked = rng.pick(all)
        let call = draw(asked, rng: &rng)
        let unrelated = all.filter { !Self.related(asked.domain, $0.domain) }
        let offered = rng.sample(unrelated, n)
        let think = ReasoningWriter().none(want: "to " + asked.intent, offered: offered, rng: &rng)
        return assemble(id, .irrelevance, question: call.question, offered: offered, calls: [], think: think,
                        templateIDs: [call.templateID])
    }

    /// Offered functions that are not called: half the time the first one comes from the domain
    /// of a called function (weather next to forecast), so choosing takes reading, not just the domain.
    private func distractors(for called: [WorldFunction], count: Int, rng: inout SplitMix64) -> [WorldFunction] {
        var pool = catalog.functions.filter { f in !called.contains { $0.name == f.name } }
        var out: [WorldFunction] = []
        if count > 0, rng.chance(0.5) {
            let near = pool.filter { f in called.contains { $0.domain == f.domain } }
            if !near.isEmpty {
                let pick = rng.pick(near)
                out.append(pick)
                pool.removeAll { $0.name == pick.name }
            }
        }
        return out + rng.sample(pool, count - out.count)
    }

    /// Domains whose functions could plausibly serve each other's questions (booking a doctor is
    /// also a calendar event, tickets or dishes are also purchases, a team's result is also news,
    /// a length conversion would type-check as a currency conversion), so an irrelevance task
    /// never offers one for the other.
    static func related(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let pairs: Set<[String]> = [["calendar", "health"], ["shopping", "sports"], ["media", "sports"],
                                     ["food", "shopping"], ["finance", "math"]]
        return pairs.contains([a, b].sorted())
    }

    private func draw(_ f: WorldFunction, rng: inout SplitMix64) -> WorldCallInstance {
        WorldCallInstance.draw(f, template: rng.below(f.templates(split).count), split: split, rng: &rng)
    }

    /// Several requests in one message.
    private func join(_ calls: [WorldCallInstance], rng: inout SplitMix64) -> String {
        var text = calls[0].question
        for c in calls.dropFirst() {
            let glue = rng.pick([" ", " Also: ", " And: ", " Then: ", " Plus: "])
            text += glue + c.question
        }
        return text
    }

    private func assemble(_ id: String, _ category: TaskCategory, question: String, offered: [WorldFunction],
                          calls: [WorldCallInstance], think: String, templateIDs: [String]? = nil) -> Generated {
        let task = FunctionTask(id: id, category: category, messages: [Message(role: "user", content: question)],
                        functions: offered.map(\.schema),
                        groundTruth: category == .irrelevance ? nil : calls.map(\.expected))
        let answer = PythonRenderer.python(calls.map(\.call))
        return Generated(task: task, completion: PromptFormat.completion(think: think, answer: answer),
                         templateIDs: templateIDs ?? calls.map(\.templateID))
    }
}

extension WorldFunction {
    /// The function as a BFCL function doc.
    public var schema: FunctionSchema {
        FunctionSchema(name: name, description: description,
                       parameters: parameters.map { Property(name: $0.name, schema: $0.schema) },
                       required: parameters.filter(\.isRequired).map(\.name))
    }
}

extension WorldParameter {
    /// The parameter as a BFCL parameter schema.
    public var schema: ParameterSchema {
        var s = ParameterSchema(type: type.bfclName, description: description.isEmpty ? nil : description, defaultValue: defaultValue)
        switch type {
        case .enumeration(let options): s.enumValues = options.map(Value.string)
        case .array(let element): s.items = ParameterSchema(type: element.bfclName)
        case .dict(let fields):
            s.properties = fields.map { Property(name: $0.name, schema: $0.schema) }
            s.required = fields.map(\.name)
        default: break
        }
        return s
    }
}
