import FileChecks
import Foundation
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// The memory estimate against what a real step allocates, and the refusal a user sees.
@Suite(.serialized) struct MemoryEstimateTests {
    typealias D = DistributedTrainingTests

    /// The per-row counts the estimate uses are the ones the buffers have.
    @Test(arguments: [false, true])
    func perRowCountsMatchTheBuffers(qkNorm: Bool) throws {
        var config = D.architecture
        if qkNorm { config.architecture = .qwen3 }
        let workspace = TrainingWorkspace(config: config)
        workspace.reserve(rows: 37, maxLength: 20)
        #expect(workspace.allocatedFloats == 37 * TrainingWorkspace.floatsPerRow(config) + CausalAttention.scratchCount(maxLength: 20))
    }

    /// One EGPO step at 1 and 2 ranks: each part the estimate counts covers what the step
    /// allocated for it, and is not far above it (the estimate takes the longest prompt for
    /// every group and a micro-batch's worst group count).
    @Test(arguments: [1, 2])
    func theEstimateCoversARealStep(worldSize: Int) throws {
        let config = D.config(), tasks = D.tasks
        let results = try LocalCommunicator.run(size: worldSize) { comm in
            let model = try Transformer(config: D.architecture, seed: 11)
            let replica = try PolicyReplica(policy: LoadedModel(model: model, tokenizer: ByteTokenizer()), optimizer: config.optimizer,
                                            totalSteps: 2, communicator: comm)
            let codec = try TaskCodec(tokenizer: ByteTokenizer())
            let trainer = try EGPOTrainer(config: config, replica: replica, tasks: tasks, codec: codec)
            trainer.reward = D.parityReward
            _ = try trainer.step(0)
            let longest = trainer.prompts.map(\.count).max() ?? 0
            let estimate = MemoryEstimate(model: D.architecture, config: config, worldSize: comm.size, promptLength: longest, purpose: .reinforcement)
            return (estimate, replica.workspace.allocatedFloats, trainer.sampler.allocatedFloats,
                    replica.optimizer.stateBytes, replica.model.parameters.count)
        }
        for (estimate, workspace, sampler, optimizerBytes, parameters) in results {
            func part(_ prefix: String) -> Double { estimate.parts.first { $0.name.hasPrefix(prefix) }!.bytes }
            let activations = part("training activations"), sampling = part("sampler")
            #expect(activations >= Double(workspace * 4) && activations <= 4 * Double(workspace * 4), "\(activations) vs \(workspace * 4)")
            #expect(sampling >= Double(sampler * 4) && sampling <= 4 * Double(sampler * 4), "\(sampling) vs \(sampler * 4)")
            #expect(part("AdamW moments") == Double(optimizerBytes))
            #expect(part("parameters") == Double(parameters * 4) && part("reference policy") == Double(parameters * 4))
        }
    }

    /// The same with LoRA (rank 4 on every linear): gradients and moments are the adapters',
    /// the adapters' activations are counted, and there is no reference copy (beta > 0).
    @Test func theEstimateCoversARealLoRAStep() throws {
        var config = D.config()
        config.model.lora = LoRAConfig(rank: 4, alpha: 8)
        let lora = config.model.lora, tasks = D.tasks, c = config
        let (estimate, workspace, optimizerBytes, adapterCount) = try LocalCommunicator.run(size: 1) { comm in
            let base = try Transformer(config: D.architecture, seed: 11)
            let adapters = LoRAAdapters.initial(config: lora, model: D.architecture, seed: 1)
            let policy = LoadedModel(model: base.with(adapters: adapters), tokenizer: ByteTokenizer())
            let replica = try PolicyReplica(policy: policy, optimizer: c.optimizer, totalSteps: 2, communicator: comm,
                                            trainable: .adapters(of: policy.model))
            let trainer = try EGPOTrainer(config: c, replica: replica, tasks: tasks, codec: try TaskCodec(tokenizer: ByteTokenizer()))
            trainer.reward = D.parityReward
            _ = try trainer.step(0)
            #expect(trainer.reference === nil || trainer.reference!.parameters === base.parameters)
            let longest = trainer.prompts.map(\.count).max() ?? 0
            return (MemoryEstimate(model: D.architecture, config: c, worldSize: 1, promptLength: longest, purpose: .reinforcement),
                    replica.workspace.allocatedFloats, replica.optimizer.stateBytes,
                    adapters.layout.totalCount)
        }[0]
        func part(_ prefix: String) -> Double? { estimate.parts.first { $0.name.hasPrefix(prefix) }?.bytes }
        #expect(part("AdamW moments") == Double(optimizerBytes) && optimizerBytes == 8 * adapterCount)
        #expect(part("gradients") == Double(4 * adapterCount) && part("LoRA adapters") == Double(4 * adapterCount))
        #expect(part("reference policy") == nil)
        let activations = part("training activations")!
        #expect(activations >= Double(workspace * 4) && activations <= 4 * Double(workspace * 4), "\(activations) vs \(workspace * 4)")
    }

