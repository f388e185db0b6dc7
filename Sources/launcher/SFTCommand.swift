import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

/// `launcher sft`: supervised fine-tuning on reference completions, data-parallel over mpirun ranks.
struct SFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft",
        abstract: "Supervised fine-tuning on reference completions (cross-entropy on completion tokens only).",
        discussion: """
        Starts from model.checkpoint, or from a fresh model of model.architecture with a BPE tokenizer \
        learnt from the training text. Writes config.json, metrics.jsonl and checkpoints/final.h5 into \
        the run folder. Run under mpirun to split each batch over ranks.
        """
    )

    @OptionGroup var options: RunOptions

    func run() throws {
        try onEveryRank { comm in
            let setup = try RunSetup.start(options, comm: comm, stepsKey: "sft.steps", purpose: .supervised, kind: .sft, title: "sft")
            let policy = try SupervisedRun.train(setup)
            if let folder = setup.folder {
                setup.say("sft: wrote \(folder.finalCheckpoint.path) (\(policy.model.config.parameterCount) parameters)")
            }
        }
    }
}

/// The SFT phase, shared by `launcher sft` and `launcher train --from-scratch`.
enum SupervisedRun {
    static func train(_ setup: RunSetup) throws -> LoadedModel {
        let config = setup.config, comm = setup.comm
        let tasks = try TaskSource.load(spec: config.data.train, count: config.data.trainTasks, seed: config.data.trainSeed, split: .train, log: setup.say)
        let policy = try setup.resumed?.policy ?? (config.model.checkpoint.isEmpty
            ? PolicyFactory.fromScratch(architecture: config.model.architecture, vocabulary: config.model.tokenizerVocabulary,
                                        tasks: tasks, seed: config.run.seed)
            : ModelFile.read(from: config.model.checkpoint))
        try ModelFile.requireFiniteWeights(policy.model, path: setup.resumed?.path ?? (config.model.checkpoint.isEmpty ? "the new model" : config.model.checkpoint))
        let codec = try TaskCodec(tokenizer: policy.tokenizer, model: config.model)
        let prepared = SFTTrainer.examples(tasks, codec: codec, limit: policy.model.config.maxPositionEmbeddings)
        let longest = prepared.examples.map { $0.prompt.count + $0.target.count }.max() ?? 0
        try setup.checkMemory(MemoryEstimate(model: policy.model.config, config: config, worldSize: comm.size, rank: comm.rank, promptLength: longest,
                                             purpose: .supervised))
        let replica = try PolicyReplica(policy: policy, optimizer: config.sft.optimizer, totalSteps: config.sft.steps, communicator: comm)
        let trainer = try SFTTrainer(config: config, replica: replica, prepared: prepared)
        if let r = setup.resumed {
            TrainingCheckpoint.restore(r, into: replica)
            try trainer.restore(cursor: r.state.cursor, checkpoint: r.path, log: setup.say)
        }
        setup.say("sft: \(trainer.examples.count) examples (\(trainer.droppedTooLong) longer than \(policy.model.config.maxPositionEmbeddings) positions left out), \(config.sft.batchSize) per step, \(config.sft.steps) steps")
        sayOptimizer(setup, replica)
        var lines = setup.resumed?.state.metricsLines ?? []
        let loop = TrainingLoop(steps: config.sft.steps, saveEvery: config.run.saveEvery, keepCheckpoints: config.run.keepCheckpoints, stopAfter: setup.stopAfter,
                                maxNonFiniteSteps: config.run.maxNonFiniteSteps,
                                folder: setup.folder, log: setup.log, stopRequested: setup.stopRequested) { p in
            lines.append(p.metrics.jsonLine)
            guard setup.isRoot else { return }
            if p.metrics.isNonFinite { return Console.out(nonFiniteLine(name: "sft", step: p.step, of: p.totalSteps, p.metrics, limit: config.run.maxNonFiniteSteps)) }
            guard p.step % config.run.logEvery == 0 || p.step == p.totalSteps else { return }
            let m = p.metrics
            Console.out(String(format: "sft %d/%d  loss %.4f  lr %.2e  grad %.3f  %.0f tok/s", p.step, p.totalSteps,
                               m["loss"] ?? .nan, m["lr"] ?? .nan, m["grad_norm"] ?? .nan, m["tokens_per_second"] ?? .nan)
                        + "  ETA \(formatDuration(p.eta))")
        }
        let outcome = try loop.run(from: setup.resumed?.state.step ?? 0, { s in
            try setup.checkInjectedFault(step: s + 1)
            replica.injectNonFiniteGradient = setup.injectsNonFiniteGradient(step: s + 1)
            return try trainer.step(s)
        }, save: { done, url in
            let state = TrainingState(kind: .sft, step: done, worldSize: comm.size, config: config,
                                      cursor: trainer.cursor, metricsLines: lines)
            try setup.timedSave(to: url, replica: replica, state: state, reference: nil)
        })
        if let stopped = setup.stopped(outcome) { throw stopped }
        return policy
    }
}
