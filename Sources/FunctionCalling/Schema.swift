/// The schema of one parameter in BFCL's own type vocabulary (`string`, `integer`, `float`,
/// `boolean`, `array`, `tuple`, `dict`, `any`; Java/JS files use others), as stored in the data files.
public struct ParameterSchema: Sendable, Equatable {
    /// BFCL's type name, e.g. `"float"` or `"dict"` (not JSON Schema's `number`/`object`).
    public var type: String
    public var description: String?
    /// Allowed values (`enum` in the file).
    public var enumValues: [Value]?
    /// The documented default (`default` in the file).
    public var defaultValue: Value?
    /// For `dict` parameters: the nested properties, in file order.
    public var properties: [Property]?
    /// For `dict` parameters: which nested properties are required.
    public var required: [String]?
    /// Any other keys of the file's schema object (`optional`, `format`, `maximum`, ...), kept in
    /// order so that writing a loaded schema back loses nothing.
    public var extras: [Property.Extra]
    // Arrays may nest (`items.items`), so the element schema lives in an array of at most one.
    private var itemsStorage: [ParameterSchema]

    /// For `array`/`tuple` parameters: the element schema.
    public var items: ParameterSchema? {
        get { itemsStorage.first }
        set { itemsStorage = newValue.map { [$0] } ?? [] }
    }

    public init(
        type: String, description: String? = nil, enumValues: [Value]? = nil, defaultValue: Value? = nil,
        items: ParameterSchema? = nil, properties: [Property]? = nil, required: [String]? = nil,
        extras: [Property.Extra] = []
    ) {
        self.type = type
        self.description = description
        self.enumValues = enumValues
        self.defaultValue = defaultValue
        self.itemsStorage = items.map { [$0] } ?? []
        self.properties = properties
        self.required = required
        self.extras = extras
    }

    /// The nested property with this name, for `dict` parameters.
    public func property(named name: String) -> ParameterSchema? {
        properties?.first { $0.name == name }?.schema
    }
}

/// A named parameter of a function, or a named field of a `dict` parameter.
public struct Property: Sendable, Equatable {
    public var name: String
    public var schema: ParameterSchema
    public init(name: String, schema: ParameterSchema) {
        self.name = name
        self.schema = schema
    }

    /// An extra key of a schema object and its JSON value.
    public struct Extra: Sendable, Equatable {
        public var key: String
        public var value: Value
        public init(key: String, value: Value) {
            self.key = key
            self.value = value
        }
    }
}

/// One offered function, as a BFCL function doc: `{"name", "description", "parameters": {"type":
/// "dict", "properties": {...}, "required": [...]}}`.
public struct FunctionSchema: Sendable, Equatable {
    /// The name, which may contain dots (`math.factorial`).
    public var name: String
    public var description: String
    /// The parameters in file order.
    public var parameters: [Property] {
        didSet { index = Self.makeIndex(parameters) }
    }
    /// Names of the required parameters.
    public var required: [String]
    /// The `parameters.type` field; always `"dict"` in BFCL's data.
    public var parametersType: String
    /// Other keys of the function doc or of its `parameters` object, kept for writing back.
    public var extras: [Property.Extra]
    public var parameterExtras: [Property.Extra]
    // Name → index into `parameters`, so that the checker's lookups are O(1).
    private var index: [String: Int]

    public init(
        name: String, description: String, parameters: [Property], required: [String],
        parametersType: String = "dict", extras: [Property.Extra] = [], parameterExtras: [Property.Extra] = []
    ) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.required = required
        self.parametersType = parametersType
        self.extras = extras
        self.parameterExtras = parameterExtras
        self.index = Self.makeIndex(parameters)
    }

    private static func makeIndex(_ parameters: [Property]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (i, p) in parameters.enumerated() where index[p.name] == nil { index[p.name] = i }
        return index
    }

    /// The schema of the parameter with this name, if the function has one.
    public func parameter(named name: String) -> ParameterSchema? {
        index[name].map { parameters[$0].schema }
    }

    public static func == (a: FunctionSchema, b: FunctionSchema) -> Bool {
        a.name == b.name && a.description == b.description && a.parameters == b.parameters
            && a.required == b.required && a.parametersType == b.parametersType && a.extras == b.extras
            && a.parameterExtras == b.parameterExtras
    }
}
