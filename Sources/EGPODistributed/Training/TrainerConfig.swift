import FunctionCalling
import ShardedTensor

/// Everything a run needs, as plain values with a comment on each default: read from YAML or
/// JSON (`TrainerConfig.resolve`), overridden from the command line (`--set rollout.groupSize=4`),
/// checked by `validate`, written resolved into the run folder's `config.json`.
///
/// Sections follow the data flow: where tasks come from, the policy to start from, how rollouts
/// are drawn, the EGPO objective (../shared/docs/EGPO.md), the optimizer, SFT, evaluation.
/// Empty strings and 0 mean "not set" where a comment says so, so the encoded defaults name every
/// key the reader accepts (an unknown key is refused, not ignored).
public struct TrainerConfig: Codable, Sendable, Equatable {
    public var run = Run()
    public var data = DataSource()
    public var model = Model()
    public var rollout = Rollout()
    public var egpo = Objective()
    public var optimizer = Optimizer()
    public var sft = SFT()
    public var eval = Evaluation()

    public init() {}

    /// The run as a whole.
    public struct Run: Codable, Sendable, Equatable {
        /// Seeds sampling, data order and (from scratch) initialisation; same seed and world size
        /// give the same numbers.
        public var seed = 1
        /// EGPO steps: rollout batches, each followed by `egpo.mu` optimizer updates. Like
        /// `saveEvery`, `logEvery`, `--stop-after` and `optimizer.warmupSteps`, it counts batches;
        /// the learning-rate schedule spans the run's `steps * mu` updates.
        public var steps = 60
        /// Write `checkpoints/step-NNNNNN.h5` every this many steps (0: only `final.h5`).
        public var saveEvery = 0
        /// Keep the newest this many `step-NNNNNN.h5` checkpoints (0: all); an older one is removed
        /// only after a newer one is complete.
        public var keepCheckpoints = 3
        /// The run folder ("": `runs/<UTC timestamp>`).
        public var runDir = ""
        /// Print a progress line every this many steps (rank 0).
        public var logEvery = 1
        /// End the run after this many steps in a row whose loss or gradient was NaN or
        /// infinite (each is skipped: no update, counted in metrics.jsonl as skipped_nonfinite).
        public var maxNonFiniteSteps = 5
    }

    /// Where training and held-out tasks come from.
    public struct DataSource: Codable, Sendable, Equatable {
        /// `functionworld` (generated, train split), `xlam:FILE` (xlam-function-calling-60k
        /// records, through DataPrep's stage-1 rules), `bfcl:CATEGORY` or `bfcl:all` (the BFCL
        /// copy shipped with the project) or a folder of BFCL-format files
        /// (`data/BFCL_v4_<category>.json`, `possible_answer/`, as `launcher data generate` or
        /// `launcher data filter` write them). See `DataSpec`.
        public var train = DataSpec.functionWorld
        /// Generated training tasks when `train` is `functionworld`.
        public var trainTasks = 20000
        /// Seed of the generated training tasks.
        public var trainSeed = 1
        /// `functionworld` (generated), `xlam:FILE`, `bfcl:CATEGORY`, `bfcl:all` or a folder of
        /// BFCL-format files. Evaluation tasks whose prompt equals a training prompt are left out,
        /// so every evaluated task is unseen.
        public var heldOut = DataSpec.functionWorld
        /// Which FunctionWorld split the generated held-out tasks come from: `train` (new tasks
        /// from the training templates and values) or `heldout` (templates and values training
        /// never sees: a test of generalisation the demo policy mostly fails, see docs/results.md).
        public var heldOutSplit = WorldSplit.train
        /// Seed of the generated held-out tasks (differs from trainSeed, so the tasks are new).
        public var heldOutSeed = 7
    }

