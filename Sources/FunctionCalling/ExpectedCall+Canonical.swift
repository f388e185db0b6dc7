extension ExpectedCall {
    /// One output that the answer accepts: each parameter gets its first alternative that is not
    /// the omission marker `""` (a parameter whose alternatives are all `""` is left out). With
    /// `includeOptional` false, a parameter the answer lets the model omit and the schema does not
    /// require is left out instead (the shortest accepted call). Dict specs (`{key: [alternatives]}`,
    /// used for `dict` parameters and lists of dicts) become plain dicts the same way, guided by
    /// the function's schema.
    public func canonicalCall(schema: FunctionSchema?, includeOptional: Bool = true) -> FunctionCall {
        var arguments: [FunctionCall.Argument] = []
        for p in parameters {
            let required = schema?.required.contains(p.name) ?? false
            if !includeOptional && p.mayBeOmitted && !required { continue }
            guard let first = p.alternatives.first(where: { $0 != .string("") }) else { continue }
            let type = schema?.parameter(named: p.name)
            arguments.append(FunctionCall.Argument(name: p.name, value: Self.resolve(first, schema: type)))
        }
        return FunctionCall(name: functionName, arguments: arguments)
    }

    static func resolve(_ alternative: Value, schema: ParameterSchema?) -> Value {
        guard let schema else { return alternative }
        switch (schema.type, alternative) {
        case ("dict", .dict(let spec)):
            return .dict(spec.compactMap { e in
                guard case .list(let alts) = e.value else { return e }
                guard let first = alts.first(where: { $0 != .string("") }) else { return nil }
                return Value.Entry(e.key, first)
            })
        case ("array", .list(let items)) where schema.items?.type == "dict":
            return .list(items.map { resolve($0, schema: schema.items) })
        default:
            return alternative
        }
    }
}
