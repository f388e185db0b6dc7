/// Where a value of a call comes from in the question: the parameter (`window.start` for a dict
/// key), the value, and the words of the question that show it ("in Paris", "with breakfast").
struct WorldMention: Sendable {
    let parameter: String
    let value: Value
    let surface: String
}

/// One call drawn from a template: the question text, the reference call, the ground truth, and
/// what the reasoning needs to explain it.
struct WorldCallInstance: Sendable {
    let function: WorldFunction
    /// `name:t0` for training template 0, `name:h0` for held-out template 0.
    let templateID: String
    let question: String
    let call: FunctionCall
    let expected: ExpectedCall
    /// Stated values, in schema order.
    let mentions: [WorldMention]
    /// Optional parameters the question does not state (left out of the call).
    let defaulted: [WorldParameter]

    /// Fills a template of `function` with values of `split`, keeping each optional segment with
    /// probability one half.
    static func draw(_ function: WorldFunction, template index: Int, split: WorldSplit, rng: inout SplitMix64) -> WorldCallInstance {
        let source = function.templates(split)[index]
        let template = WorldTemplate(source)
        var keep: [Bool] = []
        for case .optional(_) in template.pieces { keep.append(rng.chance(0.5)) }

        // Choose every stated value first, so values that share a pool (origin and destination,
        // a window's start and end) can be kept distinct.
        var stated: Set<String> = template.alwaysMentioned
        var k = 0
        for case .optional(let inner) in template.pieces {
            if keep[k] { for case .slot(let s) in inner { stated.insert(s.parameterName) } }
            k += 1
        }
        var chooser = ValueChooser(split: split)
        var values: [String: Value] = [:]
        for p in function.parameters where stated.contains(p.name) {
            values[p.name] = chooser.value(for: p, rng: &rng)
        }

        // Render the question and record where each value shows.
        var text = ""
        var surfaces: [String: String] = [:]
        func render(_ piece: WorldTemplate.Piece) {
            switch piece {
            case .text(let t): text += t
            case .slot(let slot):
                let before = lastWord(of: text)
                let shown: String
                let key: String
                switch slot {
                case .value(let p):
                    shown = phrase(values[p]!)
                    key = p
                case .dictKey(let p, let field):
                    shown = phrase(values[p]![field]!)
                    key = p + "." + field
                case .boolean(let p, let yes, let no):
                    shown = values[p] == .bool(true) ? yes : no
                    key = p
                }
                text += shown
                let trimmed = shown.trimmingPunctuationAndSpaces()
                surfaces[key] = before.isEmpty || shown.first == "," || shown.first == " " ? trimmed : before + " " + trimmed
            case .optional: break
            }
        }
        k = 0
        for piece in template.pieces {
            if case .optional(let inner) = piece {
                if keep[k] { inner.forEach(render) }
                k += 1
            } else {
                render(piece)
            }
        }

        var arguments: [FunctionCall.Argument] = []
        var expected: [ExpectedCall.Parameter] = []
        var mentions: [WorldMention] = []
        var defaulted: [WorldParameter] = []
        for p in function.parameters {
            if let v = values[p.name] {
                arguments.append(FunctionCall.Argument(name: p.name, value: v))
                expected.append(ExpectedCall.Parameter(name: p.name, alternatives: alternatives(for: v, parameter: p)))
                if case .dict(let fields) = p.type {
                    for f in fields {
                        let key = p.name + "." + f.name
                        mentions.append(WorldMention(parameter: key, value: v[f.name]!, surface: surfaces[key] ?? ""))
                    }
                } else {
                    mentions.append(WorldMention(parameter: p.name, value: v, surface: surfaces[p.name] ?? ""))
                }
            } else {
                precondition(!p.isRequired, "template \"\(source)\" of \(function.name) never states required \(p.name)")
                // BFCL's convention: an optional parameter the question leaves open accepts its
                // default or omission (`""`).
                expected.append(ExpectedCall.Parameter(name: p.name, alternatives: [p.defaultValue!, .string("")]))
                defaulted.append(p)
            }
        }
        let id = function.name + (split == .train ? ":t" : ":h") + String(index)
        return WorldCallInstance(function: function, templateID: id, question: text,
                                 call: FunctionCall(name: function.name, arguments: arguments),
                                 expected: ExpectedCall(functionName: function.name, parameters: expected),
                                 mentions: mentions, defaulted: defaulted)
    }

    /// A stated value's alternatives: the value, plus omission when it equals the default.
    private static func alternatives(for value: Value, parameter p: WorldParameter) -> [Value] {
        if case .dict(let entries) = value {
            // A dict parameter's alternative is a dict spec: key → accepted values.
            return [.dict(entries.map { Value.Entry($0.key, .list([$0.value])) })]
        }
        if let d = p.defaultValue, d.pythonEquals(value) { return [value, .string("")] }
        return [value]
    }

    /// How a value reads in a question: text as is, numbers as Python prints them, lists as
    /// "a, b and c".
    static func phrase(_ value: Value) -> String {
        guard case .list(let items) = value else { return ValuePool.leafText(value) }
        let words = items.map(ValuePool.leafText)
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " and " + words.last!
    }

    private static func lastWord(of text: String) -> String {
        guard text.last == " " else { return "" }
        let word = text.dropLast().reversed().prefix { $0.isLetter }
        return String(word.reversed())
    }
}

/// Draws parameter values from the pools of one split, never repeating a value within a call
/// among parameters of the same pool or enum.
struct ValueChooser {
    let split: WorldSplit
    private var used: Set<Value> = []

    init(split: WorldSplit) {
        self.split = split
    }

    mutating func value(for p: WorldParameter, rng: inout SplitMix64) -> Value {
        switch p.type {
        case .boolean:
            return .bool(rng.chance(0.5))
        case .enumeration(let options):
            return fresh(options.map(Value.string), rng: &rng)
        case .array:
            let unused = p.pool!.values(split).filter { !used.contains($0) }
            let items = rng.sample(unused, 2 + rng.below(2))
            used.formUnion(items)
            return .list(items)
        case .dict(let fields):
            return .object(fields.map { ($0.name, value(for: $0, rng: &rng)) })
        case .integer, .float, .string:
            return fresh(p.pool!.values(split), rng: &rng)
        }
    }

    private mutating func fresh(_ options: [Value], rng: inout SplitMix64) -> Value {
        precondition(!options.isEmpty, "ValueChooser: empty pool for split \(split)")
        let unused = options.filter { !used.contains($0) }
        let v = rng.pick(unused.isEmpty ? options : unused)
        used.insert(v)
        return v
    }
}

extension String {
    /// The text without leading or trailing spaces, commas, colons and semicolons.
    func trimmingPunctuationAndSpaces() -> String {
        let drop: Set<Character> = [" ", ",", ";", ":"]
        var s = Substring(self)
        while let f = s.first, drop.contains(f) { s = s.dropFirst() }
        while let l = s.last, drop.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
