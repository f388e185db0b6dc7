import Foundation
import FunctionCalling
import ShardedTensor

extension TrainingRun {
    /// `launcher sft`: the config, the locked run folder, the checkpoint to resume, then the SFT
    /// phase. Throws `StoppedBySignal` on every rank when a signal or `--stop-after` stopped it.
    public static func sft(_ request: RunRequest, comm: any Communicator, events: @escaping RunEvents) throws -> Result {
        let run = try RunContext.start(request, kind: .sft, comm: comm, events: events)
        defer { run.finish() }
        let policy = try supervised(run)
        return Result(folder: run.folder, policy: policy, summary: nil)
    }

    /// The SFT phase, shared by `launcher sft` and `launcher train --from-scratch`: the starting
    /// model (resumed, `model.checkpoint`, or fresh with a tokenizer learnt from the training
    /// text), the examples that fit, the memory check, then the step loop with its checkpoints.
    static func supervised(_ run: RunContext) throws -> LoadedModel {
        let config = run.config, comm = run.comm, resumed = run.resumed
        let tasks = try TaskSource.load(spec: config.data.train, count: config.data.trainTasks, seed: config.data.trainSeed, split: .train,
                                         categories: config.model.promptStyle.categories, log: run.say)
        var policy: LoadedModel
        if let resumed {
            policy = resumed.policy
        } else {
            let source = config.model.checkpoint.isEmpty ? nil : config.model.checkpoint
            if source == nil { try refuseLoRAOnAFreshModel(config) }
            policy = try source.map { try ModelFile.read(from: $0) }
                ?? PolicyFactory.fromScratch(architecture: config.model.architecture, vocabulary: config.model.tokenizerVocabulary,
                                             tasks: tasks, seed: config.run.seed)
            policy = try applyingLoRA(policy, from: source, config: config, run: run)
        }
        policy = applyingPrecision(policy, config: config, run: run)
        try ModelFile.requireFiniteWeights(policy.model, path: resumed?.path ?? (config.model.checkpoint.isEmpty ? "the new model" : config.model.checkpoint))
        let codec = try TaskCodec(policy: policy, model: config.model)
        let prepared = SFTTrainer.examples(tasks, codec: codec, limit: policy.model.config.maxPositionEmbeddings)

        let longest = prepared.examples.map { $0.prompt.count + $0.target.count }.max() ?? 0
        try run.checkMemory(MemoryEstimate(model: policy.model.config, config: config, worldSize: comm.size, rank: comm.rank, promptLength: longest,
                                           purpose: .supervised))

        let replica = try PolicyReplica(policy: policy, optimizer: config.sft.optimizer, totalSteps: config.sft.steps, communicator: comm,
                                        trainable: trained(policy), headChunk: config.model.headChunk,
                                        recompute: config.model.recompute)
        let trainer = try SFTTrainer(config: config, replica: replica, prepared: prepared)
        if let resumed {
            TrainingCheckpoint.restore(resumed, into: replica)
            try trainer.restore(cursor: resumed.state.cursor, checkpoint: resumed.path, log: run.say)
        }
        run.say("sft: \(trainer.examples.count) examples (\(trainer.droppedTooLong) longer than \(policy.model.config.maxPositionEmbeddings) positions left out), \(config.sft.batchSize) per step, \(config.sft.steps) steps")
        run.sayOptimizer(replica)

        var lines = resumed?.state.metricsLines ?? []
        let loop = run.loop(steps: config.sft.steps) { p in
            lines.append(p.metrics.jsonLine)
            run.report(.sft, p)
        }
        let outcome = try loop.run(from: resumed?.state.step ?? 0, { s in
            try run.prepare(step: s + 1, replica: replica)
            return try trainer.step(s)
        }, save: { done, url in
            let state = TrainingState(kind: .sft, step: done, worldSize: comm.size, config: config, cursor: trainer.cursor, metricsLines: lines)
            try run.timedSave(to: url, replica: replica, state: state, reference: nil)
        })
        if let stopped = run.stopped(outcome) { throw stopped }
        return policy
    }
}
