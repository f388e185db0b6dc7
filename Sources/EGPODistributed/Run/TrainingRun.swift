import Foundation
import FunctionCalling
import ShardedTensor

/// A whole training run, as `launcher train` and `launcher sft` do it, over any communicator
/// (MPI ranks, or `LocalCommunicator` threads in a test). This file reads as what `launcher
/// train` does, step by step; the SFT phase is in `TrainingRun+Supervised.swift`.
///
/// The library prints nothing: lines and step reports go to `events` on rank 0.
public enum TrainingRun {
    /// What a finished run leaves.
    public struct Result {
        /// The run folder (rank 0; nil on the other ranks).
        public var folder: RunFolder?
        /// The trained policy (every rank holds the same).
        public var policy: LoadedModel
        /// The EGPO run's summary (rank 0, EGPO only).
        public var summary: RunSummary?
    }

    /// `launcher train`:
    /// 1. the config, the run folder (locked for the whole run), the checkpoint to resume;
    /// 2. the starting policy: the resumed checkpoint's, SFT from a fresh model
    ///    (`--from-scratch`, into `<run>/sft`), or `model.checkpoint` (default: the shipped SFT
    ///    checkpoint);
    /// 3. the EGPO phase: held-out evaluation before, the step loop with its checkpoints, the
    ///    evaluation after, the summary, plot and gain.
    /// Throws `StoppedBySignal` on every rank when a signal or `--stop-after` stopped it after
    /// a checkpoint.
    public static func train(_ request: RunRequest, comm: any Communicator, events: @escaping RunEvents) throws -> Result {
        let run = try RunContext.start(request, kind: .egpo, comm: comm, events: events)
        defer { run.finish() }
        let policy = applyingPrecision(try startingPolicy(run), config: run.config, run: run)
        return try reinforcement(run, policy: policy)
    }

