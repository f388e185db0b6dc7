import Foundation
import FunctionCalling
import Testing
import TestSupport
@testable import EGPODistributed

@Suite struct TrainerConfigTests {
    func write(_ text: String, _ name: String) throws -> String {
        let dir = try Fixtures.temporaryDirectory("config")
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func defaultsRoundTripThroughJSON() throws {
        let c = try TrainerConfig.resolve(file: nil, overrides: [])
        #expect(c == TrainerConfig())
        #expect(try TrainerConfig.read(json: c.json(), source: "x") == c)
        #expect(!c.table().contains("*"), "nothing differs from the defaults")
    }

    @Test func yamlFileThenOverrides() throws {
        let path = try write("""
        egpo:
          lambda: 0
          aggregation: sequenceMeanTokenMean
        rollout: {groupSize: 4}
        optimizer:
          learningRate: 1e-6
        """, "run.yaml")
        let c = try TrainerConfig.resolve(file: path, overrides: [.init(key: "rollout.prompts", value: "16"),
                                                                  .init(key: "run.runDir", value: "123")])
        #expect(c.egpo.lambda == 0 && c.egpo.aggregation == .sequenceMeanTokenMean)
        #expect(c.rollout.groupSize == 4 && c.rollout.prompts == 16)
        #expect(c.optimizer.learningRate == 1e-6)
        #expect(c.run.runDir == "123")
        #expect(c.table().contains("* egpo.lambda"))
        #expect(c.changes(from: TrainerConfig()).contains { $0.hasPrefix("rollout.groupSize: 8 -> 4") })
    }

    @Test func jsonFileAndNestedArchitecture() throws {
        let path = try write(#"{"model": {"architecture": {"hidden_size": 128}}, "run": {"steps": 5}}"#, "run.json")
        let c = try TrainerConfig.resolve(file: path, overrides: [])
        #expect(c.model.architecture.hiddenSize == 128 && c.run.steps == 5)
    }

    @Test func badValuesAreNamed() throws {
        let typo = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "egpo.lamda", value: "0")]) }
        #expect(typo.contains("unknown config key egpo.lamda") && typo.contains("egpo.lambda"), "\(typo)")
        let float = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "rollout.groupSize", value: "2.5")]) }
        #expect(float.contains("rollout.groupSize must be an integer") && float.contains("2.5"), "\(float)")
        let kind = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "egpo.beta", value: "high")]) }
        #expect(kind.contains("egpo.beta must be a number") && kind.contains("high"), "\(kind)")
        let choice = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "egpo.scaleRewards", value: "grp")]) }
        #expect(choice.contains("group, batch, none"), "\(choice)")
        let range = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "egpo.alpha", value: "0.5")]) }
        #expect(range.contains("egpo.alpha = 0.5") && range.contains("> 1"), "\(range)")
        let topK = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "rollout.topK", value: "5")]) }
        #expect(topK.contains("rollout.topK") && topK.contains("PPO ratio"), "\(topK)")
        let divide = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "rollout.prompts", value: "3")], worldSize: 5) }
        #expect(divide.contains("24 completions do not split over 5 ranks"), "\(divide)")
        let section = message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: "egpo", value: "1")]) }
        #expect(section.contains("egpo must be a section"), "\(section)")
        #expect(throws: ConfigError.self) { try TrainerConfig.Override(parsing: "novalue") }
        let missing = message { _ = try TrainerConfig.resolve(file: "/nonexistent.yaml", overrides: []) }
        #expect(missing.contains("/nonexistent.yaml") && missing.contains("no such file"), "\(missing)")
        let broken = try write("egpo: [1, 2", "broken.yaml")
        #expect(message { _ = try TrainerConfig.resolve(file: broken, overrides: []) }.contains(broken))
    }

    @Test func dataSpecsReadOnceIntoCases() throws {
        let forms: [(String, DataSpec)] = [
            ("functionworld", .functionWorld), ("xlam:/data/x.jsonl", .xlam(file: "/data/x.jsonl")),
            ("bfcl:live_simple", .bfcl(.liveSimple)), ("bfcl:all", .bfcl(nil)), ("runs/filtered", .folder("runs/filtered")),
            ("./functionworld", .folder("./functionworld")),
        ]
        for (text, spec) in forms {
            #expect(try DataSpec(parsing: text) == spec, "\(text)")
            #expect(spec.description == text)
        }
        #expect(throws: DataSpecError.noFile(spec: "xlam:")) { try DataSpec(parsing: "xlam:") }
        #expect(throws: DataSpecError.unknownCategory(spec: "bfcl:simple", name: "simple")) { try DataSpec(parsing: "bfcl:simple") }
        #expect(throws: DataSpecError.empty) { try DataSpec(parsing: "") }
        // The trainer takes the bundled BFCL copy as `eval --data` does (e.g. as data.heldOut).
        let bundled = try TaskSource.load(spec: .bfcl(.liveSimple), count: 1, seed: 1, split: .train)
        #expect(bundled.prefix(2).map(\.task.id) == ["live_simple_0-0-0", "live_simple_1-1-0"])
    }

    @Test func badSpecSplitOrZeroIsRefusedWhenReadNamingKeyAndValue() throws {
        func refusal(_ key: String, _ value: String) -> String {
            message { _ = try TrainerConfig.resolve(file: nil, overrides: [.init(key: key, value: value)]) }
        }
        #expect(refusal("data.heldOut", "bfcl:simple") == #"command line: data.heldOut must be bfcl:all or bfcl:CATEGORY with CATEGORY one of "#
                + TaskCategory.allCases.map(\.rawValue).joined(separator: ", ") + #", got "bfcl:simple""#)
        #expect(refusal("data.train", "") == #"command line: data.train must be one of \#(DataSpec.forms), got """#)
        #expect(refusal("data.heldOutSplit", "test") == #"command line: data.heldOutSplit must be one of train, heldout, got "test""#)
        #expect(refusal("optimizer.zero", "2") == "command line: optimizer.zero must be 0 (replicated optimizer state) or 1 (ZeRO-1: optimizer state sharded over the ranks), got 2")
        #expect(refusal("sft.optimizer.zero", "1.5").contains("sft.optimizer.zero must be an integer"))
        let path = try write("data:\n  heldOutSplit: held-out\n", "split.yaml")
        let fromFile = message { _ = try TrainerConfig.resolve(file: path, overrides: []) }
        #expect(fromFile == "config \(path): data.heldOutSplit must be one of train, heldout, got \"held-out\"", "\(fromFile)")
    }

    /// `config.json` and a checkpoint's `run_config` keep the values they had before these keys were
    /// enums (strings for the data specs and split, 0 or 1 for zero), so old files read the same.
    @Test func enumKeysKeepTheirJSONValues() throws {
        var c = TrainerConfig()
        c.data.train = .xlam(file: "x.jsonl")
        c.data.heldOut = .bfcl(.simplePython)
        c.data.heldOutSplit = .heldout
        c.optimizer.zero = .stage1
        let tree = try JSONSerialization.jsonObject(with: Data(c.json().utf8)) as! [String: Any]
        let data = tree["data"] as! [String: Any], optimizer = tree["optimizer"] as! [String: Any], sft = tree["sft"] as! [String: Any]
        #expect(data["train"] as? String == "xlam:x.jsonl" && data["heldOut"] as? String == "bfcl:simple_python")
        #expect(data["heldOutSplit"] as? String == "heldout")
        #expect(optimizer["zero"] as? Int == 1 && (sft["optimizer"] as! [String: Any])["zero"] as? Int == 0)
        // As a run written before the enums recorded them.
        let old = #"{"data": {"train": "runs/filtered", "heldOut": "functionworld", "heldOutSplit": "train"}, "optimizer": {"zero": 1}}"#
        let read = try TrainerConfig.read(json: old, source: "old config.json")
        #expect(read.data.train == .folder("runs/filtered") && read.data.heldOut == .functionWorld && read.data.heldOutSplit == .train)
        #expect(read.optimizer.zero == .stage1)
        #expect(try TrainerConfig.read(json: c.json(), source: "x") == c)
    }
}
