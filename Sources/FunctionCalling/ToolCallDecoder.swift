/// The JSON tool-call form: `<tool_call>{"name": "f", "arguments": {"a": 1}}</tool_call>` per call,
/// separated by whitespace only. Values keep their JSON types (`true` is a bool, `1.0` a float).
public enum ToolCallDecoder {
    static let open = Array("<tool_call>".utf8), close = Array("</tool_call>".utf8)

    public static func decode(_ text: String) throws(DecodeError) -> [FunctionCall] {
        let bytes = Array(text.utf8)
        var calls: [FunctionCall] = []
        var i = 0
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        func matches(_ tag: [UInt8], at k: Int) -> Bool {
            k + tag.count <= bytes.count && bytes[k..<k + tag.count].elementsEqual(tag)
        }
        while true {
            while i < bytes.count && isSpace(bytes[i]) { i += 1 }
            if i == bytes.count { return calls }
            guard matches(open, at: i) else { throw .toolCall("expected <tool_call> at byte \(i)") }
            i += open.count
            var end = i
            while end < bytes.count && !matches(close, at: end) { end += 1 }
            guard end < bytes.count else { throw .toolCall("<tool_call> without </tool_call>") }
            let body = String(decoding: bytes[i..<end], as: UTF8.self)
            i = end + close.count
            let json: Value
            do { json = try JSON.parse(body) } catch { throw .toolCall("\(error)") }
            guard case .string(let name)? = json["name"] else { throw .toolCall("no string \"name\"") }
            guard let arguments = json["arguments"]?.dictEntries else { throw .toolCall("\"arguments\" is not an object") }
            guard let entries = json.dictEntries, entries.count == 2 else { throw .toolCall("keys other than name and arguments") }
            calls.append(FunctionCall(name: name, arguments: arguments.map {
                FunctionCall.Argument(name: $0.key.stringValue ?? "", value: $0.value)
            }))
        }
    }
}
