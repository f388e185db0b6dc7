/// BFCL's decoder for prompting models' Java answers (BFCL_CHECKER.md §8.1; gorilla's
/// `model_handler/parser/java_parser.py` walking tree-sitter-java's tree): after the §2.1
/// wrapper, the brackets are cut off, the text is parsed, and the **first** method invocation
/// found (depth first) is the one call. Its name is `object.name`; only `name=value` arguments
/// are named, a bare identifier or class literal goes under no name (BFCL's `None` key, which
/// the checker then finds unexpected), anything else is dropped. Values are source texts (§8.1).
public enum JavaCallDecoder {
    /// `default_decode_ast_prompting` for Java.
    public static func decodeBFCLOutput(_ raw: String) throws(DecodeError) -> [FunctionCall] {
        try decode(CallSyntaxParser.bfclSource(raw))
    }

    /// The calls of Java source (BFCL's `parse_java_function_call`).
    public static func decode(_ source: String) throws(DecodeError) -> [FunctionCall] {
        let (parser, tree) = try CallSyntaxParser.parse(source, language: .java)
        guard let call = firstInvocation(tree) else {
            // BFCL returns `{}`, which is not a list of calls.
            throw .wrongOutputFormat("no method invocation in the Java text")
        }
        var name = parser.text(call.field("name")!)
        if let object = call.field("object") { name = parser.text(object) + "." + name }
        let value: (CallSyntaxNode) throws(DecodeError) -> String = { node throws(DecodeError) in try text(node, parser, nested: false) }
        let arguments = try parser.arguments(of: call.field("arguments")!, unnamedKinds: ["identifier", "class_literal"], named: value, unnamed: value)
        return [FunctionCall(name: name, arguments: arguments)]
    }

    /// The name under which an unnamed argument is kept: BFCL's `None` key, which no function
    /// doc has, so the checker reports it as an unexpected parameter.
    public static let unnamedArgument = "\u{0}None"

    static func firstInvocation(_ node: CallSyntaxNode) -> CallSyntaxNode? {
        if node.kind == "method_invocation" { return node }
        for child in node.children { if let found = firstInvocation(child) { return found } }
        return nil
    }

    /// BFCL's `traverse_node`: quotes dropped from a top-level string or char literal; names,
    /// class literals and invocations as written; `new T[]{...}` and `new T(args)` rebuilt
    /// (an anonymous class body dropped); anything else its tokens' texts joined without spaces.
    static func text(_ node: CallSyntaxNode, _ parser: CallSyntaxParser, nested: Bool) throws(DecodeError) -> String {
        let source = parser.text(node)
        switch node.kind {
        case "string_literal", "character_literal":
            return nested ? source : String(source.dropFirst().dropLast())
        case "identifier", "class_literal", "type_identifier", "method_invocation":
            return source
        case "array_creation_expression":
            guard let value = node.field("value") else { throw .unsupportedValue("an array creation without initializer: \(source)") }
            return "new " + (try text(node.field("type")!, parser, nested: true)) + "[]" + (try text(value, parser, nested: true))
        case "object_creation_expression":
            let type = try text(node.field("type")!, parser, nested: true)
            var parts: [String] = []
            for child in node.field("arguments")!.children where ![",", "(", ")"].contains(child.kind) {
                parts.append(try text(child, parser, nested: true))
            }
            return "new \(type)(\(parts.joined(separator: ", ")))"
        default:
            guard !node.children.isEmpty else { return source }
            var out = ""
            for child in node.children { out += try text(child, parser, nested: true) }
            return out
        }
    }
}

/// BFCL's decoder for prompting models' JavaScript answers (BFCL_CHECKER.md §8.1; gorilla's
/// `js_parser.py`): the first call among the top-level expression statements is the one call,
/// named by its callee's text; `name=value` arguments keep the value's source text with one pair
/// of surrounding quotes removed; a bare identifier or `true` goes under no name; no call found
/// is not in call shape.
public enum JavaScriptCallDecoder {
    /// `default_decode_ast_prompting` for JavaScript.
    public static func decodeBFCLOutput(_ raw: String) throws(DecodeError) -> [FunctionCall] {
        try decode(CallSyntaxParser.bfclSource(raw))
    }

    public static func decode(_ source: String) throws(DecodeError) -> [FunctionCall] {
        let (parser, tree) = try CallSyntaxParser.parse(source, language: .javascript)
        for statement in tree.children {
            for call in statement.children where call.kind == "call_expression" {
                let arguments = try parser.arguments(of: call.field("arguments")!, unnamedKinds: ["identifier", "true"],
                                                     named: { node throws(DecodeError) in unquoted(parser.text(node)) },
                                                     unnamed: { node throws(DecodeError) in parser.text(node) })
                return [FunctionCall(name: parser.text(call.field("function")!), arguments: arguments)]
            }
        }
        throw .wrongOutputFormat("no call among the JavaScript statements")
    }

    /// Without one pair of surrounding `"` or `'` (JS_parser's trim).
    static func unquoted(_ s: String) -> String {
        if s.count >= 2, (s.hasPrefix("\"") && s.hasSuffix("\"")) || (s.hasPrefix("'") && s.hasSuffix("'")) {
            return String(s.dropFirst().dropLast())
        }
        return s
    }
}
