import ArgumentParser
import EGPODistributed
import Foundation

/// `launcher compare-models A B`: how far two model files' parameters are apart, for checking
/// that runs at different world sizes (or a resumed run) reach the same weights.
struct CompareModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-models",
        abstract: "Compare two model files tensor by tensor; exit non-zero past a tolerance.",
        discussion: "The gap is max |a - b| over all parameters divided by max |a|, the largest parameter magnitude of A."
    )

    @Argument(help: "First model file.") var first: String
    @Argument(help: "Second model file.") var second: String
    @Option(help: "Largest accepted gap, relative to the largest parameter of the first model.") var tolerance: Double = 1e-5

    func run() throws {
        let a = try ModelFile.read(from: first), b = try ModelFile.read(from: second)
        guard a.model.config == b.model.config else {
            throw LauncherError("\(first) and \(second) have different architectures")
        }
        guard a.model.adapters?.layout == b.model.adapters?.layout else {
            throw LauncherError("\(first) and \(second) have different LoRA adapters (one has none, or another rank or targets)")
        }
        // The weights, then the LoRA adapters when there are any.
        var pa = a.model.parameters.toArray(), pb = b.model.parameters.toArray()
        var entries = a.model.layout.entries.map { (name: $0.name, range: $0.offset ..< $0.offset + $0.count) }
        if let x = a.model.adapters, let y = b.model.adapters {
            entries += x.layout.entries.map { (name: $0.name, range: pa.count + $0.offset ..< pa.count + $0.offset + $0.count) }
            pa += x.values.toArray()
            pb += y.values.toArray()
        }
        var worstGap: Float = 0, worstName = "", scale: Float = 0
        for e in entries {
            for i in e.range {
                scale = max(scale, abs(pa[i]))
                let d = abs(pa[i] - pb[i])
                if d > worstGap { worstGap = d; worstName = e.name }
            }
        }
        let relative = Double(worstGap) / Double(max(scale, .leastNormalMagnitude))
        let identical = pa == pb
        Console.out(identical ? "compare-models: identical (\(pa.count) parameters\(a.model.adapters == nil ? "" : ", LoRA adapters included"))"
            : String(format: "compare-models: max |a - b| = %.3e in ", Double(worstGap)) + worstName
                + String(format: ", %.3e of the largest parameter (%.3e); tolerance %.1e", relative, Double(scale), tolerance))
        var worst = relative
        // Training checkpoints: Adam's moments too, each relative to its own largest magnitude.
        if let ma = try? moments(first), let mb = try? moments(second) {
            for (name, x, y) in [("adam_m", ma.0, mb.0), ("adam_v", ma.1, mb.1)] where x.count == y.count {
                let scale = Double(x.map { abs($0) }.max() ?? 0), gap = Double(zip(x, y).map { abs($0 - $1) }.max() ?? 0)
                let r = gap / max(scale, Double(Float.leastNormalMagnitude))
                worst = max(worst, r)
                Console.out(x == y ? "compare-models: training/\(name) identical" : "compare-models: training/\(name) " + String(format: "max |a - b| = %.3e, %.3e of its largest value", gap, r))
            }
        }
        if worst > tolerance { throw ExitCode.failure }
    }

    /// Adam's moments of a training checkpoint.
    func moments(_ path: String) throws -> ([Float], [Float]) {
        let loaded = try TrainingCheckpoint.load(path)
        return (loaded.firstMoment, loaded.secondMoment)
    }
}
