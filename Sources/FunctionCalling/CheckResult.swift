/// BFCL's error types, spelled exactly as its checker emits them (BFCL_CHECKER.md §10).
public enum CheckErrorType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case decoderFailed = "ast_decoder:decoder_failed"
    case decoderWrongOutputFormat = "ast_decoder:decoder_wrong_output_format"
    case simpleWrongCount = "simple_function_checker:wrong_count"
    case wrongFunctionName = "simple_function_checker:wrong_func_name"
    case missingRequired = "simple_function_checker:missing_required"
    case unexpectedParameter = "simple_function_checker:unexpected_param"
    case missingOptional = "simple_function_checker:missing_optional"
    case multipleWrongCount = "multiple_function_checker:wrong_count"
    case parallelWrongCount = "parallel_function_checker_no_order:wrong_count"
    case parallelCannotFindMatch = "parallel_function_checker_no_order:cannot_find_match"
    case typeSimple = "type_error:simple"
    case typeNested = "type_error:nested"
    case typeJava = "type_error:java"
    case typeJS = "type_error:js"
    case valueString = "value_error:string"
    case valueListOrTuple = "value_error:list/tuple"
    case valueDictKey = "value_error:dict_key"
    case valueDictValue = "value_error:dict_value"
    case valueListDictCount = "value_error:list_dict_count"
    case valueOthers = "value_error:others"
    case dictUnclear = "dict_checker:unclear"
    case listDictUnclear = "list_dict_checker:unclear"
    case irrelevanceDecoderSuccess = "irrelevance_error:decoder_success"
    case relevanceDecoderFailed = "relevance_error:decoder_failed"

    public var description: String { rawValue }

    /// The part before `:` (`value_error`, `simple_function_checker`, ...).
    public var prefix: Substring { rawValue.prefix { $0 != ":" } }
}

/// The verdict on one output: valid, or the first failing rule's error type and messages.
public struct CheckResult: Sendable, Equatable, CustomStringConvertible {
    public var errorType: CheckErrorType?
    /// Human-readable detail (BFCL's `error` list, in spirit, not word for word).
    public var messages: [String]

    public var valid: Bool { errorType == nil }
    /// BFCL's `error_type` string: empty when valid.
    public var errorTypeString: String { errorType?.rawValue ?? "" }

    public static let pass = CheckResult(errorType: nil, messages: [])

    public static func fail(_ type: CheckErrorType, _ message: String) -> CheckResult {
        CheckResult(errorType: type, messages: [message])
    }

    public var description: String {
        valid ? "valid" : "\(errorTypeString): \(messages.joined(separator: "; "))"
    }
}
