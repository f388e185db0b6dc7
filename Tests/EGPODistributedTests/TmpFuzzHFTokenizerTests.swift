import Foundation
import Testing
@testable import EGPODistributed

@Suite struct TmpFuzzHFTokenizerTests {
    @Test(arguments: ["qwen2", "llama3"]) func fuzz(name: String) throws {
        let all = try JSONDecoder().decode([String: [HFTokenizerGoldenTests.Case]].self, from: Data(contentsOf: URL(fileURLWithPath: "/tmp/hftok/fuzz.json")))
        let tokenizer = try HFTokenizerGoldenTests.tokenizer(name)
        let failures = HFTokenizerGoldenTests.mismatches(tokenizer, all[name]!)
        #expect(failures.isEmpty, "\(failures.count) differ:\n\(failures.prefix(8).joined(separator: "\n"))")
    }
}
