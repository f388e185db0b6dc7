import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// Reads the typed JSON written by Fixtures/make_decoder_cases.py back into a Value.
private func untag(_ t: Value) throws -> Value {
    guard let e = t.dictEntries?.first, case .string(let kind) = e.key else { throw DecoderFixtureError(t) }
    let v = e.value
    switch kind {
    case "bool": return v
    case "int":
        guard let s = v.stringValue, let i = Int(s) else { throw DecoderFixtureError(t) }
        return .integer(i)
    case "float":
        guard let s = v.stringValue else { throw DecoderFixtureError(t) }
        return .float(s == "inf" ? .infinity : s == "-inf" ? -.infinity : Double(s)!)
    case "complex":
        guard case .list(let p) = v, let r = p[0].stringValue, let i = p[1].stringValue else { throw DecoderFixtureError(t) }
        return .complex(real: Double(r)!, imaginary: Double(i)!)
    case "str": return v
    case "none": return .null
    case "bytes": return .bytes((v.listValue ?? []).map { if case .integer(let b) = $0 { UInt8(b) } else { 0 } })
    case "list": return .list(try (v.listValue ?? []).map(untag))
    case "tuple": return .tuple(try (v.listValue ?? []).map(untag))
    case "dict":
        return .dict(try (v.listValue ?? []).map { pair in
            guard case .list(let kv) = pair, kv.count == 2 else { throw DecoderFixtureError(t) }
            return Value.Entry(try untag(kv[0]), try untag(kv[1]))
        })
    default: throw DecoderFixtureError(t)
    }
}

private struct DecoderFixtureError: Error {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The Swift decoder against CPython's own parser, unparser and eval on 263 tricky outputs
/// (literal spellings, escapes, unary and binary quirks, names, nested calls, subscripts,
/// malformed syntax). Reference: Tests/FunctionCallingTests/Fixtures/make_decoder_cases.py.
@Test func decoderMatchesCPythonReference() throws {
    let url = Fixtures.repositoryRoot.appendingPathComponent("Tests/FunctionCallingTests/Fixtures/decoder_cases.jsonl")
    let data = try Data(contentsOf: url)
    var total = 0
    var mismatches: [String] = []
    try BFCLDataset.forEachJSONLine(data, file: "decoder_cases.jsonl") { (line, c) throws(BFCLDatasetError) in
        total += 1
        let input = c["input"]!.stringValue!
        let got = Result { () throws(DecodeError) in try PythonCallDecoder.decodeBFCLOutput(input) }
        if c["ok"] == .bool(false) {
            if case .success(let calls) = got { mismatches.append("line \(line) \(input.debugDescription): Python fails, Swift gave \(calls)") }
            return
        }
        var expected: [FunctionCall] = []
        do {
            for call in c["calls"]!.listValue! {
                let parts = call.listValue!
                let args = try parts[1].listValue!.map { a in
                    FunctionCall.Argument(name: a.listValue![0].stringValue!, value: try untag(a.listValue![1]))
                }
                expected.append(FunctionCall(name: parts[0].stringValue!, arguments: args))
            }
        } catch {
            mismatches.append("line \(line): bad fixture")
            return
        }
        switch got {
        case .failure(let e): mismatches.append("line \(line) \(input.debugDescription): Python gives \(expected), Swift failed: \(e)")
        case .success(let calls) where calls != expected:
            mismatches.append("line \(line) \(input.debugDescription): Python gives \(expected), Swift gave \(calls)")
        default: break
        }
    }
    #expect(total == 263)
    #expect(mismatches.isEmpty, "\(mismatches.count)/\(total) disagree with CPython:\n\(mismatches.prefix(30).joined(separator: "\n"))")
}
