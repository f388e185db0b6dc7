import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// BFCL's own verdicts on 11,629 outputs (bfcl/conformance/public.jsonl): the project's checker
/// must agree on every valid/invalid verdict and every error type.
@Test(.enabled(if: Fixtures.hasShared)) func checkerAgreesWithBFCLOnTheConformanceFile() throws {
    let bfcl = Fixtures.sharedDirectory.appendingPathComponent("bfcl")
    let data = try Data(contentsOf: bfcl.appendingPathComponent("conformance/public.jsonl"))
    var check = BFCLResultsCheck(dataset: BFCLDataset(directory: bfcl))
    let outcomes = try check.check(contents: data, file: "public.jsonl")
    var expected: [(valid: Bool, errorType: String)] = []
    try BFCLDataset.forEachJSONLine(data, file: "public.jsonl") { (_, v) throws(BFCLDatasetError) in
        expected.append((v["valid"] == .bool(true), v["error_type"]?.stringValue ?? "?"))
    }
    #expect(outcomes.count == expected.count)
    var validAgree = 0, prefixAgree = 0, fullAgree = 0
    var disagreements: [String] = []
    for (o, e) in zip(outcomes, expected) {
        let got = o.verdict.errorTypeString
        let v = o.verdict.valid == e.valid
        let p = got.prefix { $0 != ":" } == e.errorType.prefix { $0 != ":" }
        if v { validAgree += 1 }
        if v && p { prefixAgree += 1 }
        if got == e.errorType { fullAgree += 1 } else if disagreements.count < 15 {
            disagreements.append("\(o.id) result=\(o.result.debugDescription) expected=\(e.valid)/\(e.errorType) got=\(o.verdict)")
        }
    }
    let n = expected.count
    print("conformance: valid \(validAgree)/\(n), error-type prefix \(prefixAgree)/\(n), full error type \(fullAgree)/\(n)")
    #expect(validAgree == n, "valid/invalid agreement \(validAgree)/\(n); first disagreements:\n\(disagreements.joined(separator: "\n"))")
    #expect(prefixAgree == n, "error-type prefix agreement \(prefixAgree)/\(n); first disagreements:\n\(disagreements.joined(separator: "\n"))")
    #expect(fullAgree == n, "full error-type agreement \(fullAgree)/\(n); first disagreements:\n\(disagreements.joined(separator: "\n"))")
}
