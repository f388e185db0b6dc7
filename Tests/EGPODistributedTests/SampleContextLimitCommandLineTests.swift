import Foundation
import Testing
import TestSupport

/// `launcher sample --max-tokens` past the context: before, completions came back shorter than
/// asked with nothing said; now stderr says they stopped at the context limit and --json marks
/// each completion's stop reason.
@Suite struct SampleContextLimitCommandLineTests {
    @Test func aCompletionCutByTheContextIsNamed() throws {
        let dir = try Fixtures.temporaryDirectory("sample-limit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json").path, model = dir.appendingPathComponent("m.h5").path
        try #"{"vocab_size": 280, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 64}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try LauncherBinary.run(["init", "--config", config, "--out", model]).status == 0)

        // The byte tokenizer: 11 prompt tokens leave 53 under 64 positions.
        let cut = try LauncherBinary.run(["sample", "--checkpoint", model, "--prompt", "hello there", "--max-tokens", "100", "--json"])
        #expect(cut.status == 0, "\(cut.stderr)")
        #expect(cut.stderr == "sample: every completion stopped at the context limit, 53 tokens (max_position_embeddings 64 minus the 11-token prompt), "
                + "before --max-tokens 100\n", "\(cut.stderr)")
        #expect(cut.stdout.contains(#""stop_reason":"context_limit""#), "\(cut.stdout)")

        let fits = try LauncherBinary.run(["sample", "--checkpoint", model, "--prompt", "hello there", "--max-tokens", "10", "--json"])
        #expect(fits.status == 0 && fits.stderr.isEmpty, "\(fits.stderr)")
        #expect(fits.stdout.contains(#""stop_reason":"max_tokens""#) || fits.stdout.contains(#""stop_reason":"end_token""#), "\(fits.stdout)")
    }
}
