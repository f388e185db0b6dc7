import Foundation

extension TrainingRun {
    /// The policy as a run trains it, given `model.lora`:
    /// - no adapters asked and none there: the policy, every weight trained;
    /// - adapters there (a LoRA checkpoint) but `model.lora.rank` 0: merged into the weights,
    ///   which are then all trained;
    /// - adapters asked and there: they must be the ones asked for, and training continues them;
    /// - adapters asked, none there: fresh ones (PEFT's init, from `run.seed`) on the model read
    ///   from `path`, which checkpoints will name by path and sha256. A fresh model (`path` nil)
    ///   is refused: LoRA adapts a pretrained base.
    static func applyingLoRA(_ policy: LoadedModel, from path: String?, config: TrainerConfig, run: RunContext) throws -> LoadedModel {
        let asked = config.model.lora
        if let present = policy.model.adapters {
            guard asked.isEnabled else {
                run.say("model: \(path ?? "the checkpoint") holds LoRA adapters (rank \(present.config.rank)) and model.lora.rank is 0: "
                        + "they are merged into the weights, and every weight is trained")
                return policy.merged()
            }
            guard present.config == asked else {
                throw TrainingError.request("\(path ?? "the checkpoint") holds LoRA adapters with \(describe(present.config)), but model.lora asks for \(describe(asked)); "
                                            + "set model.lora to the checkpoint's values to continue training them, or model.lora.rank=0 to merge them and train every weight")
            }
            return policy
        }
        guard asked.isEnabled else { return policy }
        guard let path else { try refuseLoRAOnAFreshModel(config); return policy }
        let base = try BaseModelReference.of(path: path)
        let tokenIDs: [Int32]
        do { tokenIDs = try asked.trainableTokenIDs(in: policy.tokenizer) } catch { throw TrainingError.request(error.description) }
        let adapters = LoRAAdapters.initial(config: asked, base: policy.model, seed: UInt64(config.run.seed), tokenIDs: tokenIDs)
        let tokens = zip(asked.trainableTokens, tokenIDs).map { "\($0) (id \($1))" }
        run.say("model: LoRA rank \(asked.rank), alpha \(asked.alpha) on \(asked.targets.map(\.rawValue).joined(separator: ", "))"
                + (tokens.isEmpty ? "" : ", the embedding rows of \(tokens.joined(separator: ", "))") + ": "
                + "\(adapters.layout.totalCount) trained parameters (\(String(format: "%.2f", 100 * Double(adapters.layout.totalCount) / Double(policy.model.parameters.count)))% of \(policy.model.parameters.count)); "
                + "the base \(base.path) (sha256 \(base.sha256.prefix(12))…) stays frozen")
        return policy.with(adapters: adapters, base: base)
    }

    /// LoRA adapts a pretrained model: a run that starts from a fresh one (no model.checkpoint, or
    /// `--from-scratch`) with `model.lora.rank` set is refused before anything is built.
    static func refuseLoRAOnAFreshModel(_ config: TrainerConfig) throws {
        guard config.model.lora.isEnabled else { return }
        throw TrainingError.request("model.lora.rank \(config.model.lora.rank) adapts a pretrained model, but this run starts from a fresh one "
                                    + "(model.checkpoint is empty, or --from-scratch); set model.checkpoint to a model file, or model.lora.rank=0 to train every weight")
    }

    /// What `policy` trains: its adapters when it has them, every weight otherwise.
    static func trained(_ policy: LoadedModel) -> TrainableParameters? {
        policy.model.adapters == nil ? nil : .adapters(of: policy.model)
    }

    static func describe(_ c: LoRAConfig) -> String {
        "rank \(c.rank), alpha \(c.alpha), targets \(c.targets.map(\.rawValue).joined(separator: ","))"
            + (c.trainableTokens.isEmpty ? "" : ", trainable tokens \(c.trainableTokens.joined(separator: " "))")
    }
}
