import Testing
import ShardedTensor

@Suite struct PhiloxTests {
    /// Known-answer vectors of Philox4x32-10 from Random123's kat_vectors.
    @Test func matchesRandom123KnownAnswers() {
        #expect(Philox.block(seed: 0, stream: 0, index: 0) == SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
        #expect(Philox.block(seed: .max, stream: .max, index: .max) == SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
        let got = Philox.block(seed: 0x299f_31d0_a409_3822, stream: 0x0370_7344_1319_8a2e, index: 0x85a3_08d3_243f_6a88)
        #expect(got == SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    @Test func normalsHaveUnitVariance() {
        let n = 20_000
        let buf = FloatBuffer(count: n)
        Philox.fillNormal(buf.base, count: n, std: 1, seed: 42, stream: 3)
        let xs = buf.toArray().map(Double.init)
        let mean = xs.reduce(0, +) / Double(n)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        // Standard errors: mean 0.007, variance 0.01.
        #expect(abs(mean) < 0.03, "mean \(mean)")
        #expect(abs(variance - 1) < 0.05, "variance \(variance)")
    }
}
