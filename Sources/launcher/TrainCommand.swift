import ArgumentParser
import EGPODistributed
import Foundation
import FunctionCalling

/// `launcher train`: EGPO from the shipped SFT checkpoint (or SFT first with --from-scratch),
/// held-out evaluation before and after, and the run folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a function-calling policy with EGPO (the embedded default needs no arguments).",
        discussion: """
        With no arguments: FunctionWorld tasks are generated, EGPO starts from the SFT checkpoint \
        shipped in the repository, held-out tasks are evaluated before and after, and the run folder \
        (runs/<timestamp>/) gets config.json, metrics.jsonl, checkpoints/, eval/before and eval/after \
        (BFCL result files and scores.json), summary.md, summary.json and plot.svg. \
        Run under mpirun to spread each batch over ranks: mpirun -n 8 launcher train.
        """
    )

    @OptionGroup var options: RunOptions

    @Flag(help: "Run SFT from a fresh model first (into <run>/sft), then EGPO from its result.")
    var fromScratch = false

    func run() throws {
        try onEveryRank { comm in
            let setup = try RunSetup.start(options, comm: comm, stepsKey: "run.steps", purpose: .reinforcement, kind: .egpo, title: "train")
            let policy: LoadedModel
            if let resumed = setup.resumed {
                if fromScratch { throw LauncherError("--from-scratch and --resume: a resumed EGPO run continues from its checkpoint; resume an SFT phase with launcher sft --resume") }
                policy = resumed.policy
                try ModelFile.requireFiniteWeights(policy.model, path: resumed.path)
            } else if fromScratch {
                try setup.config.validate(worldSize: comm.size, purpose: .supervised)
                var config = setup.config
                config.model.checkpoint = ""
                let sftFolder = setup.isRoot ? try RunFolder.create(setup.folder!.root.appendingPathComponent("sft").path) : nil
                config.run.runDir = URL(fileURLWithPath: setup.config.run.runDir).appendingPathComponent("sft").path
                let sftSetup = RunSetup(comm: comm, config: config, folder: sftFolder,
                                        log: try sftFolder.map { try MetricsLog(url: $0.metricsFile) }, injectedFault: setup.injectedFault,
                                        command: "launcher sft", nonFiniteGradientSteps: setup.nonFiniteGradientSteps)
                policy = try SupervisedRun.train(sftSetup)
                setup.say("train: SFT done; EGPO starts from \(sftFolder?.finalCheckpoint.path ?? "the SFT result")")
            } else {
                let path = setup.config.model.checkpoint.isEmpty ? DemoAssets.sftCheckpoint.path : setup.config.model.checkpoint
                guard FileManager.default.fileExists(atPath: path) else {
                    throw LauncherError("the starting checkpoint \(path) does not exist; run `make sft-checkpoint`, pass --set model.checkpoint=FILE, or use --from-scratch")
                }
                policy = try ModelFile.read(from: path)
                try ModelFile.requireFiniteWeights(policy.model, path: path)
                setup.say("train: starting from \(path)")
            }
            try ReinforcementRun.train(setup, policy: policy)
        }
    }
}

