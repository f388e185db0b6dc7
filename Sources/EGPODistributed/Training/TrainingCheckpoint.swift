import FileChecks
import Foundation
import FunctionCalling
import HDF5
import ShardedTensor

/// What a run needs besides the model to continue exactly where it stopped.
public struct TrainingState: Sendable {
    /// Which trainer wrote it; a checkpoint resumes with the same command.
    public enum Kind: String, Sendable {
        case egpo, sft
        /// The command that resumes it.
        public var command: String { self == .egpo ? "launcher train" : "launcher sft" }
    }

    public var kind: Kind
    /// Trainer steps completed (rollout batches for EGPO, batches for SFT).
    public var step: Int
    /// AdamW updates applied (EGPO: mu per step), as read from a checkpoint; `save` records the
    /// replica's own count, so a state being saved leaves it 0.
    public var optimizerStep: Int
    /// Ranks of the run that wrote it.
    public var worldSize: Int
    /// The run's resolved config.
    public var config: TrainerConfig
    /// The next batch's place in the data.
    public var cursor: DataCursor
    /// `metrics.jsonl` so far, one line per step (the run folder's file is rebuilt from these).
    public var metricsLines: [String]
    /// EGPO: the evaluations so far (before, during), JSON; nil when there are none.
    public var evaluationsJSON: String?

    public init(kind: Kind, step: Int, optimizerStep: Int = 0, worldSize: Int, config: TrainerConfig, cursor: DataCursor,
                metricsLines: [String], evaluationsJSON: String? = nil) {
        self.kind = kind
        self.step = step
        self.optimizerStep = optimizerStep
        self.worldSize = worldSize
        self.config = config
        self.cursor = cursor
        self.metricsLines = metricsLines
        self.evaluationsJSON = evaluationsJSON
    }

    /// Per rank: the seed and the first sequence id its next step samples. Sampling randomness is
    /// counter-based (Philox keyed by seed and sequence id, `Rollout`), so this is all of every
    /// rank's random state; it is recorded so a checkpoint says where each rank's stream stands.
    public func randomState(rollout r: TrainerConfig.Rollout) -> [[Int64]] {
        (0..<worldSize).map { rank in
            guard kind == .egpo else { return [Int64(config.run.seed), 0] }
            let total = r.prompts * r.groupSize
            return [Int64(config.run.seed), Int64(step * total + ShardLayout(count: total, worldSize: worldSize).range(rank: rank).lowerBound)]
        }
    }
}

/// A training checkpoint: a model file (parameters, `config`, `tokenizer`, each tensor with
/// HDF5's Fletcher-32 checksum, so `launcher score`, `eval` and h5py read it as a model), or for
/// a LoRA run only the adapters and the base model's path and sha256 (`AdapterFile`), plus a
/// `training` group:
///
/// | object | content |
/// |---|---|
/// | attributes `checkpoint_version`, `kind`, `step`, `optimizer_step`, `world_size`, `zero` | integers / text |
/// | attributes `data_epoch`, `data_position`, `data_shuffle_seed`, `data_count` | the data cursor (the seed's bits as Int64; `data_count`, the tasks its order permutes, absent in older files) |
/// | attribute `run_config` | the run's resolved config, JSON |
/// | attribute `trainable_tensors` | only when some tensors were frozen: the trained tensors' names, one a line |
/// | `adam_m`, `adam_v` | Adam's moments of the trained parameters (all of them: gathered from ZeRO-1 shards), Float32 |
/// | `reference` | EGPO with beta > 0: the frozen reference policy's flat parameters (not with LoRA, whose reference is the base) |
/// | `reference_adapters` | EGPO with beta > 0 and LoRA started from trained adapters: those adapters, frozen (the reference is the base with them) |
/// | `rng_state` | Int64 (world_size, 2): each rank's seed and next sequence id |
/// | `metrics_jsonl`, `evaluations_json` | UInt8 text: the metrics so far, the evaluations so far |
///
/// Written atomically (a temporary file renamed over the name), so a crash mid-write leaves the
/// previous checkpoint as it was.
public enum TrainingCheckpoint {
    /// Readers refuse newer versions.
    public static let version: Int64 = 1

    /// A checkpoint as read back.
    public struct Loaded: Sendable {
        public var path: String
        public var policy: LoadedModel
        public var state: TrainingState
        public var firstMoment: [Float], secondMoment: [Float]
        public var reference: [Float]?
        /// The reference policy's adapters (LoRA started from trained adapters); nil: the base.
        public var referenceAdapters: [Float]? = nil
        /// The trained tensors when some were frozen (the moments are theirs); nil: every tensor.
        public var trainableTensors: [String]? = nil
    }

