import ArgumentParser
import EGPODistributed
import Foundation
import HDF5

/// `launcher inspect CKPT`: what a checkpoint or model file holds, whether every tensor passes
/// its checksum, and what a resume from it would do.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a checkpoint's config, step, world size, tensors (shape, size, checksum) and what a resume would do.",
        discussion: "Every dataset is read in full, so a corrupted one fails its Fletcher-32 checksum here. Exit status 1 when any does."
    )

    @Argument(help: "A training checkpoint (or a model file).") var checkpoint: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: checkpoint) else { throw LauncherError("\(checkpoint): no such file") }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: checkpoint)[.size] as? Int) ?? 0
        let file: HDF5File
        file = try HDF5File.open(at: checkpoint)
        defer { try? file.close() }
        let root = try file.root
        Console.out("\(checkpoint): " + String(format: "%.1f MB", Double(bytes) / 1e6))

        var failures = 0
        func tensors(_ group: HDF5Group, prefix: String, names: [String]) throws {
            for name in names {
                let shape = try group.datasetShape(name)
                let count = shape.reduce(1, *)
                var status: String
                do {
                    let summed = try group.isChecksummed(name)
                    try verify(group, name)
                    status = summed ? "fletcher32 ok" : "no checksum (read ok)"
                } catch {
                    status = "FAILED: does not read back (Fletcher-32 checksum mismatch or truncated file): \(error)"
                    failures += 1
                }
                Console.out("  \(prefix)\(name)".padding(toLength: 48, withPad: " ", startingAt: 0)
                            + "\(shape)".padding(toLength: 16, withPad: " ", startingAt: 0)
                            + String(format: "%10d  ", count) + status)
            }
        }

        let hasTraining = try root.contains("training")
        if let model = try? ModelFile.read(from: root) {
            let c = model.model.config
            Console.out("model: \(c.parameterCount) parameters, \(c.layerCount) layers, hidden \(c.hiddenSize), \(c.headCount) heads (\(c.kvHeadCount) kv), vocabulary \(c.vocabularySize), tokenizer \(model.tokenizer.vocabSize) ids")
        }
        Console.out("tensors (name, shape, elements, checksum):")
        try tensors(root, prefix: "", names: try root.childNames().filter { $0 != "training" })
        guard hasTraining else {
            Console.out("a model file without training state: it can start a run (--set model.checkpoint=\(checkpoint)), score, sample or eval, but not resume one")
            if failures > 0 { throw ExitCode.failure }
            return
        }
        let t = try root.group("training")
        try tensors(t, prefix: "training/", names: try t.childNames())
        if failures > 0 {
            Console.out("\(failures) tensor(s) failed to verify: this checkpoint cannot be resumed from")
            throw ExitCode.failure
        }
        let loaded = try TrainingCheckpoint.load(checkpoint)
        let s = loaded.state
        Console.out("training state: \(s.kind.rawValue), checkpoint version \(try t.int64Attribute("checkpoint_version")), step \(s.step), \(s.optimizerStep) optimizer updates, written at \(s.worldSize) rank(s), ZeRO-\(s.config.optimizer.zero.rawValue)")
        Console.out("data: epoch \(s.cursor.epoch), position \(s.cursor.position), shuffle seed \(s.cursor.shuffleSeed)")
        let rng = try t.readDataset("rng_state", as: Int64.self).values
        Console.out("random state (counter-based sampling: seed, next sequence id): "
                    + (0..<s.worldSize).map { "rank \($0) (\(rng[2 * $0]), \(rng[2 * $0 + 1]))" }.joined(separator: ", "))
        Console.out("metrics: \(s.metricsLines.count) step record(s); evaluations: \(s.evaluationsJSON == nil ? "none" : "saved")"
                    + (loaded.reference == nil ? "; no reference policy" : "; reference policy saved"))
        let total = s.kind == .sft ? s.config.sft.steps : s.config.run.steps
        let stepsKey = s.kind == .sft ? "sft.steps" : "run.steps"
        Console.out("resume: `\(s.kind.command) --resume \(checkpoint)` continues at step \(s.step + 1) of \(stepsKey) \(total) ("
                    + (total > s.step ? "\(total - s.step) to go" : "nothing left; raise --steps to train more")
                    + "), at any world size (the moments are stored full length), with the architecture above and this config:")
        Console.out(s.config.table())
    }

    /// Reads a dataset in full (HDF5 verifies the Fletcher-32 checksum of every chunk it reads),
    /// as whichever of the stored element types it is.
    func verify(_ group: HDF5Group, _ name: String) throws {
        do { _ = try group.readDataset(name, as: Float.self); return } catch HDF5Error.typeMismatch(_, _, _, _) {}
        do { _ = try group.readDataset(name, as: Int64.self); return } catch HDF5Error.typeMismatch(_, _, _, _) {}
        _ = try group.readDataset(name, as: UInt8.self)
    }
}
