import FunctionCalling

/// What can go wrong around an evaluation: the data spec, the output folder, the gather.
public enum EvalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A spec of the wrong form: empty, `xlam:` naming no file, `bfcl:NAME` where NAME is not a
    /// BFCL single-turn category.
    case invalidSpec(DataSpecError)
    /// `functionworld`: generated tasks need a count and seed, which only a run config gives.
    case generatedSpec(spec: String)
    /// A spec that is neither `bfcl:...` nor `xlam:FILE` nor an existing folder.
    case missingFolder(spec: String)
    /// A folder without any `data/BFCL_v4_<category>.json`.
    case noBFCLFiles(spec: String)
    /// The tasks of a valid spec could not be read (a malformed BFCL or xLAM file).
    case tasks(String)
    /// The output path is an existing regular file.
    case outputIsAFile(path: String)
    /// The output path is the checkpoint being evaluated.
    case outputIsTheCheckpoint(path: String)
    case cannotCreateDirectory(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// A rank's gathered outcomes did not decode (a bug, or ranks running different builds).
    case undecodableOutcomes(rank: Int, bytes: Int, reason: String)

    /// The accepted forms of `--data`.
    public static let expectedDataForms =
        "expected bfcl:CATEGORY (one of \(TaskCategory.allCases.map(\.rawValue).joined(separator: ", "))), bfcl:all, "
        + "a folder with data/BFCL_v4_<category>.json files (as `launcher data generate` writes), "
        + "or xlam:FILE (xLAM JSON lines or JSON array)"

    public var description: String {
        switch self {
        case let .invalidSpec(.unknownCategory(spec, name)):
            "--data \(spec.debugDescription): \(name.debugDescription) is not a BFCL category; \(Self.expectedDataForms)"
        case let .invalidSpec(.noFile(spec)):
            "--data \(spec.debugDescription) names no file; \(Self.expectedDataForms)"
        case .invalidSpec(.empty):
            "--data is empty; \(Self.expectedDataForms)"
        case let .generatedSpec(spec):
            "--data \(spec.debugDescription): generated tasks are for training runs (data.train, data.heldOut; "
                + "`launcher data generate` writes them as a folder); \(Self.expectedDataForms)"
        case let .missingFolder(spec):
            "--data \(spec.debugDescription) is not bfcl:... or xlam:FILE and no such folder exists; \(Self.expectedDataForms)"
        case let .noBFCLFiles(spec):
            "--data \(spec.debugDescription) is a folder without data/BFCL_v4_<category>.json files; \(Self.expectedDataForms)"
        case let .tasks(message):
            message
        case let .outputIsAFile(path):
            "--out \(path.debugDescription) is an existing file; give a folder (it is created if missing)"
        case let .outputIsTheCheckpoint(path):
            "--out \(path.debugDescription) is the checkpoint itself; give a folder for the results"
        case let .cannotCreateDirectory(path, reason):
            "cannot create directory \(path): \(reason)"
        case let .cannotWrite(path, reason):
            "cannot write \(path): \(reason)"
        case let .undecodableOutcomes(rank, bytes, reason):
            "the \(bytes) bytes of outcomes gathered from rank \(rank) do not decode: \(reason)"
        }
    }
}
