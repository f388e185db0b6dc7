/// Conversion between the project's task types and BFCL's JSON-lines entries (BFCL_FORMAT.md):
/// prompt entries `{"id", "question": [[messages]], "function": [docs]}` and possible-answer
/// entries `{"id", "ground_truth": [{name: {param: [alternatives]}}]}`.
public enum BFCLFormat {
    /// What is wrong with an entry, as a short sentence naming the field.
    public struct EntryError: Error, Sendable, Equatable, CustomStringConvertible {
        public var problem: String
        public init(_ problem: String) { self.problem = problem }
        public var description: String { problem }
    }

    // MARK: Reading

    /// The function doc in BFCL's JSON shape, read into a schema.
    public static func functionSchema(from json: Value) throws(EntryError) -> FunctionSchema {
        guard let entries = json.dictEntries else { throw EntryError("a function doc is not an object") }
        guard case .string(let name)? = json["name"] else { throw EntryError("a function doc has no string \"name\"") }
        var description = ""
        if case .string(let d)? = json["description"] { description = d }
        var parameters: [Property] = []
        var required: [String] = []
        var parametersType = "dict"
        var parameterExtras: [Property.Extra] = []
        if let params = json["parameters"] {
            guard let pEntries = params.dictEntries else { throw EntryError("\(name): \"parameters\" is not an object") }
            for e in pEntries {
                guard case .string(let key) = e.key else { continue }
                switch key {
                case "type":
                    guard case .string(let t) = e.value else { throw EntryError("\(name): parameters.type is not a string") }
                    parametersType = t
                case "properties":
                    parameters = try properties(from: e.value, context: name)
                case "required":
                    required = try stringList(e.value, context: "\(name): parameters.required")
                default:
                    parameterExtras.append(Property.Extra(key: key, value: e.value))
                }
            }
        }
        let extras = entries.compactMap { e -> Property.Extra? in
            guard case .string(let k) = e.key, !["name", "description", "parameters"].contains(k) else { return nil }
            return Property.Extra(key: k, value: e.value)
        }
        return FunctionSchema(name: name, description: description, parameters: parameters, required: required,
                              parametersType: parametersType, extras: extras, parameterExtras: parameterExtras)
    }

    static func properties(from json: Value, context: String) throws(EntryError) -> [Property] {
        guard let entries = json.dictEntries else { throw EntryError("\(context): \"properties\" is not an object") }
        var result: [Property] = []
        for e in entries {
            guard case .string(let key) = e.key else { continue }
            result.append(Property(name: key, schema: try parameterSchema(from: e.value, context: "\(context).\(key)")))
        }
        return result
    }

