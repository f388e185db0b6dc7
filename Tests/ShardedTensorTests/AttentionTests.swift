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

@Suite struct SharedPrefixAttentionTests {
    // Rows: a 5-row prompt (its own causal segment), then two completions of 4 and 3 rows that
    // both see it, with a padding row between them.
    let shape = AttentionShape(heads: 4, kvHeads: 2, headDim: 3)
    let rows = 13, qc = 12, kc = 6
    var segments: [AttentionSegment] {
        [AttentionSegment(start: 0, length: 5), AttentionSegment(start: 5, length: 4, prefixStart: 0, prefixLength: 5),
         AttentionSegment(start: 10, length: 3, prefixStart: 0, prefixLength: 5)]
    }

    func run(_ q: [Double], _ k: [Double], _ v: [Double], _ dy: [Double], segments: [AttentionSegment], rows: Int, blockRows: Int)
        -> (out: [Float], dq: [Float], dk: [Float], dv: [Float]) {
        let fq = floats(q), fk = floats(k), fv = floats(v), up = floats(dy)
        let out = FloatBuffer(count: rows * qc), lse = FloatBuffer(count: rows * shape.heads)
        let span = segments.map(\.span).max()!
        let scratch = FloatBuffer(count: 2 * blockRows * span)
        let mq = fq.matrix(rows: rows, cols: qc), mk = fk.matrix(rows: rows, cols: kc), mv = fv.matrix(rows: rows, cols: kc)
        CausalAttention.forward(q: mq, k: mk, v: mv, into: out.matrix(rows: rows, cols: qc), logSumExp: lse.base, segments: segments,
                                shape: shape, scratch: scratch.bufferPointer, blockRows: blockRows)
        let dq = FloatBuffer(count: rows * qc), dk = FloatBuffer(count: rows * kc), dv = FloatBuffer(count: rows * kc)
        CausalAttention.backward(up.matrix(rows: rows, cols: qc), q: mq, k: mk, v: mv, logSumExp: lse.base, segments: segments,
                                 shape: shape, dq: dq.matrix(rows: rows, cols: qc), dk: dk.matrix(rows: rows, cols: kc),
                                 dv: dv.matrix(rows: rows, cols: kc), scratch: scratch.bufferPointer, blockRows: blockRows)
        return (out.toArray(), dq.toArray(), dk.toArray(), dv.toArray())
    }

    @Test(arguments: [2, 64])
    func forwardAndBackwardMatchTheNaiveTwinAndFiniteDifferences(blockRows: Int) {
        let q = randomValues(rows * qc, seed: 90), k = randomValues(rows * kc, seed: 91), v = randomValues(rows * kc, seed: 92)
        let dy = randomValues(rows * qc, seed: 93)
        let got = run(q, k, v, dy, segments: segments, rows: rows, blockRows: blockRows)
        let naive = { (q: [Double], k: [Double], v: [Double]) in
            NaiveKernels.causalAttention(q: q, k: k, v: v, rows: rows, segments: segments, shape: shape)
        }
        let cf = closeness(got.out, naive(q, k, v), atol: 1e-5, rtol: 1e-4, label: "shared-prefix forward")
        #expect(cf.ok, "\(cf)")
        let fd = [fdGradient(q, upstream: dy) { naive($0, k, v) }, fdGradient(k, upstream: dy) { naive(q, $0, v) },
                  fdGradient(v, upstream: dy) { naive(q, k, $0) }]
        for (label, g, want) in [("dq", got.dq, fd[0]), ("dk", got.dk, fd[1]), ("dv", got.dv, fd[2])] {
            let c = closeness(g, want, atol: 1e-4, rtol: 1e-3, label: "shared-prefix \(label)")
            #expect(c.ok, "\(c)")
        }
    }

