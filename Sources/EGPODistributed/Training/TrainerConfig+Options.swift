import FunctionCalling

/// A config value of the right kind (a string, an integer) that is not one of the accepted
/// values: carried as a decoding error's underlying error, so that `ConfigError` names the key,
/// the value and what was expected.
struct InvalidConfigValue: Error {
    /// The value as written (a string quoted).
    var value: String
    /// What would have been accepted, e.g. "one of train, heldout".
    var expected: String
}

/// A config value that is one of a fixed set of names; a wrong name is refused listing the others.
public protocol ConfigChoice: RawRepresentable<String>, CaseIterable, Codable, Sendable, Equatable {}

extension ConfigChoice {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let expected = "one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))"
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "\(text.debugDescription) is not \(expected)",
                underlyingError: InvalidConfigValue(value: text.debugDescription, expected: expected)))
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// `model.chatTemplate`: a wrong name is refused listing compact, qwen2.5, qwen3, llama3.1, llama3.2, chatml.
extension ChatTemplate: ConfigChoice {}

/// `model.promptStyle`: a wrong name is refused listing template, bfcl-think.
extension PromptStyle: ConfigChoice {}

/// `data.heldOutSplit`: a wrong name is refused listing train, heldout.
extension WorldSplit: ConfigChoice {}

extension TrainerConfig {
    /// How group-relative advantages are scaled (EGPO.md step 2).
    public enum ScaleRewards: String, ConfigChoice {
        /// (r - group mean) / (group std + eps).
        case group
        /// (r - group mean) / (std over the whole global batch + eps).
        case batch
        /// r - group mean (Dr.GRPO).
        case none
    }

    /// Where the entropy bonus's cap sits (EGPO.md step 4).
    public enum BonusPlacement: String, ConfigChoice {
        /// A + lambda * min(H, |A| / alpha).
        case outside
        /// A + min(lambda * H, |A| / alpha) (Cheng et al.).
        case inside
    }

    /// Which entropy the bonus uses.
    public enum BonusGranularity: String, ConfigChoice {
        /// The mean over the think block, for every token of the completion.
        case sequence
        /// Each think token's own entropy; no bonus outside the think block.
        case token
    }

    /// How per-token losses are averaged (EGPO.md step 5).
    public enum Aggregation: String, ConfigChoice {
        /// Sum over every completion token of the global batch / their count.
        case tokenMean
        /// Mean over completions of each completion's token mean (original GRPO).
        case sequenceMeanTokenMean
        /// Sum / (completions * maxCompletionTokens) (Dr.GRPO).
        case tokenSumNorm
    }

    /// Learning-rate schedule shape.
    public enum ScheduleKind: String, ConfigChoice {
        case constant
        case cosine
    }

    /// `optimizer.zero`: whether the optimizer state is sharded over the ranks. Written as the
    /// stage number (0 or 1), as DeepSpeed numbers ZeRO's stages, so configs and checkpoints
    /// written before this was an enum read the same.
    public enum ZeroStage: Int, CaseIterable, Codable, Sendable {
        /// Every rank keeps Adam's moments for all parameters and steps all of them.
        case off = 0
        /// ZeRO-1: each rank keeps the moments of its shard of the parameters only, steps that
        /// shard and all-gathers the parameters (Rajbhandari et al. 2020, "P_os").
        case stage1 = 1

        public init(from decoder: Decoder) throws {
            let number = try decoder.singleValueContainer().decode(Int.self)
            guard let stage = Self(rawValue: number) else {
                let expected = "0 (replicated optimizer state) or 1 (ZeRO-1: optimizer state sharded over the ranks)"
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(number) is not \(expected)",
                                                        underlyingError: InvalidConfigValue(value: "\(number)", expected: expected)))
            }
            self = stage
        }
    }

    /// ZeRO-1's gradient collective.
    public enum GradientPath: String, ConfigChoice {
        /// All-reduce the whole gradient (chunked), then step the local shard.
        case allreduce
        /// Reduce-scatter: each rank receives only its shard's sum.
        case reducescatter
        /// Time both on the job's gradient buffer at start and take the faster.
        case auto
    }
}