    static func stringList(_ json: Value, context: String) throws(EntryError) -> [String] {
        guard case .list(let items) = json else { throw EntryError("\(context) is not a list") }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { throw EntryError("\(context) holds a non-string") }
            out.append(s)
        }
        return out
    }

    /// A parameter schema object read from BFCL's JSON.
    public static func parameterSchema(from json: Value, context: String = "parameter") throws(EntryError) -> ParameterSchema {
        guard let entries = json.dictEntries else { throw EntryError("\(context): schema is not an object") }
        var schema = ParameterSchema(type: "")
        var sawType = false
        for e in entries {
            guard case .string(let key) = e.key else { continue }
            switch (key, e.value) {
            case ("type", .string(let t)): schema.type = t; sawType = true
            case ("description", .string(let d)): schema.description = d
            case ("enum", .list(let l)): schema.enumValues = l
            case ("default", let v): schema.defaultValue = v
            case ("items", let v): schema.items = try parameterSchema(from: v, context: "\(context).items")
            case ("properties", let v): schema.properties = try properties(from: v, context: context)
            case ("required", .list): schema.required = try stringList(e.value, context: "\(context).required")
            default: schema.extras.append(Property.Extra(key: key, value: e.value))
            }
        }
        if !sawType { throw EntryError("\(context): schema has no string \"type\"") }
        return schema
    }

    /// The ground truth of a possible-answer entry (its `ground_truth` list).
    public static func expectedCalls(from json: Value) throws(EntryError) -> [ExpectedCall] {
        guard case .list(let calls) = json else { throw EntryError("\"ground_truth\" is not a list") }
        var result: [ExpectedCall] = []
        for call in calls {
            guard let entries = call.dictEntries, entries.count == 1, case .string(let name) = entries[0].key,
                  let params = entries[0].value.dictEntries
            else { throw EntryError("a ground-truth call is not a one-key object {name: {param: alternatives}}") }
            var parameters: [ExpectedCall.Parameter] = []
            for p in params {
                guard case .string(let pName) = p.key, case .list(let alternatives) = p.value
                else { throw EntryError("\(name): a parameter's alternatives are not a list") }
                parameters.append(ExpectedCall.Parameter(name: pName, alternatives: alternatives))
            }
            result.append(ExpectedCall(functionName: name, parameters: parameters))
        }
        return result
    }

    /// The messages of the first turn of a `question` field.
    public static func messages(from json: Value) throws(EntryError) -> [Message] {
        guard case .list(let turns) = json else { throw EntryError("\"question\" is not a list of turns") }
        var out: [Message] = []
        for turn in turns {
            guard case .list(let messages) = turn else { throw EntryError("a turn of \"question\" is not a list") }
            for m in messages {
                guard case .string(let role)? = m["role"], case .string(let content)? = m["content"]
                else { throw EntryError("a message lacks a string \"role\" or \"content\"") }
                out.append(Message(role: role, content: content))
            }
        }
        return out
    }

    // MARK: Writing

    /// The JSON object of a function doc, in BFCL's key order.
    /// - Parameter typeName: the name written for a schema's type (nil: no `type` key); BFCL's
    ///   own names by default, JSON Schema's for the tool form (`ToolSchema`). The parameters
    ///   object keeps its own name where `typeName` gives none.
    public static func json(_ f: FunctionSchema, typeName: (String) -> String? = { $0 }) -> Value {
        var params: [(String, Value)] = [("type", .string(typeName(f.parametersType) ?? f.parametersType)),
                                         ("properties", .object(f.parameters.map { ($0.name, json($0.schema, typeName: typeName)) })),
                                         ("required", .list(f.required.map(Value.string)))]
        params += f.parameterExtras.map { ($0.key, $0.value) }
        var doc: [(String, Value)] = [("name", .string(f.name)), ("description", .string(f.description)),
                                      ("parameters", .object(params))]
        doc += f.extras.map { ($0.key, $0.value) }
        return .object(doc)
    }

    /// The JSON object of a parameter schema (`typeName` as for a function doc).
    public static func json(_ s: ParameterSchema, typeName: (String) -> String? = { $0 }) -> Value {
        var out: [(String, Value)] = []
        if let t = typeName(s.type) { out.append(("type", .string(t))) }
        if let d = s.description { out.append(("description", .string(d))) }
        if let e = s.enumValues { out.append(("enum", .list(e))) }
        if let d = s.defaultValue { out.append(("default", d)) }
        if let i = s.items { out.append(("items", json(i, typeName: typeName))) }
        if let p = s.properties { out.append(("properties", .object(p.map { ($0.name, json($0.schema, typeName: typeName)) }))) }
        if let r = s.required { out.append(("required", .list(r.map(Value.string)))) }
        out += s.extras.map { ($0.key, $0.value) }
        return .object(out)
    }

    /// The prompt entry of a task as one JSON line (no trailing newline).
    public static func promptLine(_ task: FunctionTask) -> String {
        let question: Value = .list([.list(task.messages.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) })])
        return JSON.serialize(.object([("id", .string(task.id)), ("question", question),
                                       ("function", .list(task.functions.map { json($0) }))]))
    }

    /// The `ground_truth` JSON of expected calls.
    public static func json(_ calls: [ExpectedCall]) -> Value {
        .list(calls.map { call in
            .object([(call.functionName, .object(call.parameters.map { ($0.name, .list($0.alternatives)) }))])
        })
    }

    /// The possible-answer entry of a task as one JSON line, or nil when it has no ground truth.
    public static func possibleAnswerLine(_ task: FunctionTask) -> String? {
        guard let truth = task.groundTruth else { return nil }
        return JSON.serialize(.object([("id", .string(task.id)), ("ground_truth", json(truth))]))
    }
}
