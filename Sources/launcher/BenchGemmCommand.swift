import ArgumentParser
import Foundation
import ShardedTensor

/// `launcher bench gemm`: the matrix products of a model's layers, fp32 (OpenBLAS sgemm) against
/// bf16 with fp32 accumulation (oneDNN), in GFLOP/s, in one run: the rate the bf16 training step
/// is measured against.
struct BenchGemmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Time fp32 (OpenBLAS) and bf16 (oneDNN) matrix products on a model's layer shapes.",
        discussion: """
        Shapes are (rows, outputs, inputs) of x W^T: by default a 135M model's (SmolLM2: hidden 576, MLP 1536, \
        vocabulary 49,152) at 512 rows (training), 64 and 8 (decoding). bf16 is timed on inputs already in \
        bf16 and, separately, with the rounding of x that a layer does on every call. On a CPU without bf16 \
        instructions (AVX512-BF16 or AMX) the bf16 columns are the bf16 inputs widened to fp32 and multiplied \
        by sgemm, as the tests compute there; runs compute in fp32 on such a CPU.
        """
    )

    @Option(help: "Threads (OpenBLAS and oneDNN).") var threads = 1
    @Option(help: "Seconds to run each measurement for (at least 3 repetitions).") var seconds = 1.0
    @Option(parsing: .upToNextOption, help: "Shapes as ROWSxOUTxIN (default: SmolLM2's layers).") var shapes: [String] = []
    @Flag(help: "Print one JSON line per shape.") var json = false

    func parsedShapes() throws -> [(m: Int, n: Int, k: Int)] {
        if shapes.isEmpty {
            return [(512, 1536, 576), (512, 576, 1536), (512, 576, 576), (512, 49152, 576), (64, 1536, 576), (8, 1536, 576)]
        }
        return try shapes.map { text in
            let parts = text.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 3, parts.allSatisfy({ (1...100_000).contains($0) }) else {
                throw ValidationError("--shapes \(text): expected ROWSxOUTxIN with each from 1 to 100000, e.g. 512x1536x576")
            }
            return (parts[0], parts[1], parts[2])
        }
    }

    func validate() throws {
        _ = try parsedShapes()
        try OptionRange.check(threads, "--threads", max: 1024)
        guard seconds > 0 && seconds <= 60 else { throw ValidationError("--seconds \(seconds) must be in (0, 60]") }
    }

    /// Median seconds per call of `body`, over repetitions filling about `seconds`.
    func time(_ body: () -> Void) -> Double {
        body()
        var samples: [Double] = []
        let start = ContinuousClock.now
        while samples.count < 3 || (ContinuousClock.now - start).seconds < seconds {
            let t = ContinuousClock.now
            body()
            samples.append((ContinuousClock.now - t).seconds)
        }
        return samples.sorted()[samples.count / 2]
    }

    func run() throws {
        Matmul.threads = threads
        if !json {
            Console.out("bench gemm: \(threads) thread(s), CPU \(BF16Matmul.instructionSet)\(BF16Matmul.isNative ? "" : " (no bf16 instructions: the bf16 columns widen their inputs to fp32 for sgemm)")")
            Console.out("  rows x out x in        fp32 GFLOP/s  bf16 GFLOP/s  bf16+round  ratio   oneDNN kernel")
        }
        for (m, n, k) in try parsedShapes() {
            let x = FloatBuffer(count: m * k), w = FloatBuffer(count: n * k), y = FloatBuffer(count: m * n)
            for i in 0..<x.count { x[i] = Float(Philox.uniform(seed: 1, stream: 1, index: UInt64(i)) - 0.5) }
            for i in 0..<w.count { w[i] = Float(Philox.uniform(seed: 1, stream: 2, index: UInt64(i)) - 0.5) }
            let xb = BF16Buffer(count: m * k), wb = BF16Buffer(count: n * k)
            BF16Matmul.round(x.matrix(rows: m, cols: k), into: xb.matrix(m, k))
            BF16Matmul.round(w.matrix(rows: n, cols: k), into: wb.matrix(n, k))
            let flops = 2 * Double(m) * Double(n) * Double(k)
            let fp32 = time { Matmul.gemm(x.matrix(rows: m, cols: k), w.matrix(rows: n, cols: k), transposeB: true, into: y.matrix(rows: m, cols: n)) }
            let bf16 = time { BF16Matmul.gemm(xb.matrix(m, k), wb.matrix(n, k), transposeB: true, into: y.matrix(rows: m, cols: n)) }
            let rounded = time {
                BF16Matmul.round(x.matrix(rows: m, cols: k), into: xb.matrix(m, k))
                BF16Matmul.gemm(xb.matrix(m, k), wb.matrix(n, k), transposeB: true, into: y.matrix(rows: m, cols: n))
            }
            let kernel = BF16Matmul.implementation(m: m, n: n, k: k)
            if json {
                Console.out(#"{"rows": \#(m), "out": \#(n), "in": \#(k), "threads": \#(threads), "fp32_gflops": \#(flops / fp32 / 1e9), "bf16_gflops": \#(flops / bf16 / 1e9), "bf16_with_rounding_gflops": \#(flops / rounded / 1e9), "kernel": "\#(kernel)"}"#)
            } else {
                Console.out("  " + "\(m)x\(n)x\(k)".padding(toLength: 20, withPad: " ", startingAt: 0)
                            + String(format: " %12.1f  %12.1f  %10.1f  %5.2fx  ", flops / fp32 / 1e9, flops / bf16 / 1e9, flops / rounded / 1e9, fp32 / rounded)
                            + kernel)
            }
        }
    }
}
