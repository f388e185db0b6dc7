/// A parsed question template (syntax in `WorldFunction`'s documentation).
struct WorldTemplate: Sendable {
    enum Slot: Sendable, Equatable {
        /// `{p}`: the value of parameter `p`.
        case value(String)
        /// `{p.k}`: key `k` of dict parameter `p`.
        case dictKey(String, String)
        /// `{p?yes|no}`: boolean parameter `p`, shown as one of two phrases.
        case boolean(String, yes: String, no: String)

        var parameterName: String {
            switch self {
            case .value(let p), .dictKey(let p, _), .boolean(let p, _, _): p
            }
        }
    }

    enum Piece: Sendable {
        case text(String)
        case slot(Slot)
        /// `[...]`: kept whole or dropped whole.
        case optional([Piece])
    }

    let source: String
    let pieces: [Piece]

    /// Parses `source`; a malformed template is a programmer error in the catalog.
    init(_ source: String) {
        self.source = source
        var pieces: [Piece] = []
        var inner: [Piece]? = nil
        var text = ""
        var i = source.startIndex
        func flush() {
            guard !text.isEmpty else { return }
            if inner != nil { inner!.append(.text(text)) } else { pieces.append(.text(text)) }
            text = ""
        }
        while i < source.endIndex {
            let c = source[i]
            switch c {
            case "[":
                precondition(inner == nil, "template \"\(source)\": nested optional segment")
                flush()
                inner = []
            case "]":
                precondition(inner != nil, "template \"\(source)\": ']' without '['")
                flush()
                pieces.append(.optional(inner!))
                inner = nil
            case "{":
                flush()
                guard let close = source[i...].firstIndex(of: "}") else {
                    preconditionFailure("template \"\(source)\": '{' without '}'")
                }
                let body = String(source[source.index(after: i)..<close])
                let slot = Self.slot(body, template: source)
                if inner != nil { inner!.append(.slot(slot)) } else { pieces.append(.slot(slot)) }
                i = close
            default:
                text.append(c)
            }
            i = source.index(after: i)
        }
        precondition(inner == nil, "template \"\(source)\": '[' without ']'")
        flush()
        self.pieces = pieces
    }

    private static func slot(_ body: String, template: String) -> Slot {
        if let q = body.firstIndex(of: "?") {
            let name = String(body[..<q])
            let phrases = body[body.index(after: q)...].split(separator: "|", omittingEmptySubsequences: false)
            precondition(phrases.count == 2, "template \"\(template)\": boolean slot {\(body)} needs yes|no")
            return .boolean(name, yes: String(phrases[0]), no: String(phrases[1]))
        }
        if let dot = body.firstIndex(of: ".") {
            return .dictKey(String(body[..<dot]), String(body[body.index(after: dot)...]))
        }
        return .value(body)
    }

    /// The parameters with a slot outside any optional segment.
    var alwaysMentioned: Set<String> {
        Set(pieces.compactMap { if case .slot(let s) = $0 { s.parameterName } else { nil } })
    }

    /// The parameters with a slot inside an optional segment.
    var optionallyMentioned: Set<String> {
        var out: Set<String> = []
        for case .optional(let inner) in pieces {
            for case .slot(let s) in inner { out.insert(s.parameterName) }
        }
        return out
    }
}
