import Foundation

extension BFCLDataset {
    /// Writes tasks as BFCL files under `directory`: `data/BFCL_v4_<stem>.json` and, when any task
    /// has ground truth, `possible_answer/BFCL_v4_<stem>.json`, both JSON lines in task order.
    /// `load(promptFile:answerFile:category:)` reads them back.
    /// - Parameters:
    ///   - stem: the file-name stem, usually a category's raw value (`simple_python`).
    /// - Returns: the prompt file and the answer file (nil when no task has ground truth).
    @discardableResult
    public static func write(_ tasks: [FunctionTask], to directory: URL, stem: String) throws(BFCLDatasetError) -> (prompts: URL, answers: URL?) {
        let dataDir = directory.appendingPathComponent("data")
        let answerDir = directory.appendingPathComponent("possible_answer")
        let name = "BFCL_v4_\(stem).json"
        var prompts = ""
        var answers = ""
        for t in tasks {
            prompts += BFCLFormat.promptLine(t) + "\n"
            if let line = BFCLFormat.possibleAnswerLine(t) { answers += line + "\n" }
        }
        let promptURL = dataDir.appendingPathComponent(name)
        let answerURL = answers.isEmpty ? nil : answerDir.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
            try OutputFile.write(Data(prompts.utf8), to: promptURL.path)
            if let answerURL {
                try FileManager.default.createDirectory(at: answerDir, withIntermediateDirectories: true)
                try OutputFile.write(Data(answers.utf8), to: answerURL.path)
            }
        } catch let error as InputFileError {
            throw .unreadable(file: error.path, reason: error.problem)
        } catch {
            throw .unreadable(file: promptURL.path, reason: "cannot write: \(error.localizedDescription)")
        }
        return (promptURL, answerURL)
    }
}
