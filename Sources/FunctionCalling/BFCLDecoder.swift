/// BFCL's prompting decoder (`default_decode_ast_prompting` in gorilla's model_handler/utils.py)
/// for a category's language: strip backticks, newlines and spaces, add missing brackets, then
/// the language's decoder: the Python call list, BFCL's JSON list, or the Java / JavaScript call
/// decoder (BFCL_CHECKER.md §2.1–2.3, §8.1).
public enum BFCLDecoder {
    public static func decode(_ raw: String, language: CallLanguage, format: BFCLReturnFormat = .python) throws(DecodeError) -> [FunctionCall] {
        switch (format, language) {
        case (.json, _): try BFCLJSONDecoder.decodeBFCLOutput(raw)
        case (.python, .python): try PythonCallDecoder.decodeBFCLOutput(raw)
        case (.python, .java): try JavaCallDecoder.decodeBFCLOutput(raw)
        case (.python, .javascript): try JavaScriptCallDecoder.decodeBFCLOutput(raw)
        }
    }
}
