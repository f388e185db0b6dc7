/// Checks of a loaded BFCL task that the JSON shape alone does not catch: every schema type is
/// one the checker knows (§4.1 of BFCL_CHECKER.md), and the ground truth names only offered
/// functions. Both would otherwise surface as a wrong score, far from the line at fault.
extension BFCLDataset {
    /// BFCL's schema types; the checker's type table maps each to a Python type.
    public static let schemaTypes = ["any", "array", "boolean", "dict", "float", "integer", "string", "tuple"]

    /// Throws `EntryError` naming the function, the parameter path and the bad type or name.
    /// Java and JavaScript docs use their language's types (§8.2), checked at the top level and
    /// in array `items`, the only places BFCL's checker looks them up.
    static func validate(functions: [FunctionSchema], truth: [ExpectedCall]?, language: CallLanguage = .python) throws(BFCLFormat.EntryError) {
        for f in functions {
            guard f.parametersType == "dict" else {
                throw BFCLFormat.EntryError("\(f.name): parameters.type \"\(f.parametersType)\" is not \"dict\"")
            }
            for p in f.parameters {
                if language == .python {
                    try validate(p.schema, context: "\(f.name).\(p.name)")
                } else {
                    for (schema, context) in [(p.schema, "\(f.name).\(p.name)")] + (p.schema.items.map { [($0, "\(f.name).\(p.name).items")] } ?? [])
                    where ASTChecker.languageType(schema.type, language) == nil {
                        throw BFCLFormat.EntryError("\(context): unknown \(language) schema type \"\(schema.type)\"")
                    }
                }
            }
        }
        let offered = Set(functions.map(\.name))
        for call in truth ?? [] where !offered.contains(call.functionName) {
            throw BFCLFormat.EntryError("ground truth calls \(call.functionName), which the task does not offer (offered: \(functions.map(\.name).joined(separator: ", ")))")
        }
    }

    private static func validate(_ schema: ParameterSchema, context: String) throws(BFCLFormat.EntryError) {
        guard schemaTypes.contains(schema.type) else {
            throw BFCLFormat.EntryError("\(context): unknown schema type \"\(schema.type)\" (expected one of \(schemaTypes.joined(separator: ", ")))")
        }
        if let items = schema.items { try validate(items, context: "\(context).items") }
        for p in schema.properties ?? [] { try validate(p.schema, context: "\(context).\(p.name)") }
    }
}
