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
}
