import Testing
@testable import FunctionCalling

@Test func jsonKeepsIntegersAndFloatsApart() throws {
    let v = try JSON.parse(#"{"a": 1, "b": 1.0, "c": 1e3, "d": [true, null, "x\u00e9\n"], "a": 2}"#)
    #expect(v == .object([("a", .integer(2)), ("b", .float(1.0)), ("c", .float(1000)),
                          ("d", .list([.bool(true), .null, .string("xé\n")]))]))
    #expect(JSON.serialize(v) == #"{"a": 2, "b": 1.0, "c": 1000.0, "d": [true, null, "xé\n"]}"#)
}

@Test func jsonRejectsMalformedText() {
    for bad in ["", "{", "[1,]", "01", "\"abc", "{\"a\" 1}", "tru", "1 2"] {
        #expect(throws: JSON.ParseError.self, "\(bad)") { try JSON.parse(bad) }
    }
}

@Test func floatReprMatchesPython() {
    // Expected strings are Python 3.11's repr() of the same doubles.
    let cases: [(Double, String)] = [(1.0, "1.0"), (0.1, "0.1"), (1e16, "1e+16"), (1.5e-5, "1.5e-05"),
                                     (123456.789, "123456.789"), (0.0001, "0.0001"), (-2.5, "-2.5"),
                                     (1e15, "1000000000000000.0"), (0.0, "0.0"), (3e-10, "3e-10")]
    for (d, s) in cases { #expect(pythonFloatRepr(d) == s, "\(d)") }
}

@Test func jsonNestingIsBounded() throws {
    #expect(try JSON.parse(String(repeating: "[", count: 900) + String(repeating: "]", count: 900)) != .null)
    #expect(throws: JSON.ParseError.self) { try JSON.parse(String(repeating: "[", count: 100_000)) }
    #expect(throws: DecodeError.self) { try ToolCallDecoder.decode("<tool_call>" + String(repeating: "{\"a\":", count: 50_000) + "</tool_call>") }
}

@Test func pythonEqualityAcrossNumberTypes() {
    #expect(Value.integer(1).pythonEquals(.float(1.0)))
    #expect(Value.bool(true).pythonEquals(.integer(1)))
    #expect(Value.float(0.5).pythonEquals(.complex(real: 0.5, imaginary: 0)))
    #expect(!Value.integer(9_007_199_254_740_993).pythonEquals(.float(9_007_199_254_740_992)))  // 2**53 + 1 vs 2.0**53
    #expect(!Value.list([.integer(1)]).pythonEquals(.tuple([.integer(1)])))
    #expect(Value.object([("a", .integer(1)), ("b", .integer(2))]).pythonEquals(.object([("b", .float(2)), ("a", .integer(1))])))
    #expect(!Value.string("é").pythonEquals(.string("e\u{301}")))  // Python compares code points
}