    /// The policy EGPO starts from.
    static func startingPolicy(_ run: RunContext) throws -> LoadedModel {
        if let resumed = run.resumed {
            try ModelFile.requireFiniteWeights(resumed.policy.model, path: resumed.path)
            return resumed.policy
        }
        if run.request.fromScratch {
            try run.config.validate(worldSize: run.comm.size, purpose: .supervised)
            try refuseLoRAOnAFreshModel(run.config)
            var config = run.config
            config.model.checkpoint = ""
            config.run.runDir = URL(fileURLWithPath: run.config.run.runDir).appendingPathComponent("sft").path
            let sft = try run.subRun(folderName: "sft", kind: .sft, config: config)
            let policy = try supervised(sft)
            run.say("train: SFT done; EGPO starts from \(sft.folder?.finalCheckpoint.path ?? "the SFT result")")
            return policy
        }
        let path = run.config.model.checkpoint.isEmpty ? DemoAssets.sftCheckpoint.path : run.config.model.checkpoint
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.request("the starting checkpoint \(path) does not exist; run `make sft-checkpoint`, pass --set model.checkpoint=FILE, or use --from-scratch")
        }
        let policy = try ModelFile.read(from: path)
        try ModelFile.requireFiniteWeights(policy.model, path: path)
        run.say("train: starting from \(path)")
        return try applyingLoRA(policy, from: path, config: run.config, run: run)
    }

    /// The EGPO phase: evaluation before, the step loop, evaluation after, the summary.
    static func reinforcement(_ run: RunContext, policy: LoadedModel) throws -> Result {
        let config = run.config, comm = run.comm, resumed = run.resumed
        let started = Date()

        // The data: training tasks, held-out tasks none of which occur in training, prompts that fit.
        let codec = try TaskCodec(policy: policy, model: config.model)
        let tasks = try TaskSource.load(spec: config.data.train, count: config.data.trainTasks, seed: config.data.trainSeed, split: .train,
                                         categories: config.model.promptStyle.categories, log: run.say)
        let heldOut = try EvaluationTasks.load(config, excluding: tasks, log: run.say)
        let prepared = EGPOTrainer.fittingPrompts(tasks, codec: codec, completionTokens: config.rollout.maxCompletionTokens,
                                                  limit: policy.model.config.maxPositionEmbeddings)

        // Memory, checked before the optimizer, workspaces and sampler allocate anything.
        let longest = prepared.prompts.map(\.count).max() ?? 0
        try run.checkMemory(MemoryEstimate(model: policy.model.config, config: config, worldSize: comm.size, rank: comm.rank, promptLength: longest,
                                           purpose: .reinforcement))

        // The replica, the trainer, and a resumed run's state.
        let replica = try PolicyReplica(policy: policy, optimizer: config.optimizer, totalSteps: config.run.steps,
                                        updatesPerStep: config.egpo.mu, communicator: comm, trainable: trained(policy),
                                        headChunk: config.model.headChunk, recompute: config.model.recompute)
        if let resumed, config.egpo.beta > 0, resumed.reference == nil, !replica.trainable.isAdapters {
            throw TrainingError.resume("\(resumed.path) holds no reference policy (it ran with beta 0); egpo.beta \(config.egpo.beta) needs one")
        }
        // LoRA started from trained adapters: the reference keeps them (a resumed run, as saved).
        let startingAdapters = policy.model.adapters.flatMap { $0.isIdentity(on: policy.model) ? nil : $0.values.toArray() }
        let referenceAdapters = resumed.map { $0.referenceAdapters } ?? startingAdapters
        if config.egpo.beta > 0, let referenceAdapters, resumed == nil {
            run.say("train: the reference policy (egpo.beta \(config.egpo.beta)) is the base with the starting adapters, "
                    + "frozen (\(referenceAdapters.count) values), the policy this run starts from")
        }
        let trainer = try EGPOTrainer(config: config, replica: replica, tasks: tasks, codec: codec, referenceParameters: resumed?.reference,
                                      referenceAdapters: referenceAdapters, prepared: prepared)
        if let resumed {
            TrainingCheckpoint.restore(resumed, into: replica)
            try trainer.restore(cursor: resumed.state.cursor, checkpoint: resumed.path, log: run.say)
        }
        run.say("train: \(trainer.tasks.count) training tasks (\(trainer.droppedTooLong) too long), \(heldOut.count) held-out tasks (unseen in training, \(config.data.heldOut) \(config.data.heldOutSplit) split, seed \(config.data.heldOutSeed)); \(config.rollout.prompts) prompts x \(config.rollout.groupSize) completions per step, \(config.run.steps) steps")
        run.sayOptimizer(replica)

        // Held-out evaluation before training (once: a resumed run has it already).
        let evaluator = Evaluator(model: policy.model, codec: codec, options: EvalOptions(maxNewTokens: config.eval.maxNewTokens))
        var evaluations: [RunSummary.Evaluation] = []
        if let json = resumed?.state.evaluationsJSON {
            evaluations = try JSONDecoder().decode([RunSummary.Evaluation].self, from: Data(json.utf8))
        }
        func evaluate(_ phase: String, step: Int, tasks: [FunctionTask], write: Bool) throws -> RunSummary.Evaluation {
            let t0 = Date()
            let outcomes = try evaluator.evaluate(tasks, on: comm)
            let e = RunSummary.Evaluation(phase: phase, step: step, report: EvalReport(outcomes: outcomes), outcomes: outcomes)
            if write, let folder = run.folder {
                _ = try EvalOutputFolder(path: folder.evalFolder(phase).path).write(outcomes, report: e.report)
            }
            let s = e.report.overall
            run.say("eval \(phase) (step \(step)): " + String(format: "accuracy %.3f ± %.3f on %d held-out tasks (%.0f s)",
                                                              s.accuracy, s.stderr, s.n, Date().timeIntervalSince(t0)))
            return e
        }
        if config.eval.before, !heldOut.isEmpty, !evaluations.contains(where: { $0.phase == "before" }) {
            let e = try evaluate("before", step: 0, tasks: heldOut, write: true)
            run.say(e.report.table)
            evaluations.append(e)
        }

        // The step loop: a step, an evaluation on the subset every eval.every steps, checkpoints.
        var lines = resumed?.state.metricsLines ?? []
        var records = lines.compactMap { MetricsRecord(jsonLine: $0) }
        var lastAccuracy = evaluations.last(where: { $0.phase.hasPrefix("step-") })?.report.overall.accuracy
        let subset = Array(heldOut.prefix(config.eval.subset))
        let loop = run.loop(steps: config.run.steps) { p in
            records.append(p.metrics)
            lines.append(p.metrics.jsonLine)
            run.report(.egpo, p, heldOutAccuracy: lastAccuracy)
        }
        let outcome = try loop.run(from: resumed?.state.step ?? 0, { s in
            try run.prepare(step: s + 1, replica: replica)
            var record = try trainer.step(s)
            if config.eval.every > 0, (s + 1) % config.eval.every == 0, s + 1 < config.run.steps, !subset.isEmpty {
                let e = try evaluate("step-\(s + 1)", step: s + 1, tasks: subset, write: false)
                evaluations.append(e)
                lastAccuracy = e.report.overall.accuracy
                record.heldoutAccuracy = e.report.overall.accuracy
            }
            return record
        }, save: { done, url in
            let e = String(decoding: try JSONEncoder().encode(evaluations), as: UTF8.self)
            let state = TrainingState(kind: .egpo, step: done, worldSize: comm.size, config: config,
                                      cursor: trainer.cursor, metricsLines: lines, evaluationsJSON: e)
            try run.timedSave(to: url, replica: replica, state: state, reference: trainer.reference)
        })
        if let stopped = run.stopped(outcome) { throw stopped }

        // Held-out evaluation after training, the summary, its plot, and the gain with its paired error.
        if config.eval.after, !heldOut.isEmpty {
            let e = try evaluate("after", step: config.run.steps, tasks: heldOut, write: true)
            run.say(e.report.table)
            evaluations.append(e)
        }
        guard let folder = run.folder else { return Result(folder: nil, policy: policy, summary: nil) }
        let summary = RunSummary(title: "EGPO, lambda \(config.egpo.lambda), seed \(config.run.seed)", steps: config.run.steps,
                                 seconds: Date().timeIntervalSince(started), worldSize: comm.size, metrics: records, evaluations: evaluations)
        try folder.write(summary.json(), to: "summary.json")
        try folder.write(summary.markdown(), to: "summary.md")
        try folder.write(summary.plot(), to: "plot.svg")
        if let g = summary.gain {
            run.say(String(format: "train: held-out accuracy changed by %+.3f (%.2f standard errors of the paired difference, SE %.3f; unpaired SE %.3f)",
                           g.delta, g.standardErrors, g.stderrPaired, g.stderrUnpaired) + "; see \(folder.root.path)/summary.md")
        }
        run.say("train: wrote \(folder.root.path) (config.json, metrics.jsonl, checkpoints/final.h5, eval/, summary.md, summary.json, plot.svg)")
        return Result(folder: folder, policy: policy, summary: summary)
    }
}
