import Foundation
import Testing
@testable import FunctionCalling

/// Invalid UTF-8 inside JSON strings (a Latin-1 file, a cut multi-byte character): before, read
/// as U+FFFD without a word, so an xLAM record or a BFCL task held other text than its file;
/// now refused at the byte, as Python's json.loads refuses it.
@Suite struct InvalidUTF8Tests {
    @Test func theReaderNamesTheByte() {
        for (bytes, offset, byte) in [(Array(#"{"a": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8), 10, "E9"),
                                      (Array(#"["ok", "x\n"#.utf8) + [0xC3] + Array(#"", 1]"#.utf8), 11, "C3"),
                                      (Array(#"{"k"#.utf8) + [0xFF] + Array(#"": 1}"#.utf8), 3, "FF")] {
            #expect(throws: JSON.ParseError(offset: offset, problem: "invalid UTF-8 (byte 0x\(byte)) in a string; expected UTF-8 text")) {
                try bytes.withUnsafeBufferPointer { try JSON.parse(bytes: $0) }
            }
        }
        let fine = Array(#"{"é": "日本", "e": "\u00e9"}"#.utf8)
        #expect((try? fine.withUnsafeBufferPointer { try JSON.parse(bytes: $0) }) != nil)
        #expect(UTF8Validation.firstInvalidByte(in: Array("aé日".utf8)) == nil)
        #expect(UTF8Validation.firstInvalidByte(in: [0x61, 0xE6, 0x97]) == 1)
    }

    @Test func anXLAMRecordWithInvalidUTF8IsRefused() throws {
        let good = #"{"id": 1, "query": "hi", "tools": "[]", "answers": "[]"}"#
        let bad = Array(good.utf8) + [0x0A] + Array(#"{"id": 2, "query": "caf"#.utf8) + [0xE9] + Array(#"", "tools": "[]", "answers": "[]"}"#.utf8)
        #expect(throws: XLAMDatasetError.malformed(file: "x.jsonl", place: .line(2),
                                                   problem: "invalid JSON at byte 23: invalid UTF-8 (byte 0xE9) in a string; expected UTF-8 text (expected one JSON object per line)")) {
            _ = try XLAMDataset.parse(Data(bad), file: "x.jsonl")
        }
    }
}
