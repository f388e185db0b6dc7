import EGPODistributed
import Foundation
import ShardedTensor

/// The measurements behind `launcher bench model`, on random tokens from a fixed seed.
struct ModelBenchmark {
    let config: ModelConfig
    let sequences: Int
    let sequenceLength: Int
    let model: Transformer

    init(config: ModelConfig, sequences: Int, sequenceLength: Int) throws {
        self.config = config
        self.sequences = sequences
        self.sequenceLength = sequenceLength
        model = try Transformer(config: config, seed: 0)
    }

    struct TrainResult {
        var seconds: Double, forwardSeconds: Double, backwardSeconds: Double, optimizerSeconds: Double
        var flops: Double, tokens: Int
    }

    struct DecodeResult {
        var decodeTokensPerSecond: Double
        var totalTokensPerSecond: Double
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    static func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

    func randomTokens(_ count: Int, stream: UInt64) -> [Int32] {
        (0..<count).map { Int32(Philox.block(seed: 1234, stream: stream, index: UInt64($0))[0] % UInt32(config.vocabularySize)) }
    }

    /// GFLOP/s of a 4096x512 by 512x512 `cblas_sgemm`, median of 10 after a warm-up.
    func sgemmGflops() -> Double {
        let a = FloatBuffer(count: 4096 * 512), b = FloatBuffer(count: 512 * 512), c = FloatBuffer(count: 4096 * 512)
        Philox.fillNormal(a.base, count: a.count, std: 1, seed: 1, stream: 1)
        Philox.fillNormal(b.base, count: b.count, std: 1, seed: 1, stream: 2)
        var times: [Double] = []
        for i in 0..<11 {
            let t0 = Self.now()
            Matmul.gemm(a.matrix(rows: 4096, cols: 512), b.matrix(rows: 512, cols: 512), into: c.matrix(rows: 4096, cols: 512))
            if i > 0 { times.append(Self.now() - t0) }
        }
        return 2 * 4096 * 512 * 512 / Self.median(times) / 1e9
    }

    /// One SFT-style step: zero grads, forward, backward of mean cross-entropy, AdamW.
    /// Sequences hold `sequenceLength + 1` tokens so the model runs on exactly
    /// sequences x sequenceLength positions, like a (B, T) batch with shifted labels.
    func trainStep(steps: Int) throws -> TrainResult {
        let batch = TokenBatch((0..<sequences).map { randomTokens(sequenceLength + 1, stream: UInt64($0)) })
        let ws = TrainingWorkspace(config: config)
        let grads = model.makeGradientBuffer()
        // The trainer's optimizer path: global grad-norm clip, then AdamW over the whole buffer.
        var optimizer = OptimizerStep(layout: model.layout, hyperparameters: .init(beta1: 0.9, beta2: 0.95, weightDecay: 0.1),
                                      maxGradNorm: 1, schedule: ConstantSchedule(learningRate: 1e-4))
        let n = batch.predictionCount
        let weights = [Float](repeating: -1 / Float(n), count: n)
        var total: [Double] = [], fwd: [Double] = [], bwd: [Double] = [], opt: [Double] = []
        for step in 0...steps {
            let t0 = Self.now()
            grads.zero()
            model.forward(batch, workspace: ws)
            let t1 = Self.now()
            model.backward(batch, logProbWeights: weights, gradients: grads, workspace: ws)
            let t2 = Self.now()
            _ = optimizer.apply(parameters: model.parameters, gradients: grads)
            let t3 = Self.now()
            if step > 0 { total.append(t3 - t0); fwd.append(t1 - t0); bwd.append(t2 - t1); opt.append(t3 - t2) }
        }
        let matmulParameters = Double(config.parameterCount - (config.tieWordEmbeddings ? 0 : config.vocabularySize * config.hiddenSize))
        let t = Double(sequenceLength)
        let attention = 6 * Double(config.layerCount * sequences * config.headCount * config.headDim) * t * (t + 1)
        let flops = 6 * matmulParameters * Double(n) + attention
        return TrainResult(seconds: Self.median(total), forwardSeconds: Self.median(fwd), backwardSeconds: Self.median(bwd),
                           optimizerSeconds: Self.median(opt), flops: flops, tokens: n)
    }

    /// `batch` distinct prompts of `contextLength` tokens, `newTokens` each, temperature 1, no stop.
    /// With `group` > 1, batch / group prompts each get `group` completions sharing the prompt's cache.
    func decode(batch: Int, group: Int = 1, contextLength: Int, newTokens: Int) throws -> DecodeResult {
        let sampler = Sampler(model: model)
        let requests = (0..<batch / group).map {
            SamplingRequest(prompt: randomTokens(contextLength, stream: 1000 + UInt64($0)), completionCount: group,
                            firstSequenceId: UInt64($0 * group))
        }
        let options = SamplingOptions(temperature: 1, maxNewTokens: newTokens, seed: 7)
        _ = try sampler.sample(Array(requests.prefix(1)), options: SamplingOptions(maxNewTokens: 2))   // warm-up
        let t0 = Self.now()
        let completions = try sampler.sample(requests, options: options)
        let elapsed = Self.now() - t0
        let produced = completions.reduce(0) { $0 + $1.tokens.count }
        let timings = sampler.lastTimings
        return DecodeResult(decodeTokensPerSecond: Double(produced - batch) / timings.decodeSeconds,
                            totalTokensPerSecond: Double(produced) / elapsed)
    }
}