    /// Fault tests: `EGPO_DEBUG_KILL_DURING_SAVE=N` SIGKILLs rank 0 when the checkpoint of step N
    /// is complete in its temporary file but not yet renamed, the worst moment for a crash.
    static func killForTestIfAsked(step: Int) {
        if let text = ProcessInfo.processInfo.environment["EGPO_DEBUG_KILL_DURING_SAVE"], Int(text) == step {
            kill(getpid(), SIGKILL)
        }
    }

    /// Saves the replica's state to `url`. Every rank calls this; rank 0 writes, and must be the
    /// one given `url`. Under ZeRO-1 the moments reach rank 0 in rounds of 1 Mi elements per
    /// rank (MPI_Gather) while it writes them, so no rank ever holds them whole.
    public static func save(to url: URL?, replica: PolicyReplica, state: TrainingState, reference: Transformer?) throws {
        guard let url else {
            // Not the writer: take part in the moments' gather rounds, in the writer's order.
            if isSharded(replica) { for shard in [replica.optimizer.firstMoment, replica.optimizer.secondMoment] { try stream(shard, replica, into: nil) } }
            return
        }
        precondition(replica.communicator.rank == 0, "TrainingCheckpoint.save: only rank 0 writes")
        do {
            try write(to: url, replica: replica, state: state, reference: reference)
        } catch let HDF5Error.diskFull(path, reason, written) {
            throw TrainingError.checkpoint(path: path, problem: "not written: \(reason) after \(DiskSpace.describe(bytes: written)); "
                + "the partial file was removed and the checkpoints already written are untouched; "
                + "free space (or lower run.keepCheckpoints), then --resume latest continues from the newest")
        }
    }

    /// Floats per rank in one round of the ZeRO-1 moments' gather.
    public static let gatherChunk = 1 << 20

    static func isSharded(_ replica: PolicyReplica) -> Bool { replica.optimizer.shard.count != replica.trainable.layout.totalCount }

    /// Writes one moment as dataset `name` of `t`: the optimizer's buffer as it is, or under
    /// ZeRO-1 streamed from every rank's shard.
    private static func writeMoment(_ name: String, _ shard: FloatBuffer, _ replica: PolicyReplica, into t: HDF5Group) throws {
        let n = replica.trainable.layout.totalCount
        guard isSharded(replica) else {
            return try t.writeDataset(name, shape: [n], from: UnsafeBufferPointer(shard.bufferPointer), checksum: true)
        }
        try t.writeStreamedDataset(name, count: n, as: Float.self, checksum: true) { write in
            try withoutActuallyEscaping(write) { try stream(shard, replica, into: $0) }
        }
    }

    /// The ZeRO-1 gather rounds of one moment: round k gathers elements k*C ..< (k+1)*C of every
    /// rank's shard (padded to C) to rank 0, which hands each rank's valid part to `sink` at its
    /// place in the full vector. Every rank runs the same rounds.
    static func stream(_ shard: FloatBuffer, _ replica: PolicyReplica, chunk limit: Int = gatherChunk,
                       into sink: ((Int, UnsafeBufferPointer<Float>) throws -> Void)?) throws {
        let comm = replica.communicator, layout = ShardLayout(count: replica.trainable.layout.totalCount, worldSize: comm.size)
        precondition(layout.range(rank: comm.rank) == replica.optimizer.shard, "stream: shard \(replica.optimizer.shard) vs \(layout.range(rank: comm.rank))")
        let piece = layout.counts.max() ?? 0, chunk = min(piece, limit)
        guard chunk > 0 else { return }
        let send = FloatBuffer(count: chunk), received = FloatBuffer(count: comm.rank == 0 ? chunk * comm.size : 0)
        for start in stride(from: 0, to: piece, by: chunk) {
            send.zero()
            let mine = max(0, min(chunk, shard.count - start))
            if mine > 0 { send.base.update(from: shard.base + start, count: mine) }
            try comm.gather(UnsafeBufferPointer(send.bufferPointer), into: received.bufferPointer, root: 0)
            guard comm.rank == 0, let sink else { continue }
            for r in 0..<comm.size {
                let valid = max(0, min(chunk, layout.counts[r] - start))
                if valid > 0 { try sink(layout.range(rank: r).lowerBound + start, UnsafeBufferPointer(start: received.base + r * chunk, count: valid)) }
            }
        }
    }

