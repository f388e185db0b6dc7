@testable import EGPODistributed
import ShardedTensor
import Testing

/// ZeRO-1's arithmetic without communication: the ranks' shard updates put together are the
/// full update, bit for bit, wherever the shard boundaries cut the tensors.
@Suite struct OptimizerShardTests {
    @Test(arguments: [2, 3, 5, 8])
    func shardUpdatesAssembleToTheFullUpdate(worldSize: Int) throws {
        let config = tinyConfig(bias: true)
        let layout = config.parameterLayout
        var o = TrainerConfig.Optimizer()
        o.weightDecay = 0.1
        o.learningRate = 1e-2
        let start = testValues(layout.totalCount, seed: 31).map { Float($0) }
        let grads = [testValues(layout.totalCount, seed: 32), testValues(layout.totalCount, seed: 33)].map { FloatBuffer($0.map { Float($0) }) }

        func run(shard: Range<Int>?) throws -> ([Float], [Float]) {
            let p = FloatBuffer(start)
            var step = o.step(layout: layout, totalSteps: 10, shard: shard)
            for g in grads { _ = step.apply(parameters: p, gradients: g) }
            return (p.toArray(), step.secondMoment.toArray())
        }
        let full = try run(shard: nil)
        var assembled = [Float](repeating: .nan, count: layout.totalCount), moments: [Float] = []
        let shards = ShardLayout(count: layout.totalCount, worldSize: worldSize)
        for r in 0..<worldSize {
            let range = shards.range(rank: r)
            let (p, v) = try run(shard: range)
            assembled.replaceSubrange(range, with: p[range])
            moments += v
        }
        #expect(assembled == full.0)
        #expect(moments == full.1)
        // The boundaries do cut through tensors (a norm weight among them for some world sizes),
        // so the per-tensor decay rule was exercised inside shards.
        let cuts = (1..<worldSize).map { shards.offsets[$0] }
        #expect(cuts.contains { c in !layout.entries.contains { $0.offset == c } })
    }

    /// A tensor's rate factor (LoRA's token rows) scales its update and nothing else's, also
    /// inside a shard that cuts it: with no decay, Adam's first step moves each element by about
    /// the rate, so the scaled tensor moves 25 times as far.
    @Test func aTensorsRateFactorScalesItsUpdateOnly() throws {
        let config = tinyConfig()
        let layout = config.parameterLayout
        var o = TrainerConfig.Optimizer()
        o.learningRate = 1e-3
        let start = testValues(layout.totalCount, seed: 41).map { Float($0) }
        let grad = FloatBuffer(testValues(layout.totalCount, seed: 42).map { Float($0) })
        let scaled = "model.embed_tokens.weight", e = layout[scaled]
        func moved(_ rateScale: @escaping (String) -> Float, shard: Range<Int>? = nil) -> [Float] {
            let p = FloatBuffer(start)
            var step = o.step(layout: layout, totalSteps: 10, shard: shard, rateScale: rateScale)
            _ = step.apply(parameters: p, gradients: grad)
            return zip(p.toArray(), start).map { abs($0 - $1) }
        }
        let plain = moved { _ in 1 }, boosted = moved { $0 == scaled ? 25 : 1 }
        for i in 0..<layout.totalCount {
            let inside = (e.offset ..< e.offset + e.count).contains(i)
            if inside { #expect(abs(boosted[i] - 25 * plain[i]) <= 1e-6 * max(1, boosted[i])) } else { #expect(boosted[i] == plain[i]) }
        }
        // A shard boundary inside the tensor: each part still takes the factor.
        let cut = e.offset + e.count / 2
        let lower = moved({ $0 == scaled ? 25 : 1 }, shard: 0 ..< cut), upper = moved({ $0 == scaled ? 25 : 1 }, shard: cut ..< layout.totalCount)
        #expect(Array(lower[0 ..< cut]) == Array(boosted[0 ..< cut]) && Array(upper[cut...]) == Array(boosted[cut...]))
    }
}