    /// The policy to start from.
    public struct Model: Codable, Sendable, Equatable {
        /// Model file (or training checkpoint) to start EGPO or SFT from ("": the shipped
        /// `checkpoints/sft-demo.h5` for EGPO; a fresh model of `architecture` for SFT).
        public var checkpoint = ""
        /// Architecture of a model trained from scratch (HF LlamaConfig keys).
        public var architecture = ModelConfig.demo
        /// Vocabulary of the BPE tokenizer learnt from the training text when starting from scratch.
        public var tokenizerVocabulary = 2048
        /// How prompts are laid out and answers written: `compact` (PromptFormat, for models
        /// trained from scratch here) or a pretrained family's own chat template, `qwen2.5`,
        /// `qwen3`, `llama3.1`, `llama3.2` (ChatTemplate; byte-identical to transformers'
        /// apply_chat_template). The tokenizer must hold the template's end-of-turn token and
        /// `<think>`, `</think>` as single tokens.
        public var chatTemplate = ChatTemplate.compact
        /// Llama's "Today Date" line ("": the template's default, which for llama3.2 is the day the
        /// prompt is rendered, so a run resumed on another day would see other prompts; set e.g.
        /// "26 Jul 2024" to keep them fixed).
        public var chatTemplateDate = ""
        /// `template` (the chat template's own tool block and answer form) or `bfcl-think`:
        /// BFCL's own system prompt listing the functions, with an instruction to think first,
        /// and the answer `<think>…</think>` then BFCL's Python call list, scored by BFCL's
        /// checker (`BFCLThinking`), so that training and `launcher eval --format bfcl-think`
        /// agree. bfcl-think needs a model family's template, not compact.
        public var promptStyle = PromptStyle.template
        /// LoRA adapters on the starting model (`rank` 0, the default: full fine-tuning). With a
        /// rank, the model's weights are frozen and only the adapters are trained, stored in
        /// checkpoints (which name the base model file and its sha256) and exported; the
        /// reference policy is the base without them.
        public var lora = LoRAConfig(rank: 0)
        /// `fp32`, or `bf16`: the linear layers' products take bf16 inputs and accumulate in fp32
        /// (master weights, gradients and Adam's state stay fp32). On a CPU without bf16
        /// instructions a run says so and computes in fp32.
        public var precision = Precision.fp32
        /// Vocabulary columns of the output head computed at a time in the training forward and
        /// backward (0: all at once). With a chunk, the (rows, vocabulary) logits and their
        /// gradient are never held whole; the head's product runs twice. 8192 keeps a 49k-152k
        /// vocabulary's head a small part of the activations.
        public var headChunk = 0
        /// Keep only each decoder layer's input in the training forward and recompute the layer's
        /// activations in the backward: one layer's activations held instead of every layer's,
        /// for one more forward of the layers (the same bits: the same operations on the same input).
        public var recompute = false
    }

    /// How completions are drawn.
    public struct Rollout: Codable, Sendable, Equatable {
        /// Prompts per step (rollout batch), over all ranks (the global batch).
        public var prompts = 8
        /// G: completions per prompt (a GRPO group).
        public var groupSize = 8
        /// Sampling temperature T; the trainer scores log-probs at the same T.
        public var temperature: Float = 0.7
        /// Longest completion, in tokens (the end-of-sequence token counts).
        public var maxCompletionTokens = 256
        /// Top-k truncation (0: off). Refused in RL: truncated log-probs are not the policy's,
        /// so the PPO ratio would be biased; only evaluation with sampling may use it.
        public var topK = 0
        /// Top-p truncation (1: off). Refused in RL for the same reason as `topK`.
        public var topP: Float = 1
        /// Completions per training forward/backward on one rank (bounds activation memory;
        /// the loss is normalised by global counts, so this changes no number but rounding).
        public var microBatch = 16
    }

    /// The EGPO objective (EGPO.md, "One training step"); lambda 0 is GRPO.
    public struct Objective: Codable, Sendable, Equatable {
        /// Advantage normalisation: `group` std, `batch` std, or `none` (Dr.GRPO).
        public var scaleRewards = ScaleRewards.group
        /// Leave groups whose rewards are all equal out of the loss (they have A = 0 anyway).
        public var skipZeroStdGroups = false
        /// lambda: weight of the entropy bonus (0: plain GRPO).
        public var lambda: Float = 0.4
        /// alpha (> 1): the bonus is capped at |A| / alpha, so it never flips A's sign.
        public var alpha: Float = 2
        /// `outside`: A + lambda min(H, |A|/alpha); `inside` (Cheng et al.): A + min(lambda H, |A|/alpha).
        public var bonusPlacement = BonusPlacement.outside
        /// `sequence`: the think block's mean entropy for every token; `token`: each think token's own.
        public var bonusGranularity = BonusGranularity.sequence
        /// PPO clip range below 1.
        public var epsLow: Float = 0.2
        /// PPO clip range above 1.
        public var epsHigh: Float = 0.2
        /// k3 KL weight against the frozen initial policy (0: no reference model is kept).
        public var beta: Float = 0.001
        /// How per-token losses are averaged (over global counts).
        public var aggregation = Aggregation.tokenMean
        /// mu: optimizer updates (passes) over each rollout batch (1: ratio = 1 in the only pass).
        public var mu = 1
    }

