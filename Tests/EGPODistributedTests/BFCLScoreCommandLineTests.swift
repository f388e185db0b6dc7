import Foundation
import FunctionCalling
import Testing
import TestSupport
@testable import EGPODistributed

/// `launcher bfcl score`: outcomes of separate `--format bfcl` runs checked again and reported
/// together, with BFCL's summaries over all of them.
@Test func bfclScoreJoinsRunsAndChecksAgain() throws {
    let folder = try Fixtures.temporaryDirectory("cli-bfcl-score")
    defer { try? FileManager.default.removeItem(at: folder) }
    // Two "runs": the stored verdicts are wrong on purpose (passed false), the checker decides again.
    func line(_ id: String, _ category: String, _ completion: String) -> String {
        #"{"category":"\#(category)","completion":\#(JSON.quoted(completion)),"completion_tokens":3,"failure":"x","finish":"stopped","id":"\#(id)","passed":false,"result":""}"#
    }
    let a = folder.appendingPathComponent("a.jsonl").path, b = folder.appendingPathComponent("b.jsonl").path
    try (line("irrelevance_0", "irrelevance", "I cannot help.") + "\n").write(toFile: a, atomically: true, encoding: .utf8)
    try (line("simple_python_0", "simple_python", "[calculate_triangle_area(base=10, height=5)]") + "\n"
         + line("simple_javascript_0", "simple_javascript", "Here you go") + "\n").write(toFile: b, atomically: true, encoding: .utf8)
    let out = folder.appendingPathComponent("joined").path
    let run = try LauncherBinary.run(["bfcl", "score", "--outcomes", a, b, "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let report = try JSONDecoder().decode(EvalReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/scores.json")))
    #expect(report.format == "bfcl" && report.overall.n == 3 && report.overall.correct == 2)
    #expect(report.categories["simple_javascript"]?.correct == 0)
    #expect(abs((report.aggregates["simple"]?.accuracy ?? -1) - 1.0 / 3) < 1e-12 && report.aggregates["simple"]?.missing == ["simple_java"])
    let results = try String(contentsOfFile: out + "/BFCL_v4_simple_python_result.json", encoding: .utf8)
    #expect(results == #"{"id": "simple_python_0", "result": "[calculate_triangle_area(base=10, height=5)]"}"# + "\n")

    let twice = try LauncherBinary.run(["bfcl", "score", "--outcomes", a, a, "--out", out])
    #expect(twice.status != 0 && twice.stderr.contains("irrelevance_0 occurs twice"), "\(twice.stderr)")
}