    /// The independent check: each completion of the shared layout computes what rows 5... of
    /// its own prompt + completion sequence compute, and the prompt's key/value gradients are the
    /// sum of the two sequences' (the prompt's own query rows counted once, as it runs once).
    @Test func equalsEachCompletionRunWithItsOwnCopyOfThePrompt() {
        let q = randomValues(rows * qc, seed: 94), k = randomValues(rows * kc, seed: 95), v = randomValues(rows * kc, seed: 96)
        let dy = randomValues(rows * qc, seed: 97)
        let shared = run(q, k, v, dy, segments: segments, rows: rows, blockRows: 3)
        // Unshared: [prompt, completion A] then [prompt, completion B]; the second copy of the
        // prompt's upstream gradient is zero, so its own queries are not counted twice.
        func pick<T>(_ x: [T], _ rs: [Int], _ w: Int) -> [T] { rs.flatMap { x[$0 * w ..< ($0 + 1) * w] } }
        let order = Array(0..<9) + Array(0..<5) + Array(10..<13)
        let zeroRows = Set(9..<14)
        let dyU = pick(dy, order, qc).enumerated().map { zeroRows.contains($0.offset / qc) ? 0 : $0.element }
        let plain = run(pick(q, order, qc), pick(k, order, kc), pick(v, order, kc), dyU,
                        segments: [AttentionSegment(start: 0, length: 9), AttentionSegment(start: 9, length: 8)], rows: 17, blockRows: 3)
        let child = Array(5..<9) + Array(10..<13), childInPlain = Array(5..<9) + Array(14..<17)
        let co = closeness(pick(shared.out, child, qc), pick(plain.out, childInPlain, qc).map(Double.init), atol: 1e-6, rtol: 1e-5,
                           label: "completion rows")
        #expect(co.ok, "\(co)")
        for (label, s, p) in [("dk", shared.dk, plain.dk), ("dv", shared.dv, plain.dv)] {
            let prompt = (0..<5 * kc).map { Double(p[$0]) + Double(p[9 * kc + $0]) }
            let c = closeness(Array(s[0 ..< 5 * kc]), prompt, atol: 1e-6, rtol: 1e-5, label: "prompt \(label) summed over completions")
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

    /// The grouped form equals each row's own `forward`: rows with own caches of different lengths,
    /// with and without a prefix, GQA with 3 heads per kv head, a head size off the 16-float vectors.
    @Test(arguments: [0, 7])
    func groupEqualsEachRowAttendingAlone(prefixLength: Int) {
        let shape = AttentionShape(heads: 6, kvHeads: 2, headDim: 5)
        let qc = shape.heads * shape.headDim, kc = shape.kvHeads * shape.headDim
        let lengths = [1, 4, 2, 9]
        let q = floats(randomValues(lengths.count * qc, seed: 210))
        let prefixK = floats(randomValues(max(1, prefixLength) * kc, seed: 211)), prefixV = floats(randomValues(max(1, prefixLength) * kc, seed: 212))
        let ownK = lengths.enumerated().map { floats(randomValues($0.element * kc, seed: 220 + UInt64($0.offset))) }
        let ownV = lengths.enumerated().map { floats(randomValues($0.element * kc, seed: 230 + UInt64($0.offset))) }
        let pk = prefixK.matrix(rows: max(1, prefixLength), cols: kc).rows(0 ..< prefixLength)
        let pv = prefixV.matrix(rows: max(1, prefixLength), cols: kc).rows(0 ..< prefixLength)
        let own = lengths.indices.map { (keys: ownK[$0].matrix(rows: lengths[$0], cols: kc), values: ownV[$0].matrix(rows: lengths[$0], cols: kc)) }
        let maxKeys = prefixLength + lengths.max()!
        let grouped = FloatBuffer(count: lengths.count * qc)
        let scratch = FloatBuffer(count: CachedAttention.groupScratchCount(rows: lengths.count, maxKeys: maxKeys, shape: shape))
        CachedAttention.forwardGroup(q: q.matrix(rows: lengths.count, cols: qc), prefixKeys: pk, prefixValues: pv, own: own, shape: shape,
                                     into: grouped.matrix(rows: lengths.count, cols: qc), scratch: scratch.base)
        let alone = FloatBuffer(count: lengths.count * qc)
        let rowScratch = FloatBuffer(count: CachedAttention.scratchCount(maxKeys: maxKeys, shape: shape))
        for i in lengths.indices {
            CachedAttention.forward(q: q.base + i * qc, prefixKeys: pk, prefixValues: pv, ownKeys: own[i].keys, ownValues: own[i].values,
                                    shape: shape, into: alone.base + i * qc, scratch: rowScratch.base)
        }
        let c = closeness(grouped.toArray(), alone.toArray(), atol: 1e-6, rtol: 1e-5, label: "grouped cached attention, prefix \(prefixLength)")
        #expect(c.ok, "\(c)")
    }
}
