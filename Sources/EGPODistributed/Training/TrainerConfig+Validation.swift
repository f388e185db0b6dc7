import Foundation
import FunctionCalling

extension TrainerConfig {
    /// What the config will drive; some settings only matter (or are only refused) for one.
    public enum Purpose: Sendable {
        case reinforcement, supervised
    }

    /// Checks every value against its allowed range and the batch against the world size;
    /// throws the first problem, naming the key, the value and what is allowed.
    public func validate(worldSize: Int, purpose: Purpose) throws(ConfigError) {
        func need(_ ok: Bool, _ key: String, _ value: Any, _ allowed: String) throws(ConfigError) {
            if !ok { throw .outOfRange(key: key, value: "\(value)", allowed: allowed) }
        }
        let bigCount = 10_000_000
        try need(run.seed >= 0, "run.seed", run.seed, ">= 0")
        try need((0...bigCount).contains(run.steps), "run.steps", run.steps, "0 to \(bigCount)")
        try need(run.saveEvery >= 0, "run.saveEvery", run.saveEvery, ">= 0 (0: final checkpoint only)")
        try need(run.keepCheckpoints >= 0, "run.keepCheckpoints", run.keepCheckpoints, ">= 0 (0: keep all)")
        try need(run.logEvery >= 1, "run.logEvery", run.logEvery, ">= 1")
        try need((1...bigCount).contains(run.maxNonFiniteSteps), "run.maxNonFiniteSteps", run.maxNonFiniteSteps, "1 to \(bigCount)")
        try need((1...1_000_000).contains(data.trainTasks), "data.trainTasks", data.trainTasks, "1 to 1000000")
        // data.train, data.heldOut and data.heldOutSplit are enums: a bad one was refused when the config was read.
        try need(data.trainSeed >= 0, "data.trainSeed", data.trainSeed, ">= 0")
        try need(data.heldOutSeed >= 0, "data.heldOutSeed", data.heldOutSeed, ">= 0")
        do { try model.architecture.validate() } catch { throw .model(error) }
        try need((268...65_536).contains(model.tokenizerVocabulary), "model.tokenizerVocabulary", model.tokenizerVocabulary,
                 "268 (256 bytes + 12 special tokens) to 65536")
        try need(model.tokenizerVocabulary <= model.architecture.vocabularySize, "model.tokenizerVocabulary", model.tokenizerVocabulary,
                 "at most model.architecture.vocab_size = \(model.architecture.vocabularySize)")

        try need((0...10_000_000).contains(model.headChunk), "model.headChunk", model.headChunk, "0 (the whole vocabulary at once) to 10000000")
        try need(model.promptStyle == .template || model.chatTemplate != .compact, "model.promptStyle", model.promptStyle.rawValue,
                 "template with model.chatTemplate compact (bfcl-think renders BFCL's prompt in a model family's template: set model.chatTemplate)")
        let lora = model.lora
        try need((0...4096).contains(lora.rank), "model.lora.rank", lora.rank, "0 (no adapters: every weight trained) to 4096")
        if lora.isEnabled {
            try need(lora.alpha.isFinite && lora.alpha > 0, "model.lora.alpha", lora.alpha, "a positive number (the update is scaled by alpha / rank)")
            try need(lora.dropout == 0, "model.lora.dropout", lora.dropout, "0 (adapter dropout is not implemented)")
            try need(!lora.targets.isEmpty && Set(lora.targets).count == lora.targets.count, "model.lora.targets", lora.targets.map(\.rawValue),
                     "one or more of \(LoRATarget.allCases.map(\.rawValue).joined(separator: ", ")), each once")
            try need(!lora.trainableTokens.contains("") && Set(lora.trainableTokens).count == lora.trainableTokens.count,
                     "model.lora.trainableTokens", lora.trainableTokens, "token texts such as <think>, each once and none empty")
            try need(lora.trainableTokenRateScale.isFinite && lora.trainableTokenRateScale > 0 && lora.trainableTokenRateScale <= 10_000,
                     "model.lora.trainableTokenRateScale", lora.trainableTokenRateScale, "a factor in (0, 10000] on the learning rate of the token rows")
        } else {
            try need(lora.trainableTokens.isEmpty, "model.lora.trainableTokens", lora.trainableTokens,
                     "empty when model.lora.rank is 0 (every weight, the embedding included, is trained then)")
        }

        try need((1...100_000).contains(rollout.prompts), "rollout.prompts", rollout.prompts, "1 to 100000")
        try need((1...1024).contains(rollout.groupSize), "rollout.groupSize", rollout.groupSize, "1 to 1024")
        try need(rollout.temperature > 0 && rollout.temperature <= 10, "rollout.temperature", rollout.temperature, "(0, 10]")
        try need(rollout.maxCompletionTokens >= 1 && rollout.maxCompletionTokens < model.architecture.maxPositionEmbeddings,
                 "rollout.maxCompletionTokens", rollout.maxCompletionTokens,
                 "1 to max_position_embeddings - 1 = \(model.architecture.maxPositionEmbeddings - 1)")
        try need(rollout.microBatch >= 1, "rollout.microBatch", rollout.microBatch, ">= 1")
        if purpose == .reinforcement {
            try need(rollout.topK == 0, "rollout.topK", rollout.topK,
                     "0 in RL: top-k renormalises the sampler's log-probs, which then are not the policy's and would bias the PPO ratio")
            try need(rollout.topP == 1, "rollout.topP", rollout.topP,
                     "1 in RL: top-p renormalises the sampler's log-probs, which then are not the policy's and would bias the PPO ratio")
        }

        try need(egpo.lambda >= 0 && egpo.lambda.isFinite, "egpo.lambda", egpo.lambda, ">= 0 (0: GRPO)")
        try need(egpo.alpha > 1 && egpo.alpha.isFinite, "egpo.alpha", egpo.alpha, "> 1 (so the capped bonus never flips the advantage's sign)")
        if egpo.bonusPlacement == .outside {
            try need(egpo.lambda < egpo.alpha, "egpo.lambda", egpo.lambda,
                     "below egpo.alpha = \(egpo.alpha) with bonusPlacement outside (the bonus lambda * |A| / alpha must stay below |A|)")
        }
        try need(egpo.epsLow >= 0 && egpo.epsLow < 1, "egpo.epsLow", egpo.epsLow, "[0, 1)")
        try need(egpo.epsHigh >= 0 && egpo.epsHigh.isFinite, "egpo.epsHigh", egpo.epsHigh, ">= 0")
        try need(egpo.beta >= 0 && egpo.beta.isFinite, "egpo.beta", egpo.beta, ">= 0 (0: no reference model)")
        try need((1...64).contains(egpo.mu), "egpo.mu", egpo.mu, "1 to 64")

        try validate(optimizer, prefix: "optimizer")
        try validate(sft.optimizer, prefix: "sft.optimizer")
        try need((0...bigCount).contains(sft.steps), "sft.steps", sft.steps, "0 to \(bigCount)")
        try need((1...100_000).contains(sft.batchSize), "sft.batchSize", sft.batchSize, "1 to 100000")

        try need((0...100_000).contains(eval.tasks), "eval.tasks", eval.tasks, "0 to 100000")
        try need(eval.maxNewTokens >= 1 && eval.maxNewTokens < model.architecture.maxPositionEmbeddings, "eval.maxNewTokens",
                 eval.maxNewTokens, "1 to max_position_embeddings - 1 = \(model.architecture.maxPositionEmbeddings - 1)")
        try need(eval.every >= 0, "eval.every", eval.every, ">= 0 (0: before and after only)")
        try need(eval.subset >= 1, "eval.subset", eval.subset, ">= 1")

        guard worldSize >= 1 else { throw .outOfRange(key: "world size", value: "\(worldSize)", allowed: ">= 1") }
        switch purpose {
        case .reinforcement:
            let completions = rollout.prompts * rollout.groupSize
            if completions % worldSize != 0 {
                throw .notDivisible(what: "rollout.prompts x rollout.groupSize = \(rollout.prompts) x \(rollout.groupSize) = \(completions) completions",
                                    worldSize: worldSize,
                                    hint: "each rank samples and trains an equal share; make the product a multiple of \(worldSize) (a group may span ranks)")
            }
        case .supervised:
            if sft.batchSize % worldSize != 0 {
                throw .notDivisible(what: "sft.batchSize = \(sft.batchSize) sequences", worldSize: worldSize,
                                    hint: "each rank trains an equal share; use a multiple of \(worldSize)")
            }
        }
    }

