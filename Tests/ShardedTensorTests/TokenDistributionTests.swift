import Testing
import ShardedTensor
import TestSupport

@Suite struct TokenDistributionTests {
    @Test(arguments: [1.0, 0.7])
    func logProbAndEntropyMatchNaiveAndFiniteDifferences(temperature: Double) {
        let n = 4, v = 9
        let logits = randomValues(n * v, seed: 90, scale: 3), targets = [0, 8, 3, 3]
        let a = randomValues(n, seed: 91), b = randomValues(n, seed: 92)
        let fl = floats(logits), tk = int32s(targets)
        let lp = FloatBuffer(count: n), ent = FloatBuffer(count: n)
        tk.withUnsafeBufferPointer {
            TokenDistribution.forward(logits: fl.matrix(rows: n, cols: v), targets: $0.baseAddress!, temperature: Float(temperature),
                                      logProbs: lp.base, entropies: ent.base)
        }
        let want = NaiveKernels.tokenDistribution(logits: logits, vocabulary: v, targets: targets, temperature: temperature)
        let cl = closeness(lp.toArray(), want.logProbs, atol: 1e-5, rtol: 1e-5, label: "log-probs T=\(temperature)")
        let ce = closeness(ent.toArray(), want.entropies, atol: 1e-5, rtol: 1e-5, label: "entropies T=\(temperature)")
        #expect(cl.ok, "\(cl)")
        #expect(ce.ok, "\(ce)")

        // d/dlogits of sum a*logp + b*H, with and without the entropy term.
        for withEntropy in [false, true] {
            let dz = FloatBuffer(count: n * v), fa = floats(a), fb = floats(b)
            tk.withUnsafeBufferPointer {
                TokenDistribution.backward(logits: fl.matrix(rows: n, cols: v), targets: $0.baseAddress!, temperature: Float(temperature),
                                           logProbWeights: fa.base, entropyWeights: withEntropy ? UnsafePointer(fb.base) : nil,
                                           dLogits: dz.matrix(rows: n, cols: v))
            }
            let fd = FiniteDifferences.gradient(at: logits) { x in
                let r = NaiveKernels.tokenDistribution(logits: x, vocabulary: v, targets: targets, temperature: temperature)
                return (0..<n).reduce(0.0) { $0 + a[$1] * r.logProbs[$1] + (withEntropy ? b[$1] * r.entropies[$1] : 0) }
            }
            let c = closeness(dz.toArray(), fd, atol: 1e-5, rtol: 1e-4, label: "dlogits entropy=\(withEntropy)")
            #expect(c.ok, "\(c)")
        }
    }
}
