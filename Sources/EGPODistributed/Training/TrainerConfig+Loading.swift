import Foundation
import FunctionCalling
import Yams

extension TrainerConfig {
    /// One `--set key=value` override: `key` is a dotted path (`egpo.lambda`), `value` is read as
    /// JSON when it parses (numbers, true/false, quoted strings), else taken as a string.
    public struct Override: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }

        /// Parses `key=value`.
        public init(parsing text: String) throws(ConfigError) {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw .badOverride(text) }
            key = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
            value = String(text[text.index(after: eq)...])
        }
    }

    /// The defaults (or `base`), then the file (YAML or JSON, by extension; `.json` is JSON, anything else
    /// YAML, which also reads JSON), then the overrides in order; then `validate(worldSize:)`.
    /// Unknown keys and values of the wrong kind are refused naming the key and where it came from.
    /// - Parameter base: what the file and overrides apply to (a resumed run's config).
    public static func resolve(file: String?, overrides: [Override], base: TrainerConfig = TrainerConfig(), worldSize: Int = 1,
                               purpose: Purpose = .reinforcement) throws(ConfigError) -> TrainerConfig {
        var tree = try base.tree()
        if let file {
            let loaded = try loadTree(file)
            try merge(loaded, into: &tree, path: [], source: file)
        }
        for o in overrides {
            let path = o.key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !o.key.isEmpty else { throw .badOverride("\(o.key)=\(o.value)") }
            guard !path.contains("") else { throw .emptyKeyPart(key: o.key) }
            try set(path: path, to: parseOverrideValue(o.value), in: &tree, source: "--set \(o.key)")
        }
        // Name where a bad value came from: the command line (--set, or an option that sets the key), else the file if it
        // sets it, else the base (defaults, or the resumed run's config).
        func source(of key: String) -> String {
            if overrides.contains(where: { $0.key == key }) { return "command line" }
            if let file, let loaded = (try? loadTree(file)) as? [String: Any], lookup(key.split(separator: ".").map(String.init), in: loaded) != nil { return "config \(file)" }
            return base == TrainerConfig() ? "config (default)" : "config (the resumed checkpoint's)"
        }
        let config: TrainerConfig
        do {
            config = try decode(tree, source: file ?? "defaults")
        } catch .wrongKind(let key, let expected, let got, _) {
            throw .wrongKind(key: key, expected: expected, got: got, source: source(of: key))
        }
        do {
            try config.validate(worldSize: worldSize, purpose: purpose)
        } catch .outOfRange(let key, let value, let allowed) {
            throw .outOfRangeFrom(source: source(of: key), key: key, value: value, allowed: allowed)
        }
        return config
    }

    /// Reads a resolved config written by a run (`config.json`), without overrides.
    public static func read(json text: String, source: String) throws(ConfigError) -> TrainerConfig {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
            throw .syntax(file: source, message: "not valid JSON")
        }
        var tree = try TrainerConfig().tree()
        try merge(object, into: &tree, path: [], source: source)
        return try decode(tree, source: source)
    }

    /// The config as pretty, key-sorted JSON (what `config.json` holds).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types into JSON cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// Every setting as `key  value`, one per line in key order, `*` marking values that differ
    /// from the defaults.
    public func table() -> String {
        let mine = flatten((try? tree()) ?? [:]), defaults = flatten((try? TrainerConfig().tree()) ?? [:])
        let width = mine.keys.map(\.count).max() ?? 0
        return mine.keys.sorted().map { key in
            let value = mine[key]!
            let mark = defaults[key] == value ? " " : "*"
            return "\(mark) \(key.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)"
        }.joined(separator: "\n")
    }

    /// Keys whose values differ between `self` and `other`, as `key: old -> new` lines.
    public func changes(from other: TrainerConfig) -> [String] {
        let a = flatten((try? other.tree()) ?? [:]), b = flatten((try? tree()) ?? [:])
        return b.keys.sorted().compactMap { k in a[k] == b[k] ? nil : "\(k): \(a[k] ?? "-") -> \(b[k]!)" }
    }

    // MARK: - Trees

    /// Keys of the model file's config that follow from the others (head_dim = hidden / heads) or
    /// are fixed (silu, llama, no MLP bias): not settings of a run.
    static let derivedArchitectureKeys = ["head_dim", "hidden_act", "model_type", "mlp_bias"]

    func tree() throws(ConfigError) -> [String: Any] {
        do {
            let data = try JSONEncoder().encode(self)
            var tree = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            if var model = tree["model"] as? [String: Any], var architecture = model["architecture"] as? [String: Any] {
                for key in Self.derivedArchitectureKeys { architecture[key] = nil }
                model["architecture"] = architecture
                tree["model"] = model
            }
            return tree
        } catch {
            throw .syntax(file: "defaults", message: "\(error)")
        }
    }

    static func loadTree(_ file: String) throws(ConfigError) -> Any {
        let data: Data
        do { data = try InputFile.read(file, limit: ConfigTextLimits.bytes) } catch { throw .unreadable(file: file, reason: error.problem) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: file, reason: "cannot read it as UTF-8 text")
        }
        let object: Any?
        if file.hasSuffix(".json") {
            try ConfigTextLimits.check(json: text, file: file)
            do { object = try JSONSerialization.jsonObject(with: data) } catch {
                throw .syntax(file: file, message: "not valid JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error))")
            }
        } else {
            try ConfigTextLimits.check(yaml: text, file: file)
            let node: Node?
            do { node = try Yams.compose(yaml: text) } catch { throw .syntax(file: file, message: "\(error)") }
            if let node { try refuseDuplicateKeys(node, path: [], file: file) }
            object = node?.any
        }
        guard let object, object is [String: Any] else {
            throw .syntax(file: file, message: "expected a mapping of sections (run, data, model, rollout, egpo, optimizer, sft, eval) at the top")
        }
        return object
    }

    /// YAML keeps the last of two equal keys in a mapping without a word; a config that sets a
    /// key twice is more likely an edit gone wrong, so it is refused naming the key and lines.
    static func refuseDuplicateKeys(_ node: Node, path: [String], file: String) throws(ConfigError) {
        switch node {
        case let .mapping(mapping):
            var lines: [String: [Int]] = [:], order: [String] = []
            for (key, value) in mapping {
                guard let name = key.string, name != "<<" else { continue }
                if lines[name] == nil { order.append(name) }
                lines[name, default: []].append(key.mark?.line ?? 0)
                try refuseDuplicateKeys(value, path: path + [name], file: file)
            }
            if let twice = order.first(where: { lines[$0]!.count > 1 }) {
                throw .duplicateKey(file: file, key: (path + [twice]).joined(separator: "."), lines: lines[twice]!)
            }
        case let .sequence(sequence):
            for item in sequence { try refuseDuplicateKeys(item, path: path, file: file) }
        default:
            break
        }
    }

    static func merge(_ value: Any, into tree: inout [String: Any], path: [String], source: String) throws(ConfigError) {
        guard var object = value as? [String: Any] else {
            throw .wrongKind(key: path.joined(separator: "."), expected: "a mapping of settings", got: describe(value), source: source)
        }
        // A config written by a run (or copied from a model file) may carry the derived keys.
        if path.isEmpty, var model = object["model"] as? [String: Any], var architecture = model["architecture"] as? [String: Any] {
            for key in derivedArchitectureKeys { architecture[key] = nil }
            model["architecture"] = architecture
            object["model"] = model
        }
        for (key, child) in object {
            try set(path: path + [key], to: child, in: &tree, source: source)
        }
    }

    static func set(path: [String], to value: Any, in tree: inout [String: Any], source: String) throws(ConfigError) {
        func assign(_ node: inout [String: Any], _ rest: ArraySlice<String>, _ done: [String], _ value: Any) throws(ConfigError) {
            let key = rest.first!
            guard let existing = node[key] else {
                throw .unknownKey(key: (done + [key]).joined(separator: "."), source: source,
                                  known: node.keys.sorted().map { (done + [$0]).joined(separator: ".") })
            }
            if rest.count == 1 {
                if var section = existing as? [String: Any] {
                    // A whole section given at once: merge it key by key so its unknown keys are caught.
                    guard let given = value as? [String: Any] else {
                        throw .wrongKind(key: (done + [key]).joined(separator: "."), expected: "a section of settings",
                                         got: describe(value), source: source)
                    }
                    for k in given.keys { try assign(&section, [k][...], done + [key], given[k]!) }
                    node[key] = section
                } else {
                    let coerced = coerce(value, like: existing)
                    try checkNumber(coerced, key: (done + [key]).joined(separator: "."), source: source)
                    node[key] = coerced
                }
                return
            }
            guard var section = existing as? [String: Any] else {
                throw .unknownKey(key: (done + Array(rest)).joined(separator: "."), source: source,
                                  known: [(done + [key]).joined(separator: ".")])
            }
            try assign(&section, rest.dropFirst(), done + [key], value)
            node[key] = section
        }
        try assign(&tree, path[...], [], value)
    }

    /// YAML leaves `1e-6` a string and `--set run.runDir=5` parses as a number; follow the kind
    /// of the default so both mean what they say. Anything else is left for the decoder to judge.
    static func coerce(_ value: Any, like existing: Any) -> Any {
        if existing is String, !(value is String), !(value is [Any]), !(value is [String: Any]) { return "\(value)" }
        if existing is NSNumber, let text = value as? String, let number = Double(text) { return number }
        return value
    }

    /// Refuses a number the JSON decoder would reject without naming the key: NaN or infinite
    /// (YAML's `.nan`, `--set KEY=inf`), for an integer setting a fraction or a value beyond 64
    /// bits (`99999999999999999999999`, `1e100`), for a Float setting one beyond Float's range.
    static func checkNumber(_ value: Any, key: String, source: String) throws(ConfigError) {
        guard let number = value as? NSNumber, !(value is Bool) else { return }
        let x = number.doubleValue, kind = numberKinds[key]
        if !x.isFinite {
            throw .wrongKind(key: key, expected: kind == .integer ? "an integer" : "a finite number", got: "\(x)", source: source)
        }
        switch kind {
        case .integer:
            if Int(number.stringValue) != nil { return }   // an exact integer, Int.max included
            if x != x.rounded() { throw .wrongKind(key: key, expected: "an integer", got: "the non-integer number \(number)", source: source) }
            if !(-0x1p63 ..< 0x1p63).contains(x) {
                throw .wrongKind(key: key, expected: "an integer from \(Int.min) to \(Int.max)", got: "\(number)", source: source)
            }
        case .float:
            if abs(x) > Double(Float.greatestFiniteMagnitude) {
                throw .wrongKind(key: key, expected: "a number of magnitude at most \(Float.greatestFiniteMagnitude) (32-bit float)", got: "\(number)", source: source)
            }
        case nil:
            break
        }
    }

    /// Numeric settings the decoder reads narrower than a Double.
    enum NumberKind { case integer, float }

    /// The kind of every numeric setting, by dotted key, found by decoding the defaults with
    /// that one value changed: an integer refuses its default plus 0.5, a Float refuses 1e300.
    static let numberKinds: [String: NumberKind] = {
        guard let defaults = try? TrainerConfig().tree() else { return [:] }
        func leaves(_ node: [String: Any], _ prefix: [String]) -> [[String]] {
            node.keys.sorted().flatMap { key -> [[String]] in
                if let child = node[key] as? [String: Any] { return leaves(child, prefix + [key]) }
                return node[key] as? NSNumber != nil ? [prefix + [key]] : []
            }
        }
        func decodes(_ path: [String], as value: Double) -> Bool {
            func put(_ node: inout [String: Any], _ rest: ArraySlice<String>) {
                guard rest.count > 1 else { node[rest.first!] = value; return }
                var child = node[rest.first!] as! [String: Any]
                put(&child, rest.dropFirst())
                node[rest.first!] = child
            }
            var probe = defaults
            put(&probe, path[...])
            guard let data = try? JSONSerialization.data(withJSONObject: probe) else { return false }
            return (try? JSONDecoder().decode(TrainerConfig.self, from: data)) != nil
        }
        var kinds: [String: NumberKind] = [:]
        for path in leaves(defaults, []) {
            let key = path.joined(separator: ".")
            let own = (lookup(path, in: defaults) as! NSNumber).doubleValue
            guard decodes(path, as: own) else { continue }   // a Bool
            if !decodes(path, as: own + 0.5) { kinds[key] = .integer } else if !decodes(path, as: 1e300) { kinds[key] = .float }
        }
        return kinds
    }()

    static func parseOverrideValue(_ text: String) -> Any {
        if let v = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) { return v }
        // A list of plain words as YAML's flow style writes it: `[q_proj, v_proj]`.
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
            let inner = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            return inner.isEmpty ? [String]() : inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return text
    }

    static func decode(_ tree: [String: Any], source: String) throws(ConfigError) -> TrainerConfig {
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: tree) } catch { throw .syntax(file: source, message: "\(error)") }
        do {
            return try JSONDecoder().decode(TrainerConfig.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
               let (path, value) = nonIntegerWhereIntegerExpected(tree) {
                // Foundation on Linux reports a fraction for an Int as invalid JSON with no key.
                throw .wrongKind(key: path.joined(separator: "."), expected: "an integer", got: "the non-integer number \(value)", source: source)
            }
            throw ConfigError(decoding: error, tree: tree, source: source)
        } catch {
            throw .syntax(file: source, message: "\(error)")
        }
    }

    /// The first leaf holding a fractional number that makes decoding fail when put alone into
    /// the defaults (that is, a field of integer type).
    static func nonIntegerWhereIntegerExpected(_ tree: [String: Any]) -> ([String], Double)? {
        guard let defaults = try? TrainerConfig().tree() else { return nil }
        func leaves(_ node: [String: Any], _ prefix: [String]) -> [([String], Double)] {
            node.keys.sorted().flatMap { key -> [([String], Double)] in
                if let child = node[key] as? [String: Any] { return leaves(child, prefix + [key]) }
                if let n = node[key] as? NSNumber, !(node[key] is Bool), n.doubleValue != n.doubleValue.rounded() { return [(prefix + [key], n.doubleValue)] }
                return []
            }
        }
        for (path, value) in leaves(tree, []) {
            var probe = defaults
            do { try set(path: path, to: value, in: &probe, source: "") } catch { continue }
            guard let data = try? JSONSerialization.data(withJSONObject: probe) else { continue }
            if (try? JSONDecoder().decode(TrainerConfig.self, from: data)) == nil { return (path, value) }
        }
        return nil
    }

    static func describe(_ value: Any) -> String {
        if let s = value as? String { return s.debugDescription }
        if value is [String: Any] { return "a mapping" }
        if value is [Any] { return "a list" }
        if value is NSNull { return "null" }
        return "\(value)"
    }

    static func lookup(_ path: [String], in tree: [String: Any]) -> Any? {
        var node: Any = tree
        for key in path {
            guard let dict = node as? [String: Any], let next = dict[key] else { return nil }
            node = next
        }
        return node
    }

    func flatten(_ tree: [String: Any], prefix: String = "") -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in tree {
            let key = prefix.isEmpty ? k : "\(prefix).\(k)"
            if let section = v as? [String: Any] {
                out.merge(flatten(section, prefix: key)) { a, _ in a }
            } else {
                out[key] = v is String ? (v as! String).debugDescription : "\(v)"
            }
        }
        return out
    }
}
