import ShardedTensor

/// This rank's copy of the policy with everything a data-parallel update needs: the trained
/// parameters (`trainable`: every model tensor, or the model's tensors but the frozen ones),
/// their flat gradient buffer, the training workspace and the optimizer. Replicas on all ranks
/// apply the same update to the same summed gradients, so they stay bit-identical.
///
/// The gradients, Adam's moments, the all-reduce and ZeRO-1's shards all cover the trained
/// parameters only (`trainable.layout`); frozen weights have none of them and never change.
///
/// With ZeRO-1 (`optimizer.zero: 1`) the optimizer holds only this rank's shard of Adam's
/// moments and steps only that shard of the parameters, which are then all-gathered. The shard's
/// gradient sum comes from an all-reduce of the whole buffer (the same numbers as plain data
/// parallelism, so the same parameters bit for bit) or a reduce-scatter (less traffic; the sum
/// may round differently).
public final class PolicyReplica {
    /// How the gradients become global and the update is applied.
    public enum Update: Equatable, Sendable {
        /// Every rank steps every parameter.
        case replicated
        /// ZeRO-1 with its gradient collective.
        case zero1(TrainerConfig.GradientPath)
    }

    public let model: Transformer
    public let tokenizer: any Tokenizer
    public let communicator: any Communicator
    /// What the optimizer trains (`TrainableParameters.wholeModel(model)` for full fine-tuning).
    public let trainable: TrainableParameters
    /// One flat gradient buffer in the trained parameters' layout.
    public let gradients: FloatBuffer
    public let workspace: TrainingWorkspace
    public var optimizer: OptimizerStep
    /// `.zero1(.allreduce)` or `.zero1(.reducescatter)` after `auto` is decided.
    public let update: Update
    /// The parameters and gradients split into the ranks' shards (ZeRO-1 only).
    let parameterShards: ShardedBuffer?
    let gradientShards: ShardedBuffer?
    /// Fault tests: makes this rank's next gradient NaN before the sum over ranks (the launcher
    /// sets it from `EGPO_DEBUG_NAN_GRADIENT`), to show every rank skipping the step together.
    public var injectNonFiniteGradient = false
    /// The starting model's Hugging Face side files, written into every training checkpoint.
    public var huggingFaceFiles: [String: String] = [:]
    /// LoRA: the base model file the adapters belong to, which checkpoints name.
    public var base: BaseModelReference?

    /// - Parameters:
    ///   - optimizer: built on `trainable.layout`, for this rank's `shard(count:communicator:)`
    ///     of it under ZeRO-1, for all of it otherwise.
    ///   - trainable: the trained parameters of `model` (nil: all of them).
    ///   - headChunk: vocabulary columns of the output head at a time in the training forward and
    ///     backward (`model.headChunk`; 0: all at once).
    ///   - recompute: keep only each layer's input and recompute its activations in the backward
    ///     (`model.recompute`).
    public init(model: Transformer, tokenizer: any Tokenizer, communicator: any Communicator, optimizer: OptimizerStep,
                update: Update = .replicated, trainable: TrainableParameters? = nil, headChunk: Int = 0,
                recompute: Bool = false) throws {
        let trainable = trainable ?? .wholeModel(model)
        precondition(trainable.model === model, "PolicyReplica: the trained parameters belong to another model")
        self.model = model
        self.tokenizer = tokenizer
        self.communicator = communicator
        self.trainable = trainable
        gradients = trainable.makeGradientBuffer()
        workspace = TrainingWorkspace(config: model.config, headChunk: headChunk, recompute: recompute)
        self.optimizer = optimizer
        if case .zero1(let path) = update {
            let params = ShardedBuffer(wrapping: trainable.values, rank: communicator.rank, worldSize: communicator.size)
            precondition(optimizer.shard == params.shardRange, "PolicyReplica: optimizer shard \(optimizer.shard) vs \(params.shardRange)")
            parameterShards = params
            gradientShards = ShardedBuffer(wrapping: gradients, rank: communicator.rank, worldSize: communicator.size)
            self.update = .zero1(path == .auto ? try Self.fasterPath(gradientShards!, parameters: params, communicator: communicator) : path)
        } else {
            precondition(optimizer.shard == 0 ..< trainable.layout.totalCount, "PolicyReplica: a replicated update steps every trained parameter")
            parameterShards = nil
            gradientShards = nil
            self.update = .replicated
        }
    }

    /// A replica of `policy` with the optimizer `o` describes (ZeRO-1 or not) for a run of
    /// `totalSteps` trainer steps of `updatesPerStep` optimizer updates each (EGPO: `run.steps`
    /// rollout batches of `egpo.mu` updates; SFT: `sft.steps` and 1), which the learning-rate
    /// schedule spans. `trainable` (nil: every tensor) is what it trains.
    public convenience init(policy: LoadedModel, optimizer o: TrainerConfig.Optimizer, totalSteps: Int, updatesPerStep: Int = 1,
                            communicator: any Communicator, trainable: TrainableParameters? = nil, headChunk: Int = 0,
                            recompute: Bool = false) throws {
        let trainable = trainable ?? .wholeModel(policy.model)
        let count = trainable.layout.totalCount
        let zero = o.zero == .stage1
        // LoRA's trained token rows learn at their own factor of the rate.
        let tokenScale = policy.model.adapters?.config.trainableTokenRateScale ?? 1
        try self.init(model: policy.model, tokenizer: policy.tokenizer, communicator: communicator,
                      optimizer: o.step(layout: trainable.layout, totalSteps: totalSteps, updatesPerStep: updatesPerStep,
                                        shard: zero ? Self.shard(count: count, communicator: communicator) : nil,
                                        rateScale: { $0 == LoRAAdapters.tokenRowsName ? tokenScale : 1 }),
                      update: zero ? .zero1(o.gradientPath) : .replicated, trainable: trainable, headChunk: headChunk,
                      recompute: recompute)
        huggingFaceFiles = policy.huggingFaceFiles
        base = policy.base
    }

