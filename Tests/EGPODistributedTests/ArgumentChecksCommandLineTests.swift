import Foundation
import Testing
import TestSupport

/// Answers of the argument parser that pointed elsewhere: `help frob` printed the root help and
/// exited 0; a misspelt option beside a missing required one was answered about the required one.
@Suite struct ArgumentChecksCommandLineTests {
    func firstLine(_ arguments: [String], status: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let run = try LauncherBinary.run(arguments)
        #expect(!run.signaled && run.status == status, "\(arguments): status \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        return run.stderr.split(separator: "\n").first.map(String.init) ?? ""
    }

    @Test func helpForAnUnknownTopicFails() throws {
        #expect(try firstLine(["help", "frob"], status: 64)
            == "Error: launcher has no subcommand 'frob' (expected one of: train, sft, eval, init, import, export, score, sample, selftest, bench, compare-models, inspect, tokenizer, bfcl, data)")
        #expect(try firstLine(["help", "tokenizer", "frob"], status: 64)
            == "Error: launcher tokenizer has no subcommand 'frob' (expected one of: train, encode, bench)")
        let known = try LauncherBinary.run(["help", "tokenizer", "train"])
        #expect(known.status == 0 && known.stdout.contains("USAGE: launcher tokenizer train"), "\(known.stderr)")
    }

    @Test func aMisspeltOptionIsNamedBeforeAMissingOne() throws {
        #expect(try firstLine(["sample", "--checkpoint", "m.h5", "-prompt", "hi"], status: 64) == "Error: Unknown option '-prompt'. Did you mean '--prompt'?")
        #expect(try firstLine(["sample", "--chekpoint", "m.h5", "--prompt", "hi"], status: 64) == "Error: Unknown option '--chekpoint'. Did you mean '--checkpoint'?")
        #expect(try firstLine(["tokenizer", "train", "--corpus", "c.txt", "--vocab-sise", "300", "--out", "t.json"], status: 64)
            == "Error: Unknown option '--vocab-sise'. Did you mean '--vocab-size'?")
        // What the parser already says well stays as it was.
        #expect(try firstLine(["train", "--stepz", "3"], status: 64) == "Error: Unknown option '--stepz'. Did you mean '--steps'?")
        #expect(try firstLine(["sample", "--checkpoint", "m.h5", "--prompt"], status: 64) == "Error: Missing value for '--prompt <prompt>'")
        #expect(try firstLine(["sample", "--checkpoint", "m.h5"], status: 64) == "Error: Missing expected argument '--prompt <prompt>'")
    }
}
