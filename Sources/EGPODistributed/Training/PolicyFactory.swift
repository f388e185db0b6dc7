import Foundation
import FunctionCalling

/// Builds the policy a run starts from: a model file, or a fresh model with a BPE tokenizer
/// learnt from the training text.
public enum PolicyFactory {
    /// The text a from-scratch tokenizer learns from: every prompt and reference completion.
    public static func corpus(_ tasks: [TrainingTask]) -> String {
        var out = ""
        for t in tasks {
            out += PromptFormat.prompt(t.task)
            if let r = t.reference { out += PromptFormat.supervisedTarget(r) }
            out += "\n"
        }
        return out
    }

    /// A model of `architecture` initialised from `seed`, with a `vocabulary`-sized BPE tokenizer
    /// learnt from `tasks` (deterministic, so every rank builds the same one).
    public static func fromScratch(architecture: ModelConfig, vocabulary: Int, tasks: [TrainingTask], seed: Int) throws -> LoadedModel {
        let tokenizer = try BPETrainer(vocabSize: vocabulary).train(corpus: corpus(tasks))
        guard tokenizer.vocabSize <= architecture.vocabularySize else {
            throw TrainingError.data("the tokenizer has \(tokenizer.vocabSize) ids but model.architecture.vocab_size is \(architecture.vocabularySize)")
        }
        let model = try Transformer(config: architecture, seed: UInt64(seed))
        return LoadedModel(model: model, tokenizer: tokenizer)
    }
}
