/// Llama 3's JSON call form: `{"name": "f", "parameters": {"a": 1}}` per call, separated by
/// whitespace or `;`; nothing for no call. Values keep their JSON types.
public enum LlamaCallDecoder {
    public static func decode(_ text: String) throws(DecodeError) -> [FunctionCall] {
        let bytes = Array(text.utf8)
        var calls: [FunctionCall] = []
        var i = 0
        while true {
            while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 || bytes[i] == 0x3B) { i += 1 }
            if i == bytes.count { return calls }
            guard bytes[i] == UInt8(ascii: "{") else { throw .toolCall("expected a JSON object at byte \(i)") }
            let end = try objectEnd(bytes, from: i)
            let json: Value
            do { json = try JSON.parse(String(decoding: bytes[i..<end], as: UTF8.self)) } catch { throw .toolCall("\(error)") }
            guard case .string(let name)? = json["name"] else { throw .toolCall("no string \"name\"") }
            guard let arguments = json["parameters"]?.dictEntries else { throw .toolCall("\"parameters\" is not an object") }
            guard json.dictEntries?.count == 2 else { throw .toolCall("keys other than name and parameters") }
            calls.append(FunctionCall(name: name, arguments: arguments.map {
                FunctionCall.Argument(name: $0.key.stringValue ?? "", value: $0.value)
            }))
            i = end
        }
    }

    /// The index just past the `}` that closes the object opening at `start` (strings skipped).
    static func objectEnd(_ bytes: [UInt8], from start: Int) throws(DecodeError) -> Int {
        var depth = 0, inString = false, escaped = false
        for k in start..<bytes.count {
            let c = bytes[k]
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return k + 1 }
            default: break
            }
        }
        throw .toolCall("JSON object from byte \(start) is not closed")
    }
}
