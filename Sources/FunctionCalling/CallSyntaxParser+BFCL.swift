/// What BFCL's Java and JavaScript prompting decoders share (BFCL_CHECKER.md §8.1): the §2.1
/// wrapper undone, the source parsed, and a call's arguments collected.
extension CallSyntaxParser {
    /// The text BFCL's language parsers see: the answer wrapped as §2.1 wraps it, then the
    /// brackets cut off again.
    static func bfclSource(_ raw: String) -> String {
        String(PythonCallDecoder.bfclWrap(raw).dropFirst().dropLast())
    }

    /// `source` parsed as a program of `language`; a syntax error names the language.
    static func parse(_ source: String, language: Language) throws(DecodeError) -> (parser: CallSyntaxParser, tree: CallSyntaxNode) {
        do {
            var parser = try CallSyntaxParser(source, language: language)
            let tree = try parser.program()
            return (parser, tree)
        } catch {
            throw .languageSyntax("\(language == .java ? "Java" : "JavaScript") \(error)")
        }
    }

    /// A call's arguments as BFCL's parsers collect them: `name=value` pairs (a name given twice
    /// is refused), at most one unnamed argument of a kind in `unnamedKinds`, kept under
    /// `JavaCallDecoder.unnamedArgument`; other children (punctuation, other values) dropped.
    /// - Parameters:
    ///   - named: the text kept for a named argument's value node.
    ///   - unnamed: the text kept for an unnamed argument's node.
    func arguments(of list: CallSyntaxNode, unnamedKinds: Set<String>, named: (CallSyntaxNode) throws(DecodeError) -> String,
                   unnamed: (CallSyntaxNode) throws(DecodeError) -> String) throws(DecodeError) -> [FunctionCall.Argument] {
        var arguments: [FunctionCall.Argument] = []
        var seen = Set<String>()
        var positional = 0
        for child in list.children {
            if child.kind == "assignment_expression" {
                let key = text(child.children[0])
                guard seen.insert(key).inserted else { throw .unsupportedValue("argument \(key) given twice") }
                arguments.append(FunctionCall.Argument(name: key, value: .string(try named(child.children[2]))))
            } else if unnamedKinds.contains(child.kind) {
                positional += 1
                guard positional == 1 else { throw .unsupportedValue("several unnamed arguments") }
                arguments.append(FunctionCall.Argument(name: JavaCallDecoder.unnamedArgument, value: .string(try unnamed(child))))
            }
        }
        return arguments
    }
}
