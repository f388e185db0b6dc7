import Foundation
import Testing
import TestSupport

/// `launcher score` input it used to accept silently: invalid UTF-8 (scored as U+FFFD) and a
/// line with both "text" and "tokens" (the tokens ignored). Each is now one line naming the
/// input and line.
@Suite struct ScoreInputCommandLineTests {
    @Test func invalidUTF8AndAmbiguousLinesAreRefused() throws {
        let dir = try Fixtures.temporaryDirectory("score-input")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, model, made) = try LauncherBinary.tinyModel(in: dir)
        #expect(made.status == 0)

        let input = dir.appendingPathComponent("in.jsonl")
        try (Data(#"{"text": "fine"}"#.utf8) + Data([0x0A]) + Data(#"{"text": "caf"#.utf8) + Data([0xE9]) + Data(#""}"#.utf8) + Data([0x0A]))
            .write(to: input)
        let bad = try LauncherBinary.run(["score", "--checkpoint", model, "--input", input.path])
        #expect(!bad.signaled && bad.status == 1 && bad.stdout.isEmpty)
        #expect(bad.stderr == "Error: \(input.path):2: invalid UTF-8 (byte 0xE9 at offset 30 of the file); expected UTF-8 text\n", "\(bad.stderr)")

        let both = try LauncherBinary.run(["score", "--checkpoint", model, "--input", "-"], stdin: #"{"text": "hi", "tokens": [1, 2]}"# + "\n")
        #expect(!both.signaled && both.status == 1)
        #expect(both.stderr == #"Error: -:1: both "text" and "tokens" (expected one of them: {"text": string} or {"tokens": [integers]})"# + "\n", "\(both.stderr)")
    }
}
