import Foundation
import Testing
import TestSupport
@testable import FunctionCalling
#if canImport(Glibc)
import Glibc
#endif

/// Inputs that are not what they should be: a typed one-line error naming the path and what was
/// expected, before any read that could block or run forever, and no output over an input.
@Suite struct BadInputTests {
    let dir: URL
    init() throws { dir = try Fixtures.temporaryDirectory("bad-input") }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @Test func inputFileRefusesWhatIsNotARegularFile() throws {
        let fifo = path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let cases: [(String, String)] = [
            (dir.path, "\(dir.path): is a directory (expected a regular file)"),
            ("/dev/zero", "/dev/zero: is a device (expected a regular file)"),
            ("/dev/null", "/dev/null: is a device (expected a regular file)"),
            (fifo, "\(fifo): is a FIFO (expected a regular file)"),
        ]
        for (input, message) in cases {
            #expect(throws: InputFileError.self) { try InputFile.read(input) }
            do { _ = try InputFile.read(input) } catch { #expect(error.description == message) }
        }
        let missing = path("absent.json")
        do { _ = try InputFile.read(missing) } catch {
            #expect(error.description == "\(missing): no such file (expected a readable regular file)")
        }
    }

    @Test func inputFileBoundsTheSize() throws {
        let file = path("big.txt")
        try String(repeating: "x", count: 100).write(toFile: file, atomically: false, encoding: .utf8)
        #expect(try InputFile.read(file).count == 100)
        #expect(throws: InputFileError(path: file, problem: "is 100 bytes, more than the 99-byte limit for an input file")) {
            try InputFile.read(file, limit: 99)
        }
    }

    @Test func outputFileRefusesSymlinksDevicesFoldersAndInputs() throws {
        let input = path("input.json"), link = path("link.json")
        try "{}".write(toFile: input, atomically: false, encoding: .utf8)
        #expect(symlink(input, link) == 0)
        let cases: [(String, String)] = [
            ("/dev/null", "/dev/null: is a device; refusing to write over it (expected a new or regular file)"),
            (link, "\(link): is a symlink; refusing to write over it (expected a new or regular file)"),
            (dir.path, "\(dir.path): is a directory; refusing to write over it (expected a new or regular file)"),
            (input, "\(input): is also the input \(input); refusing to overwrite an input (expected a different output path)"),
            (path("no/such/out.json"), "\(path("no/such/out.json")): its folder \(path("no/such")) does not exist (expected an existing folder)"),
        ]
        for (output, message) in cases {
            do {
                try OutputFile.write(Data("new".utf8), to: output, inputs: [input])
                Issue.record("\(output) was written")
            } catch { #expect(error.description == message) }
        }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "{}")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        try OutputFile.write(Data("new".utf8), to: path("fresh.json"), inputs: [input])
        #expect(try String(contentsOfFile: path("fresh.json"), encoding: .utf8) == "new")
    }

    static let good = #"{"id": "simple_python_0", "question": [[{"role": "user", "content": "hi"}]], "function": [{"name": "f", "description": "", "parameters": {"type": "dict", "properties": {"a": {"type": "integer"}}, "required": ["a"]}}]}"#
    static let answer = #"{"id": "simple_python_0", "ground_truth": [{"f": {"a": [1]}}]}"#

    func write(_ text: String, _ name: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func crlfFilesLoadLineByLine() throws {
        let second = Self.good.replacingOccurrences(of: "simple_python_0", with: "simple_python_1")
        let answers = Self.answer + "\r\n" + Self.answer.replacingOccurrences(of: "simple_python_0", with: "simple_python_1") + "\r\n"
        let tasks = try BFCLDataset.load(promptFile: try write(Self.good + "\r\n" + second + "\r\n", "p.json"),
                                         answerFile: try write(answers, "a.json"), category: nil)
        #expect(tasks.map(\.id) == ["simple_python_0", "simple_python_1"])
        // A malformed CRLF line is reported with its own line number.
        #expect(throws: BFCLDatasetError.malformedLine(file: dir.appendingPathComponent("p.json").path, line: 2, problem: "the line is not a JSON object")) {
            try BFCLDataset.load(promptFile: try write(Self.good + "\r\n[1]\r\n", "p.json"), answerFile: nil, category: nil)
        }
    }

    @Test func unknownCategoryIsALineError() throws {
        let text = Self.good.replacingOccurrences(of: "simple_python_0", with: "mystery_3")
        #expect(throws: BFCLDatasetError.malformedLine(file: dir.appendingPathComponent("p.json").path, line: 1, problem: "id mystery_3 names no BFCL single-turn category")) {
            try BFCLDataset.load(promptFile: try write(text, "p.json"), answerFile: nil, category: nil)
        }
    }

    @Test func unknownSchemaTypeIsALineError() throws {
        let text = "\n" + Self.good.replacingOccurrences(of: #""type": "integer""#, with: #""type": "intger""#)
        #expect(throws: BFCLDatasetError.malformedLine(file: dir.appendingPathComponent("p.json").path, line: 2, problem: "f.a: unknown schema type \"intger\" (expected one of any, array, boolean, dict, float, integer, string, tuple)")) {
            try BFCLDataset.load(promptFile: try write(text, "p.json"), answerFile: nil, category: nil)
        }
    }

    @Test func groundTruthNamingAFunctionNotOfferedIsALineError() throws {
        let answers = try write(Self.answer.replacingOccurrences(of: #"{"f":"#, with: #"{"g":"#), "a.json")
        #expect(throws: BFCLDatasetError.malformedLine(file: dir.appendingPathComponent("p.json").path, line: 1, problem: "ground truth calls g, which the task does not offer (offered: f)")) {
            try BFCLDataset.load(promptFile: try write(Self.good, "p.json"), answerFile: answers, category: nil)
        }
    }
}
