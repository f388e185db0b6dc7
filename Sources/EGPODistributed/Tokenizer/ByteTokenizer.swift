/// The plain byte tokenizer: byte b is id b, special tokens follow from 256.
public struct ByteTokenizer: Tokenizer {
    public let specialTokens: [SpecialToken]
    public let vocabSize: Int
    private let matcher: SpecialTokenMatcher
    private let specialBytes: [Int32: [UInt8]]

    /// - Parameter specialNames: special-token texts, given ids 256, 257, ... in this order.
    public init(specialNames: [String] = SpecialToken.defaultNames) {
        specialTokens = SpecialToken.numbered(specialNames)
        vocabSize = 256 + specialNames.count
        matcher = SpecialTokenMatcher(specialTokens)
        specialBytes = Dictionary(uniqueKeysWithValues: specialTokens.map { ($0.id, Array($0.content.utf8)) })
    }

    public func encode(_ text: String) -> [Int32] {
        var text = text
        return text.withUTF8 { bytes in
            var ids: [Int32] = []
            ids.reserveCapacity(bytes.count)
            matcher.split(bytes, plain: { range in
                for i in range { ids.append(Int32(bytes[i])) }
            }, special: { ids.append($0) })
            return ids
        }
    }

    public func decodeBytes(_ ids: [Int32]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count)
        for id in ids {
            if id >= 0 && id < 256 {
                out.append(UInt8(id))
            } else if let s = specialBytes[id] {
                out.append(contentsOf: s)
            } else {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD for an id outside the vocabulary
            }
        }
        return out
    }

    public func tokenizerJSON() -> String? { nil }
}