    private func validate(_ o: Optimizer, prefix p: String) throws(ConfigError) {
        func need(_ ok: Bool, _ key: String, _ value: Any, _ allowed: String) throws(ConfigError) {
            if !ok { throw .outOfRange(key: "\(p).\(key)", value: "\(value)", allowed: allowed) }
        }
        try need(o.learningRate > 0 && o.learningRate <= 1, "learningRate", o.learningRate, "(0, 1]")
        try need(o.warmupSteps >= 0, "warmupSteps", o.warmupSteps, ">= 0")
        try need(o.minLearningRateRatio >= 0 && o.minLearningRateRatio <= 1, "minLearningRateRatio", o.minLearningRateRatio, "[0, 1]")
        try need(o.beta1 >= 0 && o.beta1 < 1, "beta1", o.beta1, "[0, 1)")
        try need(o.beta2 >= 0 && o.beta2 < 1, "beta2", o.beta2, "[0, 1)")
        try need(o.eps > 0 && o.eps.isFinite, "eps", o.eps, "> 0")
        try need(o.weightDecay >= 0 && o.weightDecay < 1, "weightDecay", o.weightDecay, "[0, 1)")
        try need(o.maxGradNorm >= 0 && o.maxGradNorm.isFinite, "maxGradNorm", o.maxGradNorm, ">= 0 (0: no clipping)")
    }
}

