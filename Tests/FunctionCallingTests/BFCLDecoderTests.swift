import Foundation
import Testing
import TestSupport
@testable import FunctionCalling

/// BFCL's prompting decoder (BFCL_CHECKER.md §2.1, §8.1), its irrelevance semantics (§9), and
/// the Java and JavaScript converters (§8.2).
@Suite struct BFCLDecoderTests {
    static let tasks: [String: FunctionTask] = {
        var out: [String: FunctionTask] = [:]
        for c in TaskCategory.allCases {
            for t in try! BFCLDataset.bundled.load(c) { out[t.id] = t }
        }
        return out
    }()

    /// §2.1's wrapper: fences, newlines and spaces stripped; brackets added only where missing.
    @Test func decoderStripsFencesAndAddsBrackets() throws {
        let call = [FunctionCall("math.factorial", [("number", .integer(5))])]
        for text in ["math.factorial(number=5)", "[math.factorial(number=5)]", "```\n[math.factorial(number=5)]\n```",
                     "  \n`math.factorial(number=5)`\n ", "\n\n[math.factorial(number=5)]\n", "'[math.factorial(number=5)]'"] {
            if text.hasPrefix("'") {
                // Quotes are stripped by the Python decoder after the wrapper has added brackets.
                #expect(throws: DecodeError.self, "\(text.debugDescription)") { try BFCLDecoder.decode(text, language: .python) }
            } else {
                #expect(try BFCLDecoder.decode(text, language: .python) == call, "\(text.debugDescription)")
            }
        }
        for bad in ["```python\n[math.factorial(number=5)]\n```", "Here: [math.factorial(number=5)]", "[f(a=1)\ng(b=2)]", "\t[f(a=1)]"] {
            #expect(throws: DecodeError.self, "\(bad.debugDescription)") { try BFCLDecoder.decode(bad, language: .python) }
        }
        #expect(try BFCLDecoder.decode("f(a=1), g(b=2)", language: .python).map(\.name) == ["f", "g"])
    }

    /// §9: an irrelevance answer is correct unless a non-empty call list decodes; relevance the reverse.
    @Test func irrelevanceAsBFCL() throws {
        let irrelevant = try #require(Self.tasks["irrelevance_0"])
        let relevant = try #require(Self.tasks["live_relevance_0-0-0"])
        let checker = ASTChecker()
        for abstention in ["I cannot help with that.", "[]", "", "[1, 2]", "```\nno\n```", "[set_step_goal(steps=24hroom')]", "call f(x=1) please"] {
            #expect(checker.check(rawOutput: abstention, task: irrelevant).valid, "\(abstention.debugDescription)")
            #expect(checker.check(rawOutput: abstention, task: relevant).errorType == .relevanceDecoderFailed, "\(abstention.debugDescription)")
        }
        for call in ["[f()]", "f(x=1)", "[calculate_triangle_area(base=1)]"] {
            #expect(checker.check(rawOutput: call, task: irrelevant).errorType == .irrelevanceDecoderSuccess, "\(call)")
            #expect(checker.check(rawOutput: call, task: relevant).valid, "\(call)")
        }
    }

