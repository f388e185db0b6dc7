/// Writing tasks in the xlam-function-calling-60k format, so other trainers can use FunctionWorld
/// (`launcher data generate --format xlam`). Reading the file back (`XLAMDataset.load`) gives the
/// same functions, question and answer; what the format cannot hold is lost: reasoning, nested
/// dict properties (a dict is spelled `Dict[str, Any]`) and alternatives beyond the first.
extension XLAMDataset {
    /// One record as a JSON line: `{"id", "query", "answers", "tools"}`, `answers` and `tools` as
    /// JSON strings as in the published file; an irrelevance task has `"[]"` as its answers.
    public static func recordLine(_ task: FunctionTask, id: Int) -> String {
        let tools = Value.list(task.functions.map(tool))
        let answers = Value.list(answerCalls(task).map { call in
            .object([("name", .string(call.name)), ("arguments", .object(call.arguments.map { ($0.name, $0.value) }))])
        })
        let question = task.messages.last { $0.role == "user" }?.content ?? ""
        return JSON.serialize(.object([("id", .integer(id)), ("query", .string(question)),
                                       ("answers", .string(JSON.serialize(answers))), ("tools", .string(JSON.serialize(tools)))]))
    }

    /// A function as an xLAM tool: parameters by name with Python type spellings, a `default` for
    /// each optional one, and an enum's values under `enum`.
    static func tool(_ function: FunctionSchema) -> Value {
        let parameters: [(String, Value)] = function.parameters.map { p in
            var fields: [(String, Value)] = [("description", .string(p.schema.description ?? "")), ("type", .string(pythonSpelling(p.schema)))]
            if let options = p.schema.enumValues { fields.append(("enum", .list(options))) }
            if !function.required.contains(p.name) { fields.append(("default", p.schema.defaultValue ?? .null)) }
            return (p.name, .object(fields))
        }
        return .object([("name", .string(function.name)), ("description", .string(function.description)),
                        ("parameters", .object(parameters))])
    }

    /// BFCL's type name as Python spells it: `str`, `int`, `List[str]`, `Dict[str, Any]`.
    static func pythonSpelling(_ schema: ParameterSchema) -> String {
        switch schema.type {
        case "string": "str"
        case "integer": "int"
        case "float": "float"
        case "boolean": "bool"
        case "array", "tuple": schema.items.map { "List[\(pythonSpelling($0))]" } ?? "list"
        case "dict": "Dict[str, Any]"
        default: "Any"
        }
    }
}