    /// Bytes of optimizer state per rank, and what it would be without ZeRO-1.
    public var optimizerMemory: (perRank: Int, replicated: Int) {
        (optimizer.stateBytes, 2 * trainable.layout.totalCount * MemoryLayout<Float>.stride)
    }

    /// Adds the gradient of the loss whose per-row weights are given (`Transformer.backward`)
    /// into `gradients`, for the trained tensors only.
    public func backward(_ batch: TokenBatch, logProbWeights: [Float], entropyWeights: [Float]? = nil) {
        model.backward(batch, logProbWeights: logProbWeights, entropyWeights: entropyWeights, gradients: gradients,
                       layout: trainable.layout, workspace: workspace)
    }

    /// The range of the flat trained parameters rank `communicator.rank` steps under ZeRO-1.
    public static func shard(count: Int, communicator: any Communicator) -> Range<Int> {
        ShardLayout(count: count, worldSize: communicator.size).range(rank: communicator.rank)
    }

    /// Sums the gradients over all ranks (the communicator chunks large buffers), then clips and
    /// steps, then publishes the trained values into the model (a no-op for full fine-tuning).
    /// `clock` gets the time spent waiting for the slowest rank to finish its backward as
    /// `waiting` (a barrier), the collectives as `communication`, the update as `optimizer`.
    public func synchronizeAndStep(clock: inout PhaseClock) throws -> OptimizerStep.Report {
        let comm = communicator
        if injectNonFiniteGradient {
            gradients.bufferPointer[0] = .nan
            injectNonFiniteGradient = false
        }
        if comm.size > 1 { try clock.measure(.waiting) { try comm.barrier() } }
        switch update {
        case .replicated, .zero1(.allreduce), .zero1(.auto):
            if comm.size > 1 { try clock.measure(.communication) { try comm.allReduce(gradients.bufferPointer, op: .sum) } }
            let report = clock.measure(.optimizer) { optimizer.apply(parameters: trainable.values, gradients: gradients) }
            if let parameterShards { try clock.measure(.communication) { try parameterShards.allGather(comm) } }
            publish()
            return report
        case .zero1(.reducescatter):
            let shards = gradientShards!, range = shards.shardRange
            try clock.measure(.communication) { try shards.reduceScatter(comm) }
            var squares = GradientClipping.sumOfSquares(UnsafeBufferPointer(gradients.bufferPointer), range: range)
            try clock.measure(.communication) { squares = try comm.allReduce(squares, op: .sum) }
            let report = clock.measure(.optimizer) {
                optimizer.apply(parameters: trainable.values, gradients: gradients, sumOfSquares: squares)
            }
            try clock.measure(.communication) { try parameterShards!.allGather(comm) }
            publish()
            return report
        }
    }

    /// The updated values into the model's buffer, and its bf16 weights rounded again (a LoRA
    /// run's base never changes, so its bf16 copy stays).
    func publish() {
        trainable.publish()
        if !trainable.isAdapters { model.refreshLowPrecisionWeights() }
    }

    /// The report of an update not taken (a non-finite loss): nothing changes, the step count stays.
    public func skippedStep() -> OptimizerStep.Report {
        OptimizerStep.Report(gradNorm: .nan, clipCoefficient: 0, learningRate: optimizer.schedule(optimizer.adam.step), applied: false)
    }

    /// Times two rounds of each ZeRO-1 path on the real buffers (their contents are restored
    /// untouched: the parameters are all-gathered from identical shards, the gradients are zero
    /// before the first backward) and returns the faster; every rank decides on the slowest
    /// rank's times, so all pick the same.
    static func fasterPath(_ gradients: ShardedBuffer, parameters: ShardedBuffer, communicator comm: any Communicator) throws
        -> TrainerConfig.GradientPath {
        guard comm.size > 1 else { return .allreduce }
        func time(_ body: () throws -> Void) throws -> Double {
            try comm.barrier()
            let start = ContinuousClock.now
            for _ in 0..<2 { try body() }
            return try comm.allReduce((ContinuousClock.now - start).seconds, op: .max)
        }
        let allReduce = try time {
            try comm.allReduce(gradients.full, op: .sum)
            try parameters.allGather(comm)
        }
        let reduceScatter = try time {
            try gradients.reduceScatter(comm)
            try parameters.allGather(comm)
        }
        gradients.storage.zero()
        return reduceScatter < allReduce ? .reducescatter : .allreduce
    }
}