/// A run configuration that cannot be used, naming the file or flag, the key and the value.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case syntax(file: String, message: String)
    case badOverride(String)
    case unknownKey(key: String, source: String, known: [String])
    case wrongKind(key: String, expected: String, got: String, source: String)
    case outOfRange(key: String, value: String, allowed: String)
    /// A value out of range, and where it came from (the file, `--set KEY`, or the resumed checkpoint).
    case outOfRangeFrom(source: String, key: String, value: String, allowed: String)
    case notDivisible(what: String, worldSize: Int, hint: String)
    case model(ModelConfigError)
    /// YAML that may nest deeper than `limit` levels (`ConfigTextLimits`), found at `line`.
    case tooDeep(file: String, line: Int, limit: Int)
    /// YAML with more than `limit` aliases, the one past the limit at `line`.
    case tooManyAliases(file: String, line: Int, limit: Int)
    /// A mapping that sets `key` more than once, at `lines`.
    case duplicateKey(file: String, key: String, lines: [Int])
    /// JSON with a comma at `line` right before `closer`.
    case trailingComma(file: String, line: Int, closer: String)
    /// A `--set` key with an empty part (`sft..steps`).
    case emptyKeyPart(key: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "config \(file): \(reason)"
        case let .syntax(file, message): return "config \(file): \(message)"
        case let .badOverride(text): return "--set \(text.debugDescription): expected key=value, e.g. --set egpo.lambda=0"
        case let .unknownKey(key, source, known):
            let close = known.filter { editDistance($0.lowercased(), key.lowercased()) <= 3 }
            let hint = close.isEmpty ? "known keys here: \(known.joined(separator: ", "))" : "did you mean \(close.joined(separator: " or "))?"
            return "\(source): unknown config key \(key); \(hint)"
        case let .wrongKind(key, expected, got, source): return "\(source): \(key) must be \(expected), got \(got)"
        case let .outOfRange(key, value, allowed): return "config: \(key) = \(value) is out of range; allowed: \(allowed)"
        case let .outOfRangeFrom(source, key, value, allowed): return "\(source): \(key) = \(value) is out of range; allowed: \(allowed)"
        case let .notDivisible(what, worldSize, hint): return "config: \(what) do not split over \(worldSize) ranks: \(hint)"
        case let .model(e): return "config model.architecture: \(e)"
        case let .tooDeep(file, line, limit):
            return "config \(file): line \(line) nests deeper than \(limit) levels of mappings and lists (expected a config a few levels deep)"
        case let .tooManyAliases(file, line, limit):
            return "config \(file): line \(line): more than \(limit) YAML aliases (*name) (expected at most \(limit); each one is expanded into a copy)"
        case let .duplicateKey(file, key, lines):
            return "config \(file): \(key) is set \(lines.count) times (lines \(lines.map(String.init).joined(separator: ", "))); expected each key once"
        case let .trailingComma(file, line, closer):
            return "config \(file): line \(line): a comma right before \(closer) (JSON allows no trailing comma; expected another entry after it or no comma)"
        case let .emptyKeyPart(key):
            return "--set \(key): the key has an empty part between dots (expected names joined by single dots, e.g. sft.steps)"
        }
    }

    /// Turns a JSON decoding failure into the key and the kind that was expected.
    init(decoding error: DecodingError, tree: [String: Any], source: String) {
        func keyPath(_ path: [CodingKey]) -> [String] { path.filter { $0.intValue == nil }.map(\.stringValue) }
        func got(_ path: [String]) -> String {
            TrainerConfig.lookup(path, in: tree).map { value -> String in
                if let n = value as? NSNumber, !(value is Bool) {
                    return n.doubleValue == n.doubleValue.rounded() ? "the number \(n)" : "the non-integer number \(n)"
                }
                return TrainerConfig.describe(value)
            } ?? "nothing"
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
            case is Float.Type, is Double.Type: "a number"
            case is Bool.Type: "true or false"
            case is String.Type: "a string"
            default: "\(type)"
            }
        }
        switch error {
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let path = keyPath(context.codingPath)
            self = .wrongKind(key: path.joined(separator: "."), expected: kind(type), got: got(path), source: source)
        case let .dataCorrupted(context):
            let path = keyPath(context.codingPath)
            let text = context.debugDescription
            if let invalid = context.underlyingError as? InvalidConfigValue {
                self = .wrongKind(key: path.joined(separator: "."), expected: invalid.expected, got: invalid.value, source: source)
            } else if text.contains("does not fit in Int") {
                self = .wrongKind(key: path.joined(separator: "."), expected: "an integer", got: got(path), source: source)
            } else {
                self = .wrongKind(key: path.joined(separator: "."), expected: "one of the allowed values", got: text, source: source)
            }
        case let .keyNotFound(key, context):
            self = .wrongKind(key: (keyPath(context.codingPath) + [key.stringValue]).joined(separator: "."), expected: "a value",
                              got: "nothing", source: source)
        @unknown default:
            self = .syntax(file: source, message: "\(error)")
        }
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var previous = row[0]
        row[0] = i
        for j in 1...b.count {
            let old = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
            previous = old
        }
    }
    return row[b.count]
}