    private static func write(to url: URL, replica: PolicyReplica, state: TrainingState, reference: Transformer?) throws {
        let model = replica.model, adapters = replica.trainable.isAdapters ? model.adapters : nil
        precondition(adapters != nil || replica.trainable.modelEntries.allSatisfy { $0 != nil },
                     "TrainingCheckpoint: trained tensors outside the model that are not its adapters")
        precondition(adapters == nil || replica.base != nil, "TrainingCheckpoint: adapters without the base model file they belong to")
        try HDF5File.writeAtomically(to: url.path, beforeRename: { _ in killForTestIfAsked(step: state.step) }) { file in
            let root = try file.root
            if let adapters, let base = replica.base {
                // LoRA: the adapters and the base's path and sha256; the base itself stays where it is.
                try AdapterFile.write(adapters, base: base, into: root)
            } else {
                try ModelFile.write(model, tokenizer: replica.tokenizer, into: root)
                for (name, text) in replica.huggingFaceFiles.sorted(by: { $0.key < $1.key }) {
                    try root.setAttribute(ModelFile.huggingFaceAttribute(name), text)
                }
            }
            let t = try root.createGroup("training")
            try t.setAttribute("checkpoint_version", version)
            try t.setAttribute("kind", state.kind.rawValue)
            try t.setAttribute("step", Int64(state.step))
            try t.setAttribute("optimizer_step", Int64(replica.optimizer.adam.step))
            try t.setAttribute("world_size", Int64(state.worldSize))
            try t.setAttribute("zero", Int64(state.config.optimizer.zero.rawValue))
            try t.setAttribute("data_epoch", Int64(state.cursor.epoch))
            try t.setAttribute("data_position", Int64(state.cursor.position))
            try t.setAttribute("data_shuffle_seed", Int64(bitPattern: state.cursor.shuffleSeed))
            if let count = state.cursor.count { try t.setAttribute("data_count", Int64(count)) }
            try t.setAttribute("run_config", state.config.json())
            if !replica.trainable.isWholeModel {
                try t.setAttribute("trainable_tensors", replica.trainable.layout.entries.map(\.name).joined(separator: "\n"))
            }
            try writeMoment("adam_m", replica.optimizer.firstMoment, replica, into: t)
            try writeMoment("adam_v", replica.optimizer.secondMoment, replica, into: t)
            if let reference, adapters == nil {
                try t.writeDataset("reference", shape: [reference.parameters.count],
                                   from: UnsafeBufferPointer(reference.parameters.bufferPointer), checksum: true)
            } else if let frozen = reference?.adapters {
                try t.writeDataset("reference_adapters", shape: [frozen.values.count],
                                   from: UnsafeBufferPointer(frozen.values.bufferPointer), checksum: true)
            }
            let rng = state.randomState(rollout: state.config.rollout)
            try t.writeDataset("rng_state", rng.flatMap { $0 }, shape: [rng.count, 2], checksum: true)
            try t.writeDataset("metrics_jsonl", Array(state.metricsLines.map { $0 + "\n" }.joined().utf8), checksum: true)
            if let e = state.evaluationsJSON { try t.writeDataset("evaluations_json", Array(e.utf8), checksum: true) }
        }
    }

    /// Reads and verifies a checkpoint: every dataset is read in full, so a flipped byte anywhere
    /// fails its Fletcher-32 check here, naming the dataset.
    public static func load(_ path: String) throws -> Loaded {
        do {
            return try read(path)
        } catch HDF5Error.call(function: "H5Dread", _, let object, let message) {
            throw TrainingError.checkpoint(path: path, problem: "\(object) does not read back: its Fletcher-32 checksum fails or the file is truncated (corrupted; HDF5: \(message))")
        }
    }

