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
        let (_, model, made) = try LauncherBinary.tinyModel(in: dir)
        #expect(made.status == 0)

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
