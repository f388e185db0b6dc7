import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// Dequantisation of every supported tensor type against the `gguf` package's own
/// `gguf.quants.dequantize` (values stored by scripts/gguf_fixtures.py in types.expected.f32),
/// bit for bit; and the K-quants against naive twins written from ggml-quants.c's loops.
@Suite struct GGUFDequantizeTests {
    @Test(arguments: ["types.gguf", "types-v2.gguf"])
    func everyTypeEqualsTheGGUFPackagesDequantisation(name: String) throws {
        let file = try GGUFFile(path: GGUFFixtures.path(name))
        let raw = try GGUFFixtures.bytes("types.expected.f32")
        let expected: [Float] = raw.withUnsafeBytes { p in (0 ..< raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        var offset = 0
        var seen: Set<String> = []
        for tensor in file.tensors {
            let got = try file.read(tensor)
            let want = Array(expected[offset ..< offset + got.count])
            offset += got.count
            let mismatches = zip(got, want).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
            let largest = zip(got, want).map { abs($0 - $1) }.max() ?? 0
            #expect(mismatches.isEmpty, "\(tensor.name) (\(tensor.type.name)): \(mismatches.count) of \(got.count) differ, largest \(largest), first \(mismatches.prefix(3).map { "[\($0.offset)] \($0.element.0) vs \($0.element.1)" })")
            #expect(got.allSatisfy { $0.isFinite })
            seen.insert(tensor.type.name)
        }
        #expect(offset == expected.count)
        #expect(seen == Set(GGMLType.supported.map(\.name)))
    }

    /// dequantize_row_q4_K of ggml-quants.c, loop for loop: 64 weights per step, scales taken
    /// with get_scale_min_k4.
    static func naiveQ4K(_ b: [UInt8]) -> [Float] {
        func f16(_ i: Int) -> Float { Float(Float16(bitPattern: UInt16(b[i]) | UInt16(b[i + 1]) << 8)) }
        func scaleMin(_ j: Int) -> (UInt8, UInt8) {
            let q = Array(b[4 ..< 16])
            return j < 4 ? (q[j] & 63, q[j + 4] & 63) : ((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
        }
        let d = f16(0), dmin = f16(2)
        var y: [Float] = [], q = 16, s = 0
        for _ in stride(from: 0, to: 256, by: 64) {
            let (sc1, m1) = scaleMin(s), (sc2, m2) = scaleMin(s + 1)
            let d1 = d * Float(sc1), mm1 = dmin * Float(m1), d2 = d * Float(sc2), mm2 = dmin * Float(m2)
            for l in 0 ..< 32 { y.append(d1 * Float(b[q + l] & 0xF) - mm1) }
            for l in 0 ..< 32 { y.append(d2 * Float(b[q + l] >> 4) - mm2) }
            q += 32; s += 2
        }
        return y
    }

    /// dequantize_row_q6_K of ggml-quants.c: two halves of 128, four outputs per l.
    static func naiveQ6K(_ b: [UInt8]) -> [Float] {
        let d = Float(Float16(bitPattern: UInt16(b[208]) | UInt16(b[209]) << 8))
        var y = [Float](repeating: 0, count: 256)
        var ql = 0, qh = 128, sc = 192
        for n in stride(from: 0, to: 256, by: 128) {
            for l in 0 ..< 32 {
                let s = l / 16
                let q1 = Int((b[ql + l] & 0xF) | ((b[qh + l] >> 0) & 3) << 4) - 32
                let q2 = Int((b[ql + l + 32] & 0xF) | ((b[qh + l] >> 2) & 3) << 4) - 32
                let q3 = Int((b[ql + l] >> 4) | ((b[qh + l] >> 4) & 3) << 4) - 32
                let q4 = Int((b[ql + l + 32] >> 4) | ((b[qh + l] >> 6) & 3) << 4) - 32
                func scale(_ k: Int) -> Float { d * Float(Int8(bitPattern: b[sc + k])) }
                y[n + l] = scale(s) * Float(q1)
                y[n + l + 32] = scale(s + 2) * Float(q2)
                y[n + l + 64] = scale(s + 4) * Float(q3)
                y[n + l + 96] = scale(s + 6) * Float(q4)
            }
            ql += 64; qh += 32; sc += 8
        }
        return y
    }

    @Test func kQuantsEqualTheirNaiveTwinsOnRandomBlocks() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 200 {
            var q4 = (0 ..< 144).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            var q6 = (0 ..< 210).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            // Finite scales: fp16 exponent bits below all-ones.
            q4[1] &= 0x7B; q4[3] &= 0x7B; q6[209] &= 0x7B
            for (type, bytes, naive) in [(GGMLType.q4_K, q4, Self.naiveQ4K(q4)), (.q6_K, q6, Self.naiveQ6K(q6))] {
                var out = [Float](repeating: 0, count: 256)
                bytes.withUnsafeBytes { raw in out.withUnsafeMutableBufferPointer { GGMLDequantize.dequantize(raw, type: type, into: $0) } }
                let differ = zip(out, naive).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }
                #expect(differ == nil, "\(type.name): first difference at \(differ?.offset ?? -1): \(differ.map { "\($0.element.0) vs \($0.element.1)" } ?? "")")
            }
        }
    }
}
