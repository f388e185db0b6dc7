import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// Configs a parser should never see (too deep, an alias bomb, too large) and values it accepted
/// silently or without naming the key: each is refused in one line naming the file or flag, the
/// key or line, and what was expected.
@Suite struct ConfigTextLimitsTests {
    func write(_ text: String, _ name: String) throws -> String {
        let url = try Fixtures.temporaryDirectory("config-limits").appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func message(file: String? = nil, _ overrides: [String] = []) -> String {
        do {
            _ = try TrainerConfig.resolve(file: file, overrides: overrides.map { try TrainerConfig.Override(parsing: $0) })
            return "no error"
        } catch { return "\(error)" }
    }

    /// Before: the nested YAML overflowed the stack inside the YAML library (SIGSEGV) and the
    /// alias bomb allocated until memory ran out; the launcher runs in its own process here.
    @Test func deepYAMLAndAnAliasBombNeverReachTheParser() throws {
        let flow = try write("run:\n  x: " + String(repeating: "[", count: 30_000) + "\n", "flow.yaml")
        let block = try write("run:\n" + String(repeating: "- ", count: 30_000) + "x\n", "block.yaml")
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        #expect(bomb.utf8.count < 1024)
        let bombFile = try write(bomb, "bomb.yaml")
        for (file, expected) in [(flow, "config \(flow): line 2 nests deeper than 64 levels of mappings and lists (expected a config a few levels deep)"),
                                 (block, "config \(block): line 2 nests deeper than 64 levels of mappings and lists (expected a config a few levels deep)"),
                                 (bombFile, "config \(bombFile): line 2: more than 8 YAML aliases (*name) (expected at most 8; each one is expanded into a copy)")] {
            let run = try LauncherBinary.run(["train", "--config", file, "--set", "model.checkpoint=/nonexistent.h5", "--run-dir", file + ".run"])
            #expect(!run.signaled && run.status == 1, "\(file): status \(run.status)")
            #expect(run.stderr.split(separator: "\n").first.map(String.init) == "Error: " + expected, "\(run.stderr.prefix(500))")
        }
        let huge = try write("run:\n  steps: 1\n" + String(repeating: "# padding\n", count: 7000), "huge.yaml")
        #expect(message(file: huge) == "config \(huge): is 70016 bytes, more than the 65536-byte limit for an input file")
    }

    @Test func ordinaryYAMLPassesTheScan() throws {
        let shipped = Fixtures.repositoryRoot.appendingPathComponent("configs/sft-demo.yaml").path
        #expect(message(file: shipped) == "no error")
        let anchors = try write("""
            optimizer: &shared {learningRate: 0.0001, warmupSteps: 2}   # "quoted ] in a comment"
            sft:
              optimizer: *shared
            data: {train: "functionworld", heldOut: 'functionworld'}
            run: {runDir: "runs/[x]"}
            """, "anchors.yaml")
        #expect(message(file: anchors) == "no error")
    }

    @Test func duplicateKeysAndTrailingCommasAreRefused() throws {
        let twice = try write("run:\n  saveEvery: 3\n  saveEvery: 4\n", "twice.yaml")
        #expect(message(file: twice) == "config \(twice): run.saveEvery is set 2 times (lines 2, 3); expected each key once")
        let comma = try write("{\"run\": {\"saveEvery\": 3,\n}}", "comma.json")
        #expect(message(file: comma) == "config \(comma): line 1: a comma right before } (JSON allows no trailing comma; expected another entry after it or no comma)")
        let list = try write("{\"run\": {\"runDir\": \"a,]\", \"saveEvery\": 3}}", "fine.json")
        #expect(message(file: list) == "no error")
    }

    @Test func nonFiniteAndHugeNumbersNameTheKey() throws {
        let nan = try write("optimizer:\n  learningRate: .nan\n", "nan.yaml")
        #expect(message(file: nan) == "\(nan): optimizer.learningRate must be a finite number, got nan")
        let big = try write("run:\n  saveEvery: 99999999999999999999999\n", "big.yaml")
        #expect(message(file: big) == "\(big): run.saveEvery must be an integer from -9223372036854775808 to 9223372036854775807, got 1e+23")
        #expect(message(["optimizer.learningRate=inf"]) == "--set optimizer.learningRate: optimizer.learningRate must be a finite number, got inf")
        #expect(message(["run.steps=nan"]) == "--set run.steps: run.steps must be an integer, got nan")
        #expect(message(["run.saveEvery=1e100"])
            == "--set run.saveEvery: run.saveEvery must be an integer from -9223372036854775808 to 9223372036854775807, got 1e+100")
        #expect(message(["optimizer.learningRate=1e100"])
            == "--set optimizer.learningRate: optimizer.learningRate must be a number of magnitude at most 3.4028235e+38 (32-bit float), got 1e+100")
        #expect(message(["run.seed=9223372036854775807"]) == "no error")
    }

    @Test func anEmptyKeyPartIsRefused() {
        #expect(message(["sft..steps=1"]) == "--set sft..steps: the key has an empty part between dots (expected names joined by single dots, e.g. sft.steps)")
    }
}
