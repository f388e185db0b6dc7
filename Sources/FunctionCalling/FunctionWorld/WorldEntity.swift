/// A field of a `WorldEntity`: its parameter, the noun a question uses for it ("author"), the
/// phrase that states a value of it ("by {author}", with the parameter's slot), and the value that
/// means "no filter" when it is an optional search filter.
public struct WorldAttribute: Sendable {
    public let parameter: WorldParameter
    public let noun: String
    public let phrase: String
    public let anyValue: Value

    public init(_ parameter: WorldParameter, noun: String, phrase: String, any: Value) {
        self.parameter = parameter
        self.noun = noun
        self.phrase = phrase
        self.anyValue = any
    }

    public var name: String { parameter.name }

    /// A scalar with a value slot of its own (not a boolean, list or dict): what `update_…` and
    /// `sort_by` can take.
    var isScalar: Bool {
        switch parameter.type {
        case .integer, .float, .string, .enumeration: true
        default: false
        }
    }

    /// The same field, optional with its "no filter" value as the default.
    var asOptionalFilter: WorldParameter {
        WorldParameter(parameter.name, parameter.type, parameter.description + " (default: any)", pool: parameter.pool, default: anyValue)
    }
}

/// A kind of record a domain's functions act on (a book, an invoice, a parking permit): its
/// names, its identifier and its fields. Seven operations turn it into functions (`functions`):
/// look one up, search, create, change a field, cancel, count and list, each with question
/// templates for both splits. Verbs and name style vary by entity ("fetch_invoice_details",
/// "library.find_books"), as real APIs do.
public struct WorldEntity: Sendable {
    public let domain: String
    public let singular: String
    public let plural: String
    /// Its fields: the first two are scalars (search, count and create use them); lists and dicts
    /// after them get an update function each.
    public let attributes: [WorldAttribute]

    public init(domain: String, _ singular: String, _ plural: String, _ attributes: [WorldAttribute]) {
        precondition(attributes.count >= 2 && attributes[0].isScalar && attributes[1].isScalar,
                     "WorldEntity \(singular): its first two fields must be scalars")
        self.domain = domain
        self.singular = singular
        self.plural = plural
        self.attributes = attributes
    }

    var snake: String { singular.replacingOccurrences(of: " ", with: "_") }
    var snakePlural: String { plural.replacingOccurrences(of: " ", with: "_") }

    /// `<entity>_id`, the identifier every single-record operation takes.
    var identifier: WorldParameter {
        WorldParameter(snake + "_id", .string, "Identifier of the \(singular).", pool: .code)
    }

