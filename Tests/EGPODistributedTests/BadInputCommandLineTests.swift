import Foundation
import Testing
import TestSupport
@testable import EGPODistributed
#if canImport(Glibc)
import Glibc
#endif

/// Bad input given to the launcher, as a new user would: every case exits non-zero with a
/// one-line error naming the file or flag and the expected form, with no crash and no file damaged.
@Suite struct BadInputCommandLineTests {
    let folder: URL
    let config: String
    let model: String
    init() throws {
        folder = try Fixtures.temporaryDirectory("bad-cli")
        let (config, model, made) = try LauncherBinary.tinyModel(in: folder)
        self.config = config
        self.model = model
        #expect(made.status == 0, "\(made.stderr)")
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Writes `text` as `bad-range.yaml` in the test folder and returns its path.
    func writeConfig(_ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path("bad-range.yaml")))
        return path("bad-range.yaml")
    }

    /// Runs the launcher and checks it failed cleanly with exactly one line on stderr equal to `message`.
    func expectFailure(_ arguments: [String], stdin: String? = nil, closedStdin: Bool = false, _ message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try LauncherBinary.run(arguments, stdin: stdin, closedStdin: closedStdin)
        #expect(!run.signaled && run.status != 0, "\(arguments): status \(run.status), signaled \(run.signaled)", sourceLocation: sourceLocation)
        let first = run.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first == "Error: " + message, "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
    }

    @Test func devicesFoldersAndFIFOsAreRefusedAsInputs() throws {
        let fifo = path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        try expectFailure(["init", "--config", "/dev/zero", "--out", path("x.h5")], "/dev/zero: cannot read the config: is a device (expected a regular file)")
        try expectFailure(["init", "--config", folder.path, "--out", path("x.h5")], "\(folder.path): cannot read the config: is a directory (expected a regular file)")
        try expectFailure(["init", "--config", fifo, "--out", path("x.h5")], "\(fifo): cannot read the config: is a FIFO (expected a regular file)")
        try expectFailure(["score", "--checkpoint", model, "--input", "/dev/urandom"], "/dev/urandom: is a device (expected a regular file)")
        try expectFailure(["sample", "--checkpoint", "/dev/zero", "--prompt", "hi"], "/dev/zero: is a device (expected a regular file)")
        try expectFailure(["inspect", folder.path], "\(folder.path): open failed: is a directory (expected an HDF5 file)")
        try expectFailure(["train", "--config", "/dev/null"], "config /dev/null: is a device (expected a regular file)")
    }

    @Test func closedStandardInputIsNamed() throws {
        try expectFailure(["score", "--checkpoint", model, "--input", "-"], closedStdin: true,
                          "standard input: is closed (expected a file or pipe on standard input)")
    }

    @Test func outputsNeverReplaceInputsSymlinksOrDevices() throws {
        let before = try String(contentsOfFile: config, encoding: .utf8)
        let link = path("link.h5")
        #expect(symlink(model, link) == 0)
        let modelBytes = try Data(contentsOf: URL(fileURLWithPath: model))
        try expectFailure(["init", "--config", config, "--out", config],
                          "\(config): is also the input \(config); refusing to overwrite an input (expected a different output path)")
        try expectFailure(["init", "--config", config, "--out", "/dev/null"],
                          "/dev/null: is a device; refusing to write over it (expected a new or regular file)")
        try expectFailure(["init", "--config", config, "--out", link],
                          "\(link): is a symlink; refusing to write over it (expected a new or regular file)")
        try expectFailure(["tokenizer", "train", "--corpus", config, "--vocab-size", "300", "--out", config],
                          "\(config): is also the input \(config); refusing to overwrite an input (expected a different output path)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == modelBytes)
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test func negativeAndHugeCountsNameTheFlag() throws {
        try expectFailure(["sample", "--checkpoint", model, "--prompt", "hi", "--count", "-1"], "--count: expected an integer in 1...4096, got -1")
        try expectFailure(["sample", "--checkpoint", model, "--prompt", "hi", "--count", "1000000000"], "--count: expected an integer in 1...4096, got 1000000000")
        try expectFailure(["sample", "--checkpoint", model, "--prompt", "hi", "--temperature", "-0.5"], "--temperature: expected a positive number, got -0.5")
        try expectFailure(["score", "--checkpoint", model, "--input", "-", "--batch-size", "-3"], stdin: "", "--batch-size: expected an integer in 1...4096, got -3")
        try expectFailure(["train", "--steps", "-1"], "command line: run.steps = -1 is out of range; allowed: 0 to 10000000")
        try expectFailure(["train", "--config", try writeConfig("rollout:\n  prompts: -3\n")], "config \(path("bad-range.yaml")): rollout.prompts = -3 is out of range; allowed: 1 to 100000")
        try expectFailure(["data", "generate", "--out", path("fw"), "--count", "1000000000"], "--count: expected a positive integer at most 10000000, got 1000000000")
    }

    @Test func absurdModelSizesAreRefusedBeforeAllocation() throws {
        let big = path("big.json")
        try """
        {"vocab_size": 280, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1000000000,
         "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 64}
        """.write(toFile: big, atomically: true, encoding: .utf8)
        try expectFailure(["init", "--config", big, "--out", path("big.h5")],
                          "\(big): invalid model config (the 'config' attribute of a model file, or a config JSON): model config: num_hidden_layers = 1000000000 is not supported (supported: at most 4096)")
        #expect(!FileManager.default.fileExists(atPath: path("big.h5")))
    }

    @Test func truncatedModelIsNamedByEveryReader() throws {
        let truncated = path("truncated.h5")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let input = path("in.jsonl")
        try "{\"text\": \"hi\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
        for arguments in [["sample", "--checkpoint", truncated, "--prompt", "hi"], ["score", "--checkpoint", truncated, "--input", input],
                          ["inspect", truncated], ["train", "--resume", truncated, "--run-dir", path("run")]] {
            let run = try LauncherBinary.run(arguments)
            #expect(!run.signaled && run.status == 1, "\(arguments): \(run.stderr)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("\(truncated): open failed: not an HDF5 file, or truncated or corrupted (\(bytes.count / 2) bytes"),
                    "\(arguments): \(run.stderr)")
        }
    }

    @Test func nonFiniteWeightsAreNamedInSampleAndScore() throws {
        let loaded = try ModelFile.read(from: model)
        let parameters = loaded.model.parameters
        for i in stride(from: 0, to: loaded.model.layout.totalCount, by: 7) { parameters.base[i] = .nan }
        let broken = path("nan.h5")
        try ModelFile.write(loaded.model, tokenizer: loaded.tokenizer, to: broken)
        let run = try LauncherBinary.run(["sample", "--checkpoint", broken, "--prompt", "hi"])
        #expect(!run.signaled && run.status == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("Error: \(broken): sampling request 0 (completion 0): logit for token 0 at position 2 is nan; the model has non-finite weights or overflowed (expected finite logits)"), "\(run.stderr)")

        try expectFailure(["score", "--checkpoint", broken, "--input", "-"], stdin: "{\"tokens\": [1, 2, 3]}\r\n",
                          "-:1: log-probability of token 1 is nan; the model \(broken) has non-finite weights or overflowed (expected finite scores)")

        // Training refuses them before the first step, naming the tensor and element.
        let first = loaded.model.layout.entries[0].name
        for command in ["sft", "train"] {
            try expectFailure([command, "--set", "model.checkpoint=\(broken)", "--steps", "1", "--run-dir", path("nan-\(command)")],
                              "\(broken): weight \(first)[0] is nan; training needs finite weights (start from an earlier checkpoint or re-import the model)")
        }
    }

    @Test func scoreReadsCRLFLinesAndNamesBadOnes() throws {
        let scored = try LauncherBinary.run(["score", "--checkpoint", model, "--input", "-"], stdin: "{\"tokens\": [1, 2]}\r\n{\"tokens\": [3, 4]}\r\n")
        #expect(scored.status == 0 && scored.stdout.split(separator: "\n").count == 2, "\(scored.stderr)")
        try expectFailure(["score", "--checkpoint", model, "--input", "-"], stdin: "{\"tokens\": [1, 2]}\r\n{\"tokens\": [3\r\n",
                          "-:2: not a JSON object: {\"tokens\": [3")
    }
}
