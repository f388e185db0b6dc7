/// One chat message of a task's conversation.
public struct Message: Sendable, Equatable, Hashable {
    /// `system`, `user` or `assistant` in BFCL's data.
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A function-calling task: the conversation, the offered functions and, when the category has
/// one, the ground truth (BFCL's possible answer).
public struct FunctionTask: Sendable, Equatable {
    /// BFCL's id, e.g. `simple_python_0` or `live_simple_3-2-1`.
    public var id: String
    public var category: TaskCategory
    /// The messages of the (single) turn, in order.
    public var messages: [Message]
    /// The offered functions, in file order.
    public var functions: [FunctionSchema]
    /// The expected calls in answer order; nil for irrelevance and relevance tasks.
    public var groundTruth: [ExpectedCall]?

    public init(id: String, category: TaskCategory, messages: [Message], functions: [FunctionSchema], groundTruth: [ExpectedCall]?) {
        self.id = id
        self.category = category
        self.messages = messages
        self.functions = functions
        self.groundTruth = groundTruth
    }

    /// The offered function with this name (the first, if several share it).
    public func function(named name: String) -> FunctionSchema? {
        functions.first { $0.name == name }
    }
}

/// One expected call of a possible answer: for each parameter, the accepted alternatives.
/// An alternative equal to `.string("")` means the parameter may be omitted.
public struct ExpectedCall: Sendable, Equatable {
    public var functionName: String
    /// Parameters in answer order.
    public var parameters: [Parameter]

    /// One parameter of an expected call and its accepted values.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var alternatives: [Value]
        public init(name: String, alternatives: [Value]) {
            self.name = name
            self.alternatives = alternatives
        }

        /// Whether the answer lets the model leave this parameter out (`""` among the alternatives).
        public var mayBeOmitted: Bool { alternatives.contains(.string("")) }
    }

    public init(functionName: String, parameters: [Parameter]) {
        self.functionName = functionName
        self.parameters = parameters
    }

    /// The alternatives for a parameter, or nil when the answer does not list it.
    public func alternatives(for name: String) -> [Value]? {
        parameters.first { $0.name == name }?.alternatives
    }
}

/// A decoded call: the function name and the keyword arguments in the order the model wrote them.
public struct FunctionCall: Sendable, Equatable, Hashable {
    public var name: String
    public var arguments: [Argument]

    /// One keyword argument.
    public struct Argument: Sendable, Equatable, Hashable {
        public var name: String
        public var value: Value
        public init(name: String, value: Value) {
            self.name = name
            self.value = value
        }
    }

    public init(name: String, arguments: [Argument]) {
        self.name = name
        self.arguments = arguments
    }

    /// Convenience: a call from (name, value) pairs.
    public init(_ name: String, _ arguments: [(String, Value)]) {
        self.init(name: name, arguments: arguments.map { Argument(name: $0.0, value: $0.1) })
    }

    /// The value of the named argument, if passed.
    public func argument(_ name: String) -> Value? {
        arguments.first { $0.name == name }?.value
    }
}

/// BFCL's single-turn categories (v4 names), in the leaderboard's order. Java and JavaScript
/// tasks are answered in their own call syntax and checked with their own typing (BFCL_CHECKER.md
/// §8); training, FunctionWorld and the project's own answer formats use the Python-syntax ones
/// (`pythonSyntax`).
public enum TaskCategory: String, Sendable, CaseIterable, Hashable, Codable, CustomStringConvertible {
    case simplePython = "simple_python"
    case simpleJava = "simple_java"
    case simpleJavascript = "simple_javascript"
    case multiple
    case parallel
    case parallelMultiple = "parallel_multiple"
    case irrelevance
    case liveSimple = "live_simple"
    case liveMultiple = "live_multiple"
    case liveParallel = "live_parallel"
    case liveParallelMultiple = "live_parallel_multiple"
    case liveIrrelevance = "live_irrelevance"
    case liveRelevance = "live_relevance"

    public var description: String { rawValue }

    /// The category name BFCL derives from an id: everything before the last `_`
    /// (`live_simple_3-2-1` → `live_simple`, `simple_python_0` → `simple_python`).
    public static func name(fromID id: String) -> String {
        guard let cut = id.lastIndex(of: "_") else { return id }
        return String(id[..<cut])
    }

    /// Every category whose tasks are answered in Python-call syntax (all but Java and JavaScript).
    public static let pythonSyntax: [TaskCategory] = allCases.filter { $0.language == .python }

    /// The language the category's functions are written in, which decides how BFCL decodes an
    /// answer and types its values: BFCL tests `javascript` in the name first, then `java`.
    public var language: CallLanguage {
        if rawValue.contains("javascript") { return .javascript }
        if rawValue.contains("java") { return .java }
        return .python
    }

    /// The category of a task id, or nil when it is not one of BFCL's single-turn categories.
    public init?(taskID id: String) {
        self.init(rawValue: Self.name(fromID: id))
    }

    /// The data file's name in BFCL v4 (`BFCL_v4_simple_python.json`).
    public var fileName: String { "BFCL_v4_\(rawValue).json" }

    /// Whether the category has a possible-answer file.
    public var hasPossibleAnswers: Bool { route != .irrelevance && route != .relevance }

    /// The checker route, chosen by BFCL's substring tests on the name, in BFCL's order.
    public var route: CheckerRoute { CheckerRoute(categoryName: rawValue) }
}

/// The language of a category's functions and answers (BFCL's `Language`).
public enum CallLanguage: String, Sendable, Hashable {
    case python, java, javascript
}

/// Which of BFCL's AST-check procedures applies to a category.
public enum CheckerRoute: String, Sendable, Hashable {
    case simple, multiple, parallel, irrelevance, relevance

    /// BFCL's routing: `irrelevance` / `relevance` first, then `parallel`, then `multiple`, else simple.
    public init(categoryName name: String) {
        if name.contains("irrelevance") { self = .irrelevance }
        else if name.contains("relevance") { self = .relevance }
        else if name.contains("parallel") { self = .parallel }
        else if name.contains("multiple") { self = .multiple }
        else { self = .simple }
    }
}
