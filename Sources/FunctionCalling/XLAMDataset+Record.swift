/// One xLAM record into a task: the fields, the tool list, the answer and the category.
extension XLAMDataset {
    typealias EntryError = BFCLFormat.EntryError

    /// The form of a record, for messages.
    static let recordForm = "{\"id\": int, \"query\": str, \"tools\": str, \"answers\": str}"

    /// Reads one record; the error names the field and the form expected there.
    static func record(from value: Value, place: Place) throws(EntryError) -> Record {
        guard case .dict = value else { throw EntryError("the record is \(kind(value)) (expected an object \(recordForm))") }
        let id: String
        switch value["id"] {
        case .integer(let i)?: id = String(i)
        case .string(let s)?: id = s
        case nil: throw EntryError("missing field \"id\" (expected \(recordForm))")
        case let other?: throw EntryError("\"id\" is \(kind(other)) (expected an integer)")
        }
        guard let queryValue = value["query"] else { throw EntryError("missing field \"query\" (expected \(recordForm))") }
        guard case .string(let query) = queryValue else { throw EntryError("\"query\" is \(kind(queryValue)) (expected a string)") }
        let toolList = try embeddedList(value, field: "tools", form: "a list of {\"name\", \"description\", \"parameters\"}")
        let answerList = try embeddedList(value, field: "answers", form: "a list of {\"name\", \"arguments\"}")

        var functions: [FunctionSchema] = []
        for (i, t) in toolList.enumerated() { functions.append(try function(from: t, context: "tools[\(i)]")) }
        var calls: [FunctionCall] = []
        var truth: [ExpectedCall] = []
        for (i, a) in answerList.enumerated() {
            let call = try self.call(from: a, context: "answers[\(i)]")
            guard let schema = functions.first(where: { $0.name == call.name }) else {
                throw EntryError("answers[\(i)] calls \"\(call.name)\", which \"tools\" does not offer (offered: \(functions.map(\.name).joined(separator: ", ")))")
            }
            calls.append(call)
            truth.append(expected(call, schema: schema))
        }
        let category = self.category(answers: calls.count, tools: functions.count)
        // The category leads the id, as in BFCL's ids, so that code deriving it from the id agrees.
        let task = FunctionTask(id: "\(category.rawValue)_xlam\(id)", category: category,
                                messages: [Message(role: "user", content: query)], functions: functions,
                                groundTruth: category == .irrelevance ? nil : truth)
        return Record(id: id, place: place, task: task, answer: calls)
    }

    /// BFCL's category for an answer of `answers` calls among `tools` offered functions: one
    /// call of the one function is simple, one call among several is multiple, several calls of
    /// one function parallel, several among several parallel_multiple; no call is irrelevance.
    public static func category(answers: Int, tools: Int) -> TaskCategory {
        switch (answers, tools) {
        case (0, _): .irrelevance
        case (1, ...1): .simplePython
        case (1, _): .multiple
        case (_, ...1): .parallel
        default: .parallelMultiple
        }
    }

    /// A field that holds a JSON string whose content is a list.
    static func embeddedList(_ record: Value, field: String, form: String) throws(EntryError) -> [Value] {
        guard let v = record[field] else { throw EntryError("missing field \"\(field)\" (expected \(recordForm))") }
        guard case .string(let text) = v else {
            throw EntryError("\"\(field)\" is \(kind(v)) (expected a JSON string holding \(form))")
        }
        let inner: Value
        do { inner = try JSON.parse(text) } catch {
            throw EntryError("\"\(field)\" holds \(error) (expected a JSON string holding \(form))")
        }
        guard case .list(let items) = inner else {
            throw EntryError("\"\(field)\" holds \(kind(inner)) (expected a JSON string holding \(form))")
        }
        return items
    }

    /// A tool `{"name", "description", "parameters": {param: {"type", "description", "default"}}}`.
    static func function(from tool: Value, context: String) throws(EntryError) -> FunctionSchema {
        guard case .dict = tool else { throw EntryError("\(context) is \(kind(tool)) (expected an object {\"name\", \"description\", \"parameters\"})") }
        guard case .string(let name)? = tool["name"], !name.isEmpty else {
            throw EntryError("\(context).name: \(tool["name"].map(kind) ?? "missing") (expected a non-empty string)")
        }
        var description = ""
        switch tool["description"] {
        case nil, .null?: break
        case .string(let d)?: description = d
        case let other?: throw EntryError("\(context).description is \(kind(other)) (expected a string)")
        }
        var parameters: [Property] = []
        var required: [String] = []
        switch tool["parameters"] {
        case nil, .null?: break
        case .dict(let entries)?:
            for e in entries {
                guard case .string(let pName) = e.key else { continue }
                let (schema, isRequired) = try parameter(from: e.value, context: "\(context).parameters.\(pName)")
                parameters.append(Property(name: pName, schema: schema))
                if isRequired { required.append(pName) }
            }
        case let other?:
            throw EntryError("\(context).parameters is \(kind(other)) (expected an object {name: {\"type\", \"description\", \"default\"}})")
        }
        return FunctionSchema(name: name, description: description, parameters: parameters, required: required)
    }