    /// AdamW with global-norm clipping.
    public struct Optimizer: Codable, Sendable, Equatable {
        /// Peak learning rate.
        public var learningRate: Float = 2e-5
        /// `constant`, or `cosine` (linear warm-up, then a half cosine to minLearningRateRatio * peak).
        public var schedule = ScheduleKind.constant
        /// Linear warm-up, in trainer steps (EGPO: rollout batches, mu updates each; SFT: batches).
        public var warmupSteps = 0
        /// Floor of the cosine schedule, as a fraction of the peak.
        public var minLearningRateRatio: Float = 0.1
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var eps: Float = 1e-8
        /// Decoupled weight decay on matrices (norm weights and biases never decay). EGPO.md: 0.
        public var weightDecay: Float = 0
        /// Clip the global gradient norm to this (0: no clipping).
        public var maxGradNorm: Float = 1
        /// 1: ZeRO-1, each rank keeps Adam's moments for its shard of the parameters only, steps
        /// that shard and all-gathers the parameters; 0: every rank keeps and steps everything.
        public var zero = ZeroStage.off
        /// How ZeRO-1 gets each shard's summed gradient: a chunked all-reduce of the whole buffer,
        /// a reduce-scatter, or `auto` (whichever is faster on this job, timed at start).
        public var gradientPath = GradientPath.auto
    }

    /// Supervised fine-tuning on reference completions (`launcher sft`, and the warm-up of
    /// `launcher train --from-scratch`).
    public struct SFT: Codable, Sendable, Equatable {
        /// Optimizer steps (one batch each).
        public var steps = 1500
        /// Sequences per step, over all ranks.
        public var batchSize = 32
        /// Optimizer for SFT (same rules as `optimizer`).
        public var optimizer = Optimizer(learningRate: 2e-3, schedule: .cosine, warmupSteps: 50, minLearningRateRatio: 0.05,
                                         beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1)
    }

    /// Held-out evaluation.
    public struct Evaluation: Codable, Sendable, Equatable {
        /// Held-out tasks evaluated before and after training.
        public var tasks = 500
        /// Longest evaluated completion, in tokens.
        public var maxNewTokens = 256
        /// Evaluate before training.
        public var before = true
        /// Evaluate after training.
        public var after = true
        /// Also evaluate every this many steps on the first `subset` held-out tasks (0: never).
        public var every = 0
        /// Tasks of the periodic evaluation.
        public var subset = 100
    }
}

extension TrainerConfig.Optimizer {
    /// The learning rate of optimizer update `u` (0-based, AdamW's step count) in a run of
    /// `totalSteps` trainer steps of `updatesPerStep` updates each (EGPO: mu per rollout batch).
    /// The warm-up and the cosine are counted in trainer steps, as the config states them, and
    /// laid over the run's `totalSteps * updatesPerStep` updates: the cosine reaches its floor
    /// after the last update of the last step, not after 1/mu of the run.
    public func schedule(totalSteps: Int, updatesPerStep: Int = 1) -> any LearningRateSchedule {
        precondition(updatesPerStep >= 1, "schedule: \(updatesPerStep) updates per step")
        let warmup = warmupSteps * updatesPerStep, total = totalSteps * updatesPerStep
        switch schedule {
        case .constant:
            return WarmupConstantSchedule(peak: learningRate, warmupSteps: warmup)
        case .cosine:
            return WarmupCosineSchedule(peak: learningRate, floor: learningRate * minLearningRateRatio,
                                        warmupSteps: warmup, totalSteps: max(total, warmup + 1))
        }
    }

    /// The clip + AdamW step these settings describe, for the tensors of `layout`, over a run
    /// of `totalSteps` trainer steps of `updatesPerStep` updates each.
    /// - Parameters:
    ///   - shard: the elements this rank steps (ZeRO-1); nil: all of them.
    ///   - rateScale: a tensor's factor on the rate, by name (`OptimizerStep`).
    public func step(layout: ParameterLayout, totalSteps: Int, updatesPerStep: Int = 1, shard: Range<Int>? = nil,
                     rateScale: @escaping (String) -> Float = { _ in 1 }) -> OptimizerStep {
        OptimizerStep(layout: layout, hyperparameters: adamW, maxGradNorm: maxGradNorm,
                      schedule: schedule(totalSteps: totalSteps, updatesPerStep: updatesPerStep), shard: shard, rateScale: rateScale)
    }

    /// AdamW's fixed hyper-parameters.
    public var adamW: AdamW.Hyperparameters {
        AdamW.Hyperparameters(beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
    }
}

extension ModelConfig {
    /// The demo policy: hidden 256, 4 layers, 4 heads, SwiGLU 704, 2,048-token BPE vocabulary,
    /// untied head, 1,024 positions (4.26M parameters). Small enough that an EGPO step of 8
    /// prompts x 8 completions takes seconds on two cores.
    public static let demo = ModelConfig(vocabularySize: 2048, hiddenSize: 256, intermediateSize: 704, layerCount: 4,
                                         headCount: 4, kvHeadCount: 4, ropeTheta: 10_000, rmsNormEps: 1e-5,
                                         tieWordEmbeddings: false, maxPositionEmbeddings: 1024)
}
