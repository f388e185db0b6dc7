/// The parameter types FunctionWorld uses: BFCL's Python vocabulary (`integer`, `float`, `string`,
/// `boolean`, `array`, `dict`) plus `enum`, which BFCL writes as a string with an `enum` list.
public indirect enum WorldType: Sendable, Hashable {
    case integer
    case float
    case string
    case boolean
    case enumeration([String])
    /// A list whose elements have the given type (BFCL `array` with `items`).
    case array(WorldType)
    /// A dict with the given keys, all required inside the dict (BFCL `dict` with `properties`).
    case dict([WorldParameter])

    /// The name BFCL's schema uses for this type.
    public var bfclName: String {
        switch self {
        case .integer: "integer"
        case .float: "float"
        case .string, .enumeration: "string"
        case .boolean: "boolean"
        case .array: "array"
        case .dict: "dict"
        }
    }
}

/// One parameter of a synthetic function: its type, a short description, where its values come
/// from, and its default when it is optional.
public struct WorldParameter: Sendable, Hashable {
    public let name: String
    public let type: WorldType
    /// Empty when the name says it all: the listing then spends no line on it.
    public let description: String
    /// The vocabulary values are drawn from (for arrays: the elements'); nil for booleans and enums.
    public let pool: ValuePool?
    /// The documented default; a parameter with a default is optional, one without is required.
    public let defaultValue: Value?

    public var isRequired: Bool { defaultValue == nil }

    public init(_ name: String, _ type: WorldType, _ description: String, pool: ValuePool? = nil, default defaultValue: Value? = nil) {
        self.name = name
        self.type = type
        self.description = description
        self.pool = pool
        self.defaultValue = defaultValue
    }
}

/// A synthetic function: its schema, the domain it belongs to, a short phrase saying what it is
/// for (used in the reasoning), and question templates for the training and held-out splits.
///
/// Template syntax: `{p}` is the value of parameter `p` (a list renders as "a, b and c"),
/// `{p.k}` the value under key `k` of dict parameter `p`, `{p?yes words|no words}` a boolean
/// rendered as one of two phrases, and `[...]` an optional segment that is either kept with
/// every slot in it filled, or dropped, leaving those parameters at their defaults. A slot for an
/// optional parameter must sit inside an optional segment; a required parameter must have a slot
/// outside of one.
public struct WorldFunction: Sendable {
    public let name: String
    public let domain: String
    public let description: String
    /// What the user wants when this function fits, e.g. "check the weather" (for the reasoning).
    public let intent: String
    public let parameters: [WorldParameter]
    public let trainTemplates: [String]
    public let heldoutTemplates: [String]

    public init(_ name: String, domain: String, _ description: String, intent: String,
                _ parameters: [WorldParameter], train: [String], heldout: [String]) {
        self.name = name
        self.domain = domain
        self.description = description
        self.intent = intent
        self.parameters = parameters
        self.trainTemplates = train
        self.heldoutTemplates = heldout
    }

    /// The templates of one split.
    public func templates(_ split: WorldSplit) -> [String] {
        split == .train ? trainTemplates : heldoutTemplates
    }

    /// The parameter with this name, if the function has one.
    public func parameter(_ name: String) -> WorldParameter? {
        parameters.first { $0.name == name }
    }
}

/// Which half of the world a task comes from: held-out tasks use question templates and values
/// that training tasks never use.
public enum WorldSplit: String, Sendable, CaseIterable {
    case train, heldout
}