    /// A stable small number from the entity's name: picks its verbs and name style.
    var variant: Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in singular.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return Int(h % 997)
    }

    private func name(_ verbs: [String], _ object: String, _ salt: Int) -> String {
        let verb = verbs[(variant / (salt + 1)) % verbs.count]
        let plain = verb + "_" + object
        return variant % 4 == 0 ? domain.replacingOccurrences(of: " ", with: "_") + "." + plain : plain
    }

    /// The seven functions of this entity.
    public var functions: [WorldFunction] {
        let scalars = attributes.filter(\.isScalar)
        let a = attributes[0], b = attributes[1]
        let id = identifier, e = singular, es = plural
        var out: [WorldFunction] = []

        let history = WorldParameter("include_history", .boolean, "Add the change history.", default: .bool(false))
        out.append(WorldFunction(name(["get", "fetch", "lookup", "retrieve"], snake + "_details", 0), domain: domain,
                                 "Details of one \(e) by its identifier.", intent: "look up a \(e)", [id, history], train: [
            "Show me \(e) {\(id.name)}[{include_history?, with its change history|, without the history}].",
            "Look up the \(e) with identifier {\(id.name)}[{include_history?, history included|, no history needed}].",
            "What are the details of \(e) {\(id.name)}[{include_history?, including past changes|}]?",
        ], heldout: [
            "Pull up the record for \(e) {\(id.name)}[{include_history?, along with its history|, just the current state}].",
            "I need everything about \(e) {\(id.name)}[{include_history?, history too|}].",
        ]))

        let limit = WorldParameter("limit", .integer, "Most results to return.", pool: .count, default: .integer(10))
        out.append(WorldFunction(name(["search", "find", "query"], snakePlural, 1), domain: domain,
                                 "Search \(es) by \(a.noun), optionally \(b.noun).", intent: "find \(es)", [a.parameter, b.asOptionalFilter, limit], train: [
            "Find \(es) \(a.phrase)[ \(b.phrase)][, at most {limit} results].",
            "Search for \(es) \(a.phrase)[ \(b.phrase)][ and show {limit} of them].",
            "I'm looking for \(es) \(a.phrase)[ \(b.phrase)][; {limit} results are enough].",
        ], heldout: [
            "Could you list the \(es) \(a.phrase)[ \(b.phrase)][, no more than {limit}]?",
            "Which \(es) are there \(a.phrase)[ \(b.phrase)][? Give me {limit}]?",
        ]))

        let c0 = scalars[0], c1 = scalars[1]
        let priority = WorldParameter("priority", .enumeration(["low", "normal", "high"]), "", default: .string("normal"))
        out.append(WorldFunction(name(["create", "add", "register", "new"], snake, 2), domain: domain,
                                 "Create a \(e).", intent: "create a \(e)", [c0.parameter, c1.parameter, priority], train: [
            "Create a \(e) \(c0.phrase) \(c1.phrase)[ with {priority} priority].",
            "Add a new \(e) \(c0.phrase) and \(c1.phrase)[, priority {priority}].",
            "Please register a \(e) \(c0.phrase) \(c1.phrase)[; mark it {priority} priority].",
        ], heldout: [
            "Set up a fresh \(e) \(c0.phrase), \(c1.phrase)[, at {priority} priority].",
            "New \(e): \(c0.phrase) \(c1.phrase)[ ({priority} priority)].",
        ]))

        let u = scalars.count > 2 ? scalars[2] : scalars[1]
        out.append(WorldFunction(name(["update", "set", "change"], snake + "_" + u.name, 3), domain: domain,
                                 "Change the \(u.noun) of a \(e).", intent: "change a \(e)'s \(u.noun)", [id, u.parameter], train: [
            "Change the \(u.noun) of \(e) {\(id.name)} to {\(u.name)}.",
            "Set \(e) {\(id.name)}'s \(u.noun) to {\(u.name)}.",
            "Update \(e) {\(id.name)}: the \(u.noun) is now {\(u.name)}.",
        ], heldout: [
            "For \(e) {\(id.name)}, make the \(u.noun) {\(u.name)}.",
            "The \(u.noun) of \(e) {\(id.name)} should be {\(u.name)} from now on.",
        ]))

        for f in attributes where !f.isScalar {
            out.append(WorldFunction(name(["update", "set"], snake + "_" + f.name, 7), domain: domain,
                                     "Set the \(f.noun) of a \(e).", intent: "set a \(e)'s \(f.noun)", [id, f.parameter], train: [
                "Set \(e) {\(id.name)} \(f.phrase).",
                "Update \(e) {\(id.name)} so it is \(f.phrase).",
                "Make \(e) {\(id.name)} \(f.phrase).",
            ], heldout: [
                "From now on \(e) {\(id.name)} should be \(f.phrase).",
                "Please have \(e) {\(id.name)} \(f.phrase).",
            ]))
        }

        let notify = WorldParameter("notify", .boolean, "Tell the people involved.", default: .bool(true))
        out.append(WorldFunction(name(["cancel", "delete", "remove", "close"], snake, 4), domain: domain,
                                 "Cancel a \(e).", intent: "cancel a \(e)", [id, notify], train: [
            "Cancel \(e) {\(id.name)}[{notify?, and let everyone know| without notifying anyone}].",
            "Please drop the \(e) {\(id.name)}[{notify?, with a notification|, silently}].",
            "Get rid of \(e) {\(id.name)}[{notify?, notifying those involved|, no notification}].",
        ], heldout: [
            "I no longer need \(e) {\(id.name)}; cancel it[{notify?, and inform the others|, quietly}].",
            "Withdraw \(e) {\(id.name)}[{notify?, sending a notice|, no notice}].",
        ]))

        out.append(WorldFunction(name(["count", "tally"], snakePlural, 5), domain: domain,
                                 "Number of \(es) matching a \(a.noun).", intent: "count \(es)", [a.parameter], train: [
            "How many \(es) are there \(a.phrase)?",
            "Count the \(es) \(a.phrase).",
            "Give me the number of \(es) \(a.phrase).",
        ], heldout: [
            "What's the total of \(es) \(a.phrase)?",
            "Tell me how many \(es) exist \(a.phrase).",
        ]))

        let sortable = scalars.map(\.name)
        let sortBy = WorldParameter("sort_by", .enumeration(sortable), "", default: .string(sortable[0]))
        let descending = WorldParameter("descending", .boolean, "Largest first.", default: .bool(false))
        let page = WorldParameter("limit", .integer, "Most results to return.", pool: .count, default: .integer(20))
        out.append(WorldFunction(name(["list", "browse"], snakePlural, 6), domain: domain,
                                 "List \(es) in order.", intent: "list \(es)", [sortBy, descending, page], train: [
            "List the \(es)[ sorted by {sort_by}][{descending?, highest first|, lowest first}][, {limit} at most].",
            "Show all \(es)[ ordered by {sort_by}][{descending?, in descending order|, in ascending order}][, top {limit}].",
            "Give me a list of \(es)[ by {sort_by}][{descending?, biggest first|, smallest first}][ ({limit} entries)].",
        ], heldout: [
            "Browse the \(es)[ ranked by {sort_by}][{descending?, from the top|, from the bottom}][, {limit} of them].",
            "Enumerate \(es)[ with {sort_by} as the order][{descending?, descending|, ascending}][, limit {limit}].",
        ]))
        return out
    }
}
