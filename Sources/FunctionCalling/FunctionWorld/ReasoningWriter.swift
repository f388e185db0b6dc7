/// Writes the think block of a reference completion. Its content follows the task (which
/// function fits and why, where each value comes from, which optional parameters keep their
/// defaults, or why nothing fits) and its wording is drawn from several phrasings, so that the
/// reference completions carry entropy: with one fixed template EGPO's entropy term would have
/// nothing to work with and it would reduce to GRPO.
struct ReasoningWriter {
    /// One call (simple and multiple tasks).
    func single(_ c: WorldCallInstance, offered: [WorldFunction], rng: inout SplitMix64) -> String {
        var parts = [choice(c.function, offered: offered, rng: &rng)]
        parts.append(values(c.mentions, rng: &rng))
        if let d = defaults(c.defaulted, rng: &rng) { parts.append(d) }
        return parts.joined(separator: " ")
    }

    /// Several calls (parallel and parallel_multiple tasks).
    func parallel(_ calls: [WorldCallInstance], offered: [WorldFunction], rng: inout SplitMix64) -> String {
        let names = calls.map(\.function.name)
        let distinct = names.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var parts: [String] = []
        if distinct.count == 1 {
            parts.append(rng.pick([
                "\(calls.count) requests, all for \(names[0]): one call each.",
                "The user asks \(calls.count) times to \(calls[0].function.intent), so \(calls.count) calls to \(names[0]).",
                "\(calls.count) separate \(names[0]) calls are needed.",
            ]))
        } else {
            let list = calls.map { "\($0.function.intent) (\($0.function.name))" }
            parts.append(rng.pick([
                "\(calls.count) tasks: " + list.joined(separator: ", then ") + ".",
                "The message has \(calls.count) parts: " + list.joined(separator: "; ") + ".",
                "I need \(calls.count) calls: " + list.joined(separator: " and ") + ".",
            ]))
        }
        for (i, c) in calls.enumerated() {
            let head = rng.pick(["Call \(i + 1):", "\(ordinal(i)) \(c.function.name):", "For \(c.function.name) #\(i + 1),"])
            var line = head + " " + values(c.mentions, rng: &rng)
            if let d = defaults(c.defaulted, rng: &rng) { line += " " + d }
            parts.append(line)
        }
        return parts.joined(separator: " ")
    }

    /// No offered function fits; `want` is what the user asks for ("to book a hotel", "a joke").
    func none(want: String, offered: [WorldFunction], rng: inout SplitMix64) -> String {
        let names = offered.map(\.name).joined(separator: ", ")
        var parts = [rng.pick([
            "The user wants \(want).",
            "Wanted here: \(want).",
            "The message wants \(want).",
        ])]
        if rng.chance(0.5), let f = offered.first {
            parts.append(rng.pick([
                "\(f.name) can only \(f.intent).",
                "\(f.name) would \(f.intent); that is something else.",
                "\(f.name) is for when you \(f.intent), not this.",
            ]))
        }
        if offered.count == 1 {
            parts.append(rng.pick([
                "\(names) is the only function and it does not do that, so no call.",
                "Only \(names) is offered; it cannot help. Answer with an empty list.",
                "\(names) does not fit. No call.",
                "No offered function matches, so the answer is [].",
            ]))
        } else {
            parts.append(rng.pick([
                "None of \(names) does that, so no call.",
                "The offered functions (\(names)) cannot help; answer with an empty list.",
                "Nothing among \(names) fits. No call.",
                "No offered function matches, so the answer is [].",
            ]))
        }
        return parts.joined(separator: " ")
    }

    private func choice(_ f: WorldFunction, offered: [WorldFunction], rng: inout SplitMix64) -> String {
        var s = rng.pick([
            "The user wants to \(f.intent); \(f.name) does that.",
            "Goal: \(f.intent). \(f.name) fits.",
            "\(f.name) matches: the request is to \(f.intent).",
            "To \(f.intent) I call \(f.name).",
            "This is a request to \(f.intent), so \(f.name).",
        ])
        let others = offered.filter { $0.name != f.name }
        if let other = others.isEmpty ? nil : rng.pick(others), rng.chance(0.6) {
            s += " " + rng.pick([
                "\(other.name) would \(other.intent), which is not asked.",
                "Not \(other.name): it is for when you \(other.intent).",
                "\(other.name) does not fit (it is to \(other.intent)).",
            ])
        }
        return s
    }

    private func values(_ mentions: [WorldMention], rng: inout SplitMix64) -> String {
        let style = rng.below(3)
        let items = mentions.map { m -> String in
            let lit = PythonRenderer.literal(m.value)
            let quote = "\"" + m.surface + "\""
            switch style {
            case 0: return rng.pick(["\(m.parameter)=\(lit) from \(quote)", "\(quote) gives \(m.parameter)=\(lit)"])
            case 1: return rng.pick(["\(m.parameter) is \(lit) (\(quote))", "\(quote) -> \(m.parameter)=\(lit)"])
            default: return rng.pick(["\(quote) sets \(m.parameter)=\(lit)", "\(m.parameter)=\(lit), as \(quote) says"])
            }
        }
        return items.joined(separator: rng.pick(["; ", ", "])) + "."
    }

    private func defaults(_ params: [WorldParameter], rng: inout SplitMix64) -> String? {
        guard !params.isEmpty else { return nil }
        let names = params.map(\.name)
        if params.count == 1, let d = params[0].defaultValue {
            let lit = PythonRenderer.literal(d)
            return rng.pick([
                "\(names[0]) is not mentioned, so it keeps its default \(lit).",
                "No \(names[0]) given: leave it at \(lit).",
                "\(names[0]) stays at the default.",
                "Nothing about \(names[0]), so I omit it.",
            ])
        }
        let list = names.joined(separator: " and ")
        return rng.pick([
            "\(list) are not stated, so they keep their defaults.",
            "Not mentioned: \(list); defaults apply.",
            "I leave out \(list) (defaults).",
        ])
    }

    private func ordinal(_ i: Int) -> String {
        ["First", "Second", "Third", "Fourth"][min(i, 3)]
    }
}