    @Test func zeroOneShardsTheMomentsInTheEstimate() {
        var config = D.config()
        config.optimizer.zero = .stage1
        let full = MemoryEstimate(model: D.architecture, config: config, worldSize: 1, promptLength: 100, purpose: .reinforcement)
        let sharded = MemoryEstimate(model: D.architecture, config: config, worldSize: 4, promptLength: 100, purpose: .reinforcement)
        let p = Double(D.architecture.parameterLayout.totalCount)
        #expect(full.parts.first { $0.name.hasPrefix("AdamW") }!.bytes == 8 * p)
        #expect(sharded.parts.first { $0.name.hasPrefix("AdamW") }!.bytes == 8 * (p / 4).rounded(.up))
        // A ZeRO-1 checkpoint streams the moments: rank 0 holds one round of every rank's shard.
        let chunk = Double(min(TrainingCheckpoint.gatherChunk, Int((p / 4).rounded(.up))))
        #expect(sharded.parts.first { $0.name.hasPrefix("checkpoint gather") }!.bytes == 4 * 5 * chunk)
        let other = MemoryEstimate(model: D.architecture, config: config, worldSize: 4, rank: 1, promptLength: 100, purpose: .reinforcement)
        #expect(other.parts.first { $0.name.hasPrefix("checkpoint gather") }!.bytes == 4 * chunk)
        #expect(!full.parts.contains { $0.name.hasPrefix("checkpoint gather") })
    }

    @Test func aRunThatCannotFitIsRefusedWithTheNumbers() throws {
        let estimate = MemoryEstimate(model: D.architecture, config: D.config(), worldSize: 2, promptLength: 400, purpose: .reinforcement)
        #expect(throws: Never.self) { try MachineMemory.check(estimate, ranksOnHost: 2, available: 2 * estimate.total + 1) }
        do {
            try MachineMemory.check(estimate, ranksOnHost: 2, available: 1e8)
            Issue.record("expected a refusal")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix(String(format: "memory: this run needs about %.2f GB on this rank, %.2f GB for its 2 rank(s) on this host, but 0.10 GB is available",
                                          estimate.total / 1e9, 2 * estimate.total / 1e9)), "\(text)")
            #expect(text.contains("reference policy") && text.contains("optimizer.zero: 1"))
        }
    }

    @Test func theLauncherRefusesBeforeTraining() throws {
        let dir = try Fixtures.temporaryDirectory()
        let run = try LauncherBinary.run(["train", "--set", "eval.tasks=0", "--steps", "1", "--run-dir", dir.appendingPathComponent("run").path],
                                         environment: ["EGPO_MEMORY_AVAILABLE": "1e8"])
        #expect(run.status != 0 && !run.signaled)
        #expect(run.stderr.contains("Error: memory: this run needs about") && run.stderr.contains("but 0.10 GB is available"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/checkpoints/final.h5").path))
    }

    @Test func aModelTooLargeForMemoryIsRefusedBeforeItsParametersAreAllocated() throws {
        let dir = try Fixtures.temporaryDirectory()
        let model = dir.appendingPathComponent("m.h5").path
        try ModelFile.write(try Transformer(config: D.architecture, seed: 1), tokenizer: ByteTokenizer(), to: model)
        let run = try LauncherBinary.run(["sample", "--checkpoint", model, "--prompt", "hi"], environment: ["EGPO_MEMORY_AVAILABLE": "1e5"])
        let count = D.architecture.parameterLayout.totalCount
        #expect(run.status == 1 && run.stderr.hasPrefix("Error: \(model): \(count) parameters need "
            + DiskSpace.describe(bytes: Int64(count * 4)) + " in fp32, but 100.0 KB is available"), "\(run.stderr)")
    }
}