    private static func read(_ path: String) throws -> Loaded {
        do { try InputFile.check(path, limit: Int.max) } catch { throw TrainingError.checkpoint(path: path, problem: error.problem) }
        let file: HDF5File
        do { file = try HDF5File.open(at: path) } catch {
            throw TrainingError.checkpoint(path: path, problem: "\(error)")
        }
        defer { try? file.close() }
        let root = try file.root
        guard try root.contains("training") else {
            throw TrainingError.checkpoint(path: path, problem: "a model file without training state (no `training` group); start a run from it with --set model.checkpoint=\(path)")
        }
        let t = try root.group("training")
        let v = try t.int64Attribute("checkpoint_version")
        guard v <= version else { throw TrainingError.checkpoint(path: path, problem: "checkpoint version \(v); this build reads up to \(version)") }
        let policy = try ModelFile.read(from: root)
        let kindText = try t.stringAttribute("kind")
        guard let kind = TrainingState.Kind(rawValue: kindText) else {
            throw TrainingError.checkpoint(path: path, problem: "kind \(kindText.debugDescription), expected egpo or sft")
        }
        let config = try TrainerConfig.read(json: try t.stringAttribute("run_config"), source: "\(path) (training/run_config)")
        let cursor = DataCursor(shuffleSeed: UInt64(bitPattern: try t.int64Attribute("data_shuffle_seed")),
                                epoch: Int(try t.int64Attribute("data_epoch")), position: Int(try t.int64Attribute("data_position")),
                                count: try t.hasAttribute("data_count") ? Int(try t.int64Attribute("data_count")) : nil)
        if let count = cursor.count, count < 1 || !(0...count).contains(cursor.position) {
            throw TrainingError.checkpoint(path: path, problem: "data_position \(cursor.position) with data_count \(count) "
                                           + "(expected a data_count >= 1 and a data_position from 0 to data_count)")
        }
        let n = policy.model.parameters.count
        var trainableTensors: [String]?, trained = n
        if try t.hasAttribute("trainable_tensors") {
            let names = try t.stringAttribute("trainable_tensors").split(separator: "\n").map(String.init)
            trained = 0
            for name in names {
                guard let e = policy.model.layout.entry(named: name) ?? policy.model.adapters?.layout.entry(named: name) else {
                    throw TrainingError.checkpoint(path: path, problem: "training/trainable_tensors names \(name), which is not a tensor of its model or its adapters")
                }
                trained += e.count
            }
            trainableTensors = names
        }
        let m = try t.readDataset("adam_m", as: Float.self, expectedShape: [trained]).values
        let s = try t.readDataset("adam_v", as: Float.self, expectedShape: [trained]).values
        let reference = try t.contains("reference") ? try t.readDataset("reference", as: Float.self, expectedShape: [n]).values : nil
        let referenceAdapters = try t.contains("reference_adapters")
            ? try t.readDataset("reference_adapters", as: Float.self, expectedShape: [policy.model.adapters?.values.count ?? 0]).values : nil
        let worldSize = Int(try t.int64Attribute("world_size"))
        _ = try t.readDataset("rng_state", as: Int64.self, expectedShape: [worldSize, 2])
        let metrics = String(decoding: try t.readDataset("metrics_jsonl", as: UInt8.self).values, as: UTF8.self)
        let evaluations = try t.contains("evaluations_json")
            ? String(decoding: try t.readDataset("evaluations_json", as: UInt8.self).values, as: UTF8.self) : nil
        let state = TrainingState(kind: kind, step: Int(try t.int64Attribute("step")), optimizerStep: Int(try t.int64Attribute("optimizer_step")),
                                  worldSize: worldSize, config: config, cursor: cursor,
                                  metricsLines: metrics.split(separator: "\n").map(String.init), evaluationsJSON: evaluations)
        guard state.step >= 0, state.optimizerStep >= 0, cursor.epoch >= 0, cursor.position >= 0, worldSize >= 1 else {
            throw TrainingError.checkpoint(path: path, problem: "negative step, data position or world size")
        }
        return Loaded(path: path, policy: policy, state: state, firstMoment: m, secondMoment: s, reference: reference,
                      referenceAdapters: referenceAdapters, trainableTensors: trainableTensors)
    }

    /// Puts a loaded checkpoint's optimizer state into `replica` (this rank's shard of the
    /// full-length moments, so any world size resumes any checkpoint). The replica must train the
    /// tensors the checkpoint's run trained.
    public static func restore(_ loaded: Loaded, into replica: PolicyReplica) {
        let trained = replica.trainable.isWholeModel ? nil : replica.trainable.layout.entries.map(\.name)
        precondition(trained == loaded.trainableTensors,
                     "TrainingCheckpoint.restore: \(loaded.path) trained \(loaded.trainableTensors?.count ?? replica.model.layout.entries.count) tensors, the replica trains \(trained?.count ?? replica.model.layout.entries.count)")
        let shard = replica.optimizer.shard
        replica.optimizer.firstMoment.bufferPointer.baseAddress!.update(from: Array(loaded.firstMoment[shard]), count: shard.count)
        replica.optimizer.secondMoment.bufferPointer.baseAddress!.update(from: Array(loaded.secondMoment[shard]), count: shard.count)
        replica.optimizer.restore(AdamW.State(step: loaded.state.optimizerStep))
    }

    /// The run config recorded in a training checkpoint, or nil for a plain model file.
    public static func recordedConfig(_ path: String) -> TrainerConfig? {
        guard let file = try? HDF5File.open(at: path) else { return nil }
        defer { try? file.close() }
        guard let t = try? file.root.group("training"), let json = try? t.stringAttribute("run_config") else { return nil }
        return try? TrainerConfig.read(json: json, source: path)
    }

    /// The step recorded in a checkpoint, or nil when it is not a readable training checkpoint.
    public static func recordedStep(_ path: String) -> Int? {
        guard let file = try? HDF5File.open(at: path) else { return nil }
        defer { try? file.close() }
        guard let t = try? file.root.group("training"), let s = try? t.int64Attribute("step") else { return nil }
        return Int(s)
    }
}