    @Test func javaCalls() throws {
        let call = try JavaCallDecoder.decodeBFCLOutput(#"[Foo.bar(name="x", n=5, list=new String[]{"a", "b"}, m=new HashMap<String, Integer>() {{ put("a", 1); }}, c='c', o=obj.get(1), neg=-3)]"#)
        #expect(call == [FunctionCall("Foo.bar", [("name", .string("x")), ("n", .string("5")), ("list", .string(#"new String[]{"a","b"}"#)),
                                                  ("m", .string("new HashMap<String,Integer>()")), ("c", .string("c")),
                                                  ("o", .string("obj.get(1)")), ("neg", .string("-3"))])])
        #expect(try JavaCallDecoder.decodeBFCLOutput("a.b.c(x=y);").first?.name == "a.b.c")
        #expect(try JavaCallDecoder.decodeBFCLOutput("f(x=1, y)").first?.arguments.map(\.name) == ["x", JavaCallDecoder.unnamedArgument])
        for bad in ["Here is the call: f(x=1)", "f(x=1, x=2)", "f(x=", "f(a=1), g(b=2)"] {
            #expect(throws: DecodeError.self, "\(bad)") { try JavaCallDecoder.decodeBFCLOutput(bad) }
        }
        #expect(JavaValues.convert("42L", type: "long", nested: nil) == .integer(42))
        #expect(JavaValues.convert("42", type: "long", nested: nil) == .string("42"))
        #expect(JavaValues.convert("3.0f", type: "float", nested: nil) == .float(3))
        #expect(JavaValues.convert("0.5d", type: "double", nested: nil) == .string("0.5d"))
        #expect(JavaValues.convert("new int[]{1, 2}", type: "Array", nested: "integer") == .list([.integer(1), .integer(2)]))
        #expect(JavaValues.convert(#"new ArrayList<>(Arrays.asList("a", "b"))"#, type: "ArrayList", nested: "String") == .list([.string("a"), .string("b")]))
        #expect(JavaValues.convert(#"new HashMap<String, Object>() {{ put("k", 1L); put("s", "v"); }}"#, type: "HashMap", nested: nil)
                == .object([("k", .integer(1)), ("s", .string("v"))]))
    }

    @Test func javaScriptCalls() throws {
        let call = try JavaScriptCallDecoder.decodeBFCLOutput(#"[db.query(sql='SELECT 1', opts={limit: 5}, list=[1, 'a'], cb=(x) => x + 1, flag)]"#)
        #expect(call == [FunctionCall("db.query", [("sql", .string("SELECT 1")), ("opts", .string("{limit: 5}")), ("list", .string("[1, 'a']")),
                                                   ("cb", .string("(x) => x + 1")), (JavaCallDecoder.unnamedArgument, .string("flag"))])])
        #expect(throws: DecodeError.wrongOutputFormat("no call among the JavaScript statements")) { try JavaScriptCallDecoder.decodeBFCLOutput("x = 1") }
        #expect(throws: DecodeError.self) { try JavaScriptCallDecoder.decodeBFCLOutput("Sure! Here it is: f(a=1)") }
        #expect(JavaScriptValues.convert("[1, 2]", type: "array", nested: "integer") == .list([.integer(1), .integer(2)]))
        #expect(JavaScriptValues.convert("{'key': 123, 'b': true}", type: "dict", nested: nil) == .object([("key", .integer(123)), ("b", .bool(true))]))
        #expect(JavaScriptValues.convert("[[1, 2], [3]]", type: "array", nested: nil) == .list([.list([.integer(1), .integer(2)]), .list([.integer(3)])]))
        #expect(JavaScriptValues.convert("12n", type: "Bigint", nested: nil) == .integer(12))
        #expect(JavaScriptValues.convert("1e3", type: "float", nested: nil) == .string("1e3"))
    }

    /// Every Java and JavaScript ground truth rendered as a natural answer passes, except the 13
    /// Java entries BFCL_CHECKER.md §11 finds unreachable in prompting mode (87/100 and 50/50 there).
    @Test func languageGroundTruthRenderings() throws {
        let checker = ASTChecker()
        var passed: [CallLanguage: Int] = [:], failed: [String] = []
        for (id, task) in Self.tasks.sorted(by: { $0.key < $1.key }) where task.category.language != .python {
            let truth = try #require(task.groundTruth?.first), function = try #require(task.functions.first)
            let args = truth.parameters.compactMap { p -> String? in
                guard let v = p.alternatives.first(where: { $0 != .string("") }) else { return nil }
                return p.name + "=" + Self.render(v, schema: function.parameter(named: p.name), language: task.category.language)
            }
            let answer = "[\(truth.functionName)(\(args.joined(separator: ", ")));]"
            if checker.check(rawOutput: answer, task: task).valid { passed[task.category.language, default: 0] += 1 } else { failed.append(id) }
        }
        print("Java/JavaScript ground truth rendered as answers: Java \(passed[.java] ?? 0)/100, JavaScript \(passed[.javascript] ?? 0)/50; failing: \(failed)")
        #expect(passed[.javascript] == 50)
        #expect(passed[.java] ?? 0 >= 87)
    }

    static func render(_ v: Value, schema: ParameterSchema?, language: CallLanguage) -> String {
        switch v {
        case .string(let s):
            if language == .javascript { return s.contains("'") ? "\"" + s + "\"" : "'" + s + "'" }
            if language == .java, schema?.type == "String" || (!s.hasPrefix("new ") && s.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") })) {
                return s.contains(":") && !s.contains(" ") && s.contains("::") ? s : "\"" + s + "\""
            }
            return s
        case .integer(let i):
            return schema?.type == "long" ? "\(i)L" : "\(i)"
        case .float(let d):
            return schema?.type == "float" && language == .java ? "\(d)f" : "\(d)"
        case .bool(let b): return b ? "true" : "false"
        case .list(let l):
            let inner = l.map { render($0, schema: schema?.items, language: language) }.joined(separator: ", ")
            if language == .java {
                return schema?.type == "ArrayList" ? "new ArrayList<>(Arrays.asList(\(inner)))" : "new \(schema?.items?.type ?? "Object")[]{\(inner)}"
            }
            return "[" + inner + "]"
        case .dict(let entries):
            if language == .java { return "new HashMap<>()" }
            return "{" + entries.map { "\($0.key.stringValue ?? ""): \(render($0.value.listValue?.first ?? $0.value, schema: nil, language: language))" }.joined(separator: ", ") + "}"
        default: return "\(v)"
        }
    }
}
