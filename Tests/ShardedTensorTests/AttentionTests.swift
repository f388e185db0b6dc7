import Testing
import ShardedTensor
import TestSupport

@Suite struct AttentionTests {
    /// Runs the fast forward on Double inputs and returns out and the saved log-sum-exps.
    func fastForward(q: [Double], k: [Double], v: [Double], rows: Int, segments: [AttentionSegment],
                     shape: AttentionShape, blockRows: Int) -> (FloatBuffer, FloatBuffer, [FloatBuffer]) {
        let fq = floats(q), fk = floats(k), fv = floats(v)
        let qc = shape.heads * shape.headDim, kc = shape.kvHeads * shape.headDim
        let out = FloatBuffer(count: rows * qc)
        let probs = FloatBuffer(count: CausalAttention.statisticsCount(rows: rows, shape: shape))
        let longest = segments.map(\.length).max()!
        let scratch = FloatBuffer(count: CausalAttention.scratchCount(maxLength: longest, workers: 1))
        CausalAttention.forward(q: fq.matrix(rows: rows, cols: qc), k: fk.matrix(rows: rows, cols: kc), v: fv.matrix(rows: rows, cols: kc),
                                into: out.matrix(rows: rows, cols: qc), logSumExp: probs.base, segments: segments, shape: shape,
                                scratch: scratch.bufferPointer, blockRows: blockRows)
        return (out, probs, [fq, fk, fv])
    }

    @Test func longSequenceForwardMatchesNaiveAcrossBlocks() {
        // 70 rows cross the 64-row block boundary of the default blocking.
        let shape = AttentionShape(heads: 4, kvHeads: 2, headDim: 8)
        let segments = [AttentionSegment(start: 0, length: 70), AttentionSegment(start: 72, length: 5)]
        let rows = 77
        let q = randomValues(rows * 32, seed: 70), k = randomValues(rows * 16, seed: 71), v = randomValues(rows * 16, seed: 72)
        let (out, _, _) = fastForward(q: q, k: k, v: v, rows: rows, segments: segments, shape: shape, blockRows: CausalAttention.blockRows)
        let want = NaiveKernels.causalAttention(q: q, k: k, v: v, rows: rows, segments: segments, shape: shape)
        // Padding rows 70, 71 and 77.. are not written: they stay zero, as in the naive twin.
        let c = closeness(out.toArray(), want, atol: 1e-5, rtol: 1e-4, label: "attention forward (70 + 5 rows)")
        #expect(c.ok, "\(c)")
    }

    @Test func backwardMatchesFiniteDifferencesWithGQAAndPadding() {
        // Block size 3 exercises the blocked causal products on short sequences.
        let shape = AttentionShape(heads: 4, kvHeads: 2, headDim: 3)
        let segments = [AttentionSegment(start: 0, length: 7), AttentionSegment(start: 8, length: 4)]
        let rows = 12, qc = 12, kc = 6
        let q = randomValues(rows * qc, seed: 80), k = randomValues(rows * kc, seed: 81), v = randomValues(rows * kc, seed: 82)
        let dy = randomValues(rows * qc, seed: 83)
        let (out, probs, inputs) = fastForward(q: q, k: k, v: v, rows: rows, segments: segments, shape: shape, blockRows: 3)
        let want = NaiveKernels.causalAttention(q: q, k: k, v: v, rows: rows, segments: segments, shape: shape)
        let cf = closeness(out.toArray(), want, atol: 1e-5, rtol: 1e-4, label: "attention forward")
        #expect(cf.ok, "\(cf)")

        let dq = FloatBuffer(count: rows * qc), dk = FloatBuffer(count: rows * kc), dv = FloatBuffer(count: rows * kc)
        let scratch = FloatBuffer(count: 2 * 3 * 7)
        let upstream = floats(dy)
        CausalAttention.backward(upstream.matrix(rows: rows, cols: qc), q: inputs[0].matrix(rows: rows, cols: qc),
                                 k: inputs[1].matrix(rows: rows, cols: kc), v: inputs[2].matrix(rows: rows, cols: kc),
                                 logSumExp: probs.base, segments: segments, shape: shape,
                                 dq: dq.matrix(rows: rows, cols: qc), dk: dk.matrix(rows: rows, cols: kc), dv: dv.matrix(rows: rows, cols: kc),
                                 scratch: scratch.bufferPointer, blockRows: 3)
        let gq = fdGradient(q, upstream: dy) { NaiveKernels.causalAttention(q: $0, k: k, v: v, rows: rows, segments: segments, shape: shape) }
        let gk = fdGradient(k, upstream: dy) { NaiveKernels.causalAttention(q: q, k: $0, v: v, rows: rows, segments: segments, shape: shape) }
        let gv = fdGradient(v, upstream: dy) { NaiveKernels.causalAttention(q: q, k: k, v: $0, rows: rows, segments: segments, shape: shape) }
        for (label, got, fd) in [("dq", dq, gq), ("dk", dk, gk), ("dv", dv, gv)] {
            let c = closeness(got.toArray(), fd, atol: 1e-4, rtol: 1e-3, label: "attention \(label)")
            #expect(c.ok, "\(c)")
        }
    }
}

@Suite struct CachedAttentionTests {
    @Test(arguments: [0, 5, 9])
    func equalsTheLastRowOfCausalAttention(prefixLength: Int) {
        let shape = AttentionShape(heads: 4, kvHeads: 2, headDim: 4)
        let n = 10, qc = 16, kc = 8
        let q = randomValues(n * qc, seed: 200), k = randomValues(n * kc, seed: 201), v = randomValues(n * kc, seed: 202)
        let want = NaiveKernels.causalAttention(q: q, k: k, v: v, rows: n, segments: [AttentionSegment(start: 0, length: n)], shape: shape)
        let fq = floats(q), fk = floats(k), fv = floats(v), out = FloatBuffer(count: qc)
        let scratch = FloatBuffer(count: CachedAttention.scratchCount(maxKeys: n, shape: shape))
        let keys = fk.matrix(rows: n, cols: kc), values = fv.matrix(rows: n, cols: kc)
        CachedAttention.forward(q: fq.base + (n - 1) * qc, prefixKeys: keys.rows(0 ..< prefixLength), prefixValues: values.rows(0 ..< prefixLength),
                                ownKeys: keys.rows(prefixLength ..< n), ownValues: values.rows(prefixLength ..< n), shape: shape,
                                into: out.base, scratch: scratch.base)
        let c = closeness(out.toArray(), Array(want[(n - 1) * qc ..< n * qc]), atol: 1e-5, rtol: 1e-4, label: "cached attention, prefix \(prefixLength)")
        #expect(c.ok, "\(c)")
    }
}
