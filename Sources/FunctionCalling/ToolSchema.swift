/// The OpenAI / Hugging Face tool form of a function: `{"type": "function", "function": {"name",
/// "description", "parameters"}}`, the dicts that `apply_chat_template(tools=...)` renders.
///
/// Built from the parsed `FunctionSchema`, so a task's tools always say what the checker checks.
/// The function object is the BFCL function doc in the key order `BFCLFormat.json` writes it
/// (name, description, parameters {type, properties, required, other keys}, other keys; each
/// parameter schema: type, description, enum, default, items, properties, required, other keys),
/// with every schema's BFCL type name mapped to JSON Schema's: `dict` → `object`, `float` →
/// `number`, `tuple` → `array`, `any` → no `type` key (JSON Schema's spelling of "any value");
/// `string`, `integer`, `boolean`, `array` and names of other languages are kept.
/// scripts/chat_template_golden.py builds its tools by the same rule.
public enum ToolSchema {
    /// The tool dict of one function.
    public static func json(_ f: FunctionSchema) -> Value {
        var params: [(String, Value)] = [("type", .string(jsonSchemaType(f.parametersType) ?? f.parametersType)),
                                         ("properties", .object(f.parameters.map { ($0.name, json($0.schema)) })),
                                         ("required", .list(f.required.map(Value.string)))]
        params += f.parameterExtras.map { ($0.key, $0.value) }
        var function: [(String, Value)] = [("name", .string(f.name)), ("description", .string(f.description)),
                                           ("parameters", .object(params))]
        function += f.extras.map { ($0.key, $0.value) }
        return .object([("type", .string("function")), ("function", .object(function))])
    }

    /// One parameter schema with its type mapped.
    public static func json(_ s: ParameterSchema) -> Value {
        var out: [(String, Value)] = []
        if let t = jsonSchemaType(s.type) { out.append(("type", .string(t))) }
        if let d = s.description { out.append(("description", .string(d))) }
        if let e = s.enumValues { out.append(("enum", .list(e))) }
        if let d = s.defaultValue { out.append(("default", d)) }
        if let i = s.items { out.append(("items", json(i))) }
        if let p = s.properties { out.append(("properties", .object(p.map { ($0.name, json($0.schema)) }))) }
        if let r = s.required { out.append(("required", .list(r.map(Value.string)))) }
        out += s.extras.map { ($0.key, $0.value) }
        return .object(out)
    }

    /// JSON Schema's name for a BFCL type, nil for `any`.
    public static func jsonSchemaType(_ bfclType: String) -> String? {
        switch bfclType {
        case "dict": "object"
        case "float": "number"
        case "tuple": "array"
        case "any": nil
        default: bfclType
        }
    }
}