    /// A parameter `{"type", "description", "default"}` and whether it is required: it is unless
    /// it has a `default`, an optional type (`Optional[...]`, `..., optional`) or `"required": false`.
    static func parameter(from json: Value, context: String) throws(EntryError) -> (ParameterSchema, Bool) {
        guard let entries = json.dictEntries else {
            throw EntryError("\(context) is \(kind(json)) (expected an object {\"type\", \"description\", \"default\"})")
        }
        guard let typeValue = json["type"] else { throw EntryError("\(context): missing field \"type\" (expected a Python type such as \"str\" or \"List[int]\")") }
        guard case .string(let spelling) = typeValue else {
            throw EntryError("\(context).type is \(kind(typeValue)) (expected a string such as \"str\" or \"List[int]\")")
        }
        let type: PythonTypeSpelling
        do { type = try PythonTypeSpelling(parsing: spelling) } catch {
            throw EntryError("\(context).type \"\(spelling)\": \(error.problem)")
        }
        var schema = type.schema
        var explicitRequired: Bool?
        var hasDefault = false
        for e in entries {
            guard case .string(let key) = e.key else { continue }
            switch (key, e.value) {
            case ("type", _): break
            case ("description", .string(let d)): schema.description = d
            case ("description", .null): break
            case ("description", let other): throw EntryError("\(context).description is \(kind(other)) (expected a string)")
            case ("default", let v):
                hasDefault = true
                // xLAM writes `"default": ""` for "no default" whatever the type; only a string
                // parameter can really default to the empty string.
                if v != .string("") || schema.type == "string" { schema.defaultValue = v }
            case ("required", .bool(let b)): explicitRequired = b
            case ("required", let other): throw EntryError("\(context).required is \(kind(other)) (expected true or false)")
            case ("enum", .list(let options)): schema.enumValues = options
            default: schema.extras.append(Property.Extra(key: key, value: e.value))
            }
        }
        return (schema, explicitRequired ?? (!hasDefault && !type.optional))
    }

    /// An answer `{"name", "arguments": {...}}` as a call, arguments in the order written.
    static func call(from answer: Value, context: String) throws(EntryError) -> FunctionCall {
        guard case .dict = answer else { throw EntryError("\(context) is \(kind(answer)) (expected an object {\"name\", \"arguments\"})") }
        guard case .string(let name)? = answer["name"], !name.isEmpty else {
            throw EntryError("\(context).name: \(answer["name"].map(kind) ?? "missing") (expected a non-empty string)")
        }
        guard let args = answer["arguments"] else { throw EntryError("\(context): missing field \"arguments\" (expected an object of argument values)") }
        guard case .dict(let entries) = args else { throw EntryError("\(context).arguments is \(kind(args)) (expected an object of argument values)") }
        return FunctionCall(name: name, arguments: entries.compactMap { e in
            e.key.stringValue.map { FunctionCall.Argument(name: $0, value: e.value) }
        })
    }

    /// The possible answer of one call: each passed argument's value is the one alternative (a
    /// dict as BFCL's `{key: [value]}` spec, so the checker compares it key by key), and each
    /// optional parameter the call leaves out may be omitted (`[""]`). A required parameter the
    /// call leaves out is not listed, so that stage 1 drops the task as unpassable.
    static func expected(_ call: FunctionCall, schema: FunctionSchema) -> ExpectedCall {
        var parameters = call.arguments.map { a in
            ExpectedCall.Parameter(name: a.name, alternatives: [spec(a.value, schema: schema.parameter(named: a.name))])
        }
        for p in schema.parameters where call.argument(p.name) == nil && !schema.required.contains(p.name) {
            parameters.append(ExpectedCall.Parameter(name: p.name, alternatives: [.string("")]))
        }
        return ExpectedCall(functionName: call.name, parameters: parameters)
    }

    /// A value in possible-answer form: dicts (also in a list of dicts) become `{key: [value]}`.
    static func spec(_ value: Value, schema: ParameterSchema?) -> Value {
        switch (schema?.type, value) {
        case ("dict"?, .dict(let entries)):
            return .dict(entries.map { Value.Entry($0.key, .list([$0.value])) })
        case ("array"?, .list(let items)) where schema?.items?.type == "dict":
            return .list(items.map { spec($0, schema: schema?.items) })
        default:
            return value
        }
    }

    /// The JSON kind of a value, for messages: "a string", "a list", ...
    static func kind(_ v: Value) -> String {
        switch v {
        case .string: "a string"
        case .integer, .float: "a number"
        case .bool: "a boolean"
        case .null: "null"
        case .list, .tuple: "a list"
        case .dict: "an object"
        case .bytes, .complex: "not JSON"
        }
    }
}