/// The EGPO phase: evaluation before, the step loop, evaluation after, the summary.
enum ReinforcementRun {
    static func train(_ setup: RunSetup, policy: LoadedModel) throws {
        let config = setup.config, comm = setup.comm
        let started = Date()
        let codec = try TaskCodec(tokenizer: policy.tokenizer, model: config.model)
        let tasks = try TaskSource.load(spec: config.data.train, count: config.data.trainTasks, seed: config.data.trainSeed, split: .train, log: setup.say)
        let heldOut = try EvaluationTasks.load(config, excluding: tasks, log: setup.say)
        let prepared = EGPOTrainer.fittingPrompts(tasks, codec: codec, completionTokens: config.rollout.maxCompletionTokens,
                                                  limit: policy.model.config.maxPositionEmbeddings)
        let longest = prepared.prompts.map(\.count).max() ?? 0
        try setup.checkMemory(MemoryEstimate(model: policy.model.config, config: config, worldSize: comm.size, rank: comm.rank, promptLength: longest,
                                             purpose: .reinforcement))
        let replica = try PolicyReplica(policy: policy, optimizer: config.optimizer, totalSteps: config.run.steps, communicator: comm)
        let resumed = setup.resumed
        if let resumed, config.egpo.beta > 0, resumed.reference == nil {
            throw TrainingError.resume("\(resumed.path) holds no reference policy (it ran with beta 0); egpo.beta \(config.egpo.beta) needs one")
        }
        let trainer = try EGPOTrainer(config: config, replica: replica, tasks: tasks, codec: codec, referenceParameters: resumed?.reference,
                                      prepared: prepared)
        if let resumed {
            TrainingCheckpoint.restore(resumed, into: replica)
            try trainer.restore(cursor: resumed.state.cursor, checkpoint: resumed.path, log: setup.say)
        }
        setup.say("train: \(trainer.tasks.count) training tasks (\(trainer.droppedTooLong) too long), \(heldOut.count) held-out tasks (unseen in training, \(config.data.heldOut) \(config.data.heldOutSplit) split, seed \(config.data.heldOutSeed)); \(config.rollout.prompts) prompts x \(config.rollout.groupSize) completions per step, \(config.run.steps) steps")

        let evaluator = Evaluator(model: policy.model, codec: codec, options: EvalOptions(maxNewTokens: config.eval.maxNewTokens))
        sayOptimizer(setup, replica)
        var evaluations: [RunSummary.Evaluation] = []
        if let json = resumed?.state.evaluationsJSON {
            evaluations = try JSONDecoder().decode([RunSummary.Evaluation].self, from: Data(json.utf8))
        }
        func evaluate(_ phase: String, step: Int, tasks: [FunctionTask], write: Bool) throws -> RunSummary.Evaluation {
            let t0 = Date()
            let outcomes = try evaluator.evaluate(tasks, on: comm)
            let e = RunSummary.Evaluation(phase: phase, step: step, report: EvalReport(outcomes: outcomes), outcomes: outcomes)
            if write, let folder = setup.folder {
                _ = try EvalOutputFolder(path: folder.evalFolder(phase).path).write(outcomes, report: e.report)
            }
            let s = e.report.overall
            setup.say("eval \(phase) (step \(step)): " + String(format: "accuracy %.3f ± %.3f on %d held-out tasks (%.0f s)",
                                                                 s.accuracy, s.stderr, s.n, Date().timeIntervalSince(t0)))
            return e
        }
        if config.eval.before, !heldOut.isEmpty, !evaluations.contains(where: { $0.phase == "before" }) {
            let e = try evaluate("before", step: 0, tasks: heldOut, write: true)
            setup.say(e.report.table)
            evaluations.append(e)
        }

        var lines = resumed?.state.metricsLines ?? []
        var records = lines.compactMap { MetricsRecord(jsonLine: $0) }
        var lastAccuracy = evaluations.last(where: { $0.phase.hasPrefix("step-") })?.report.overall.accuracy
        let subset = Array(heldOut.prefix(config.eval.subset))
        let loop = TrainingLoop(steps: config.run.steps, saveEvery: config.run.saveEvery, keepCheckpoints: config.run.keepCheckpoints, stopAfter: setup.stopAfter,
                                maxNonFiniteSteps: config.run.maxNonFiniteSteps,
                                folder: setup.folder, log: setup.log, stopRequested: setup.stopRequested) { p in
            records.append(p.metrics)
            lines.append(p.metrics.jsonLine)
            guard setup.isRoot else { return }
            let m = p.metrics
            if m.isNonFinite { return Console.out(nonFiniteLine(name: "egpo", step: p.step, of: p.totalSteps, m, limit: config.run.maxNonFiniteSteps)) }
            if let gap = m["logp_gap_max"], gap > 1e-3 {
                Console.out(String(format: "warning: step %d: sampler and trainer log-probs differ by up to %.2e (expected below 1e-3)", p.step, gap))
            }
            guard p.step % config.run.logEvery == 0 || p.step == p.totalSteps else { return }
            let accuracy = lastAccuracy.map { String(format: "%.3f", $0) } ?? "-"
            Console.out(String(format: "egpo %d/%d  reward %.3f", p.step, p.totalSteps, m["reward_mean"] ?? .nan) + "  acc \(accuracy)"
                        + String(format: "  kl %.2e  H %.3f (think %.3f)  %.0f tok/s", m["kl"] ?? .nan, m["entropy"] ?? .nan,
                                 m["entropy_think"] ?? .nan, m["tokens_per_second"] ?? .nan) + "  ETA \(formatDuration(p.eta))")
        }
        let outcome = try loop.run(from: resumed?.state.step ?? 0, { s in
            try setup.checkInjectedFault(step: s + 1)
            replica.injectNonFiniteGradient = setup.injectsNonFiniteGradient(step: s + 1)
            var record = try trainer.step(s)
            if config.eval.every > 0, (s + 1) % config.eval.every == 0, s + 1 < config.run.steps, !subset.isEmpty {
                let e = try evaluate("step-\(s + 1)", step: s + 1, tasks: subset, write: false)
                evaluations.append(e)
                lastAccuracy = e.report.overall.accuracy
                record.set("heldout_accuracy", e.report.overall.accuracy)
            }
            return record
        }, save: { done, url in
            let e = String(decoding: try JSONEncoder().encode(evaluations), as: UTF8.self)
            let state = TrainingState(kind: .egpo, step: done, worldSize: comm.size, config: config,
                                      cursor: trainer.cursor, metricsLines: lines, evaluationsJSON: e)
            try setup.timedSave(to: url, replica: replica, state: state, reference: trainer.reference)
        })
        if let stopped = setup.stopped(outcome) { throw stopped }
        if config.eval.after, !heldOut.isEmpty {
            let e = try evaluate("after", step: config.run.steps, tasks: heldOut, write: true)
            setup.say(e.report.table)
            evaluations.append(e)
        }

        guard let folder = setup.folder else { return }
        let summary = RunSummary(title: "EGPO, lambda \(config.egpo.lambda), seed \(config.run.seed)", steps: config.run.steps,
                                 seconds: Date().timeIntervalSince(started), worldSize: comm.size, metrics: records, evaluations: evaluations)
        try folder.write(summary.json(), to: "summary.json")
        try folder.write(summary.markdown(), to: "summary.md")
        try folder.write(summary.plot(), to: "plot.svg")
        if let g = summary.gain {
            Console.out(String(format: "train: held-out accuracy changed by %+.3f (%.2f standard errors of the paired difference, SE %.3f; unpaired SE %.3f)", g.delta, g.standardErrors, g.stderrPaired, g.stderrUnpaired)
                        + "; see \(folder.root.path)/summary.md")
        }
        Console.out("train: wrote \(folder.root.path) (config.json, metrics.jsonl, checkpoints/final.h5, eval/, summary.md, summary.json, plot.svg)")
    }
}
