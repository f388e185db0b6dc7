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
        .object([("type", .string("function")), ("function", BFCLFormat.json(f, typeName: jsonSchemaType))])
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
