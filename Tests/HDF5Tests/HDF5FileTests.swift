import Foundation
import Testing
import TestSupport
@testable import HDF5

@Suite struct HDF5FileTests {
    let folder: URL
    init() throws { folder = try Fixtures.temporaryDirectory("hdf5") }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @Test func datasetsAndAttributesRoundTrip() throws {
        let file = path("round.h5")
        let tokenizerJSON = String(repeating: "{\"merges\": [\"ü x\"]}", count: 5000)   // ~100 KB, > 64 KiB
        do {
            let f = try HDF5File.create(at: file)
            let root = try f.root
            try root.writeDataset("model.layers.0.self_attn.q_proj.weight", (0..<12).map { Float($0) * 0.5 }, shape: [3, 4])
            try root.writeDataset("optimizer/m/values", [1.5, -2.25], shape: [2])
            try root.writeDataset("ints32", [Int32(-7), 8, 9])
            try root.writeDataset("step", [Int64(42)], shape: [])
            try root.writeDataset("empty", [Float](), shape: [0, 5])
            try root.setAttribute("config", "{\"hidden_size\": 64, \"name\": \"ünïcode ✓\"}")
            try root.setAttribute("tokenizer", tokenizerJSON)
            try root.setAttribute("seed", Int64(1234))
            try root.setAttribute("lr", 3e-4)
            try root.setAttribute("cursor", [Int64(5), 6, 7])
            let sub = try root.createGroup("rng/rank0")
            try sub.setAttribute("state", [Int64.max, Int64.min])
            try f.close()
        }
        let f = try HDF5File.open(at: file)
        let root = try f.root
        let (shape, values) = try root.readDataset("model.layers.0.self_attn.q_proj.weight", as: Float.self)
        #expect(shape == [3, 4])
        #expect(values == (0..<12).map { Float($0) * 0.5 })
        #expect(try root.group("optimizer/m").readDataset("values", as: Double.self).values == [1.5, -2.25])
        #expect(try root.readDataset("ints32", as: Int32.self).values == [-7, 8, 9])
        let step = try root.readDataset("step", as: Int64.self)
        #expect(step.shape == [] && step.values == [42])
        #expect(try root.datasetShape("empty") == [0, 5])
        #expect(try root.stringAttribute("config") == "{\"hidden_size\": 64, \"name\": \"ünïcode ✓\"}")
        #expect(try root.stringAttribute("tokenizer") == tokenizerJSON)
        #expect(try root.int64Attribute("seed") == 1234)
        #expect(try root.doubleAttribute("lr") == 3e-4)
        #expect(try root.numericAttribute("cursor", as: Int64.self) == [5, 6, 7])
        #expect(try root.group("rng/rank0").numericAttribute("state", as: Int64.self) == [Int64.max, Int64.min])
        #expect(try root.childNames() == ["empty", "ints32", "model.layers.0.self_attn.q_proj.weight", "optimizer", "rng", "step"])
        #expect(try root.attributeNames() == ["config", "cursor", "lr", "seed", "tokenizer"])
        #expect(try root.contains("optimizer/m/values"))
        #expect(try !root.contains("optimizer/v/values"))
    }

    /// A dataset written piece by piece, in an order that is not the file order and across
    /// checksum chunks, reads back whole and keeps its Fletcher-32 filter.
    @Test func aStreamedDatasetReadsBackWhole() throws {
        let file = path("streamed.h5")
        let values = (0..<300_000).map { Float($0) * 0.25 - 7 }
        do {
            let f = try HDF5File.create(at: file)
            try f.root.writeStreamedDataset("moment", count: values.count, as: Float.self, checksum: true) { write in
                for range in [200_001 ..< 300_000, 0 ..< 77_777, 77_777 ..< 200_001] {
                    try values[range].withUnsafeBufferPointer { try write(range.lowerBound, $0) }
                }
                #expect(throws: HDF5Error.self) { try [Float(1), 2].withUnsafeBufferPointer { try write(values.count - 1, $0) } }
            }
            try f.close()
        }
        let f = try HDF5File.open(at: file)
        #expect(try f.root.readDataset("moment", as: Float.self, expectedShape: [values.count]).values == values)
        #expect(try f.root.isChecksummed("moment"))
    }

    @Test func wrongShapeTypeOrNameIsATypedErrorNamingTheFile() throws {
        let file = path("errors.h5")
        let f = try HDF5File.create(at: file)
        try f.root.writeDataset("w", [Float](repeating: 1, count: 6), shape: [2, 3])
        try f.root.setAttribute("name", "x")

        let shapeError = #expect(throws: HDF5Error.self) { try f.root.readDataset("w", as: Float.self, expectedShape: [3, 2]) }
        #expect(shapeError == .shapeMismatch(path: file, dataset: "/w", expected: [3, 2], actual: [2, 3]))
        let typeError = #expect(throws: HDF5Error.self) { try f.root.readDataset("w", as: Int64.self) }
        #expect(typeError == .typeMismatch(path: file, object: "/w", expected: "Int64", actual: "float"))
        let missing = #expect(throws: HDF5Error.self) { try f.root.readDataset("nope", as: Float.self) }
        #expect(missing == .missing(path: file, object: "/nope", kind: "dataset"))
        let attrType = #expect(throws: HDF5Error.self) { try f.root.int64Attribute("name") }
        #expect("\(attrType!)".contains("/@name"))
        let wrongCount = #expect(throws: HDF5Error.self) {
            try f.root.writeDataset("bad", [Float](repeating: 0, count: 5), shape: [2, 3])
        }
        #expect("\(wrongCount!)".contains("/bad"))
        let duplicate = #expect(throws: HDF5Error.self) { try f.root.writeDataset("w", [Float(1)]) }
        #expect("\(duplicate!)".contains("H5Dcreate2") && "\(duplicate!)".contains(file))
        try f.close()
        #expect(throws: HDF5Error.self) { try f.root }
    }

    @Test func openingSomethingThatIsNotHDF5NamesThePath() throws {
        let file = path("not.h5")
        try "plain text".write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(at: file) }
        let text = "\(error!)"
        #expect(text.contains(file) && text.contains("H5Fopen"), "\(text)")
        let missing = #expect(throws: HDF5Error.self) { try HDF5File.open(at: path("absent.h5")) }
        #expect("\(missing!)".contains("no such file"))
    }
}

@Suite struct AtomicWriteTests {
    let folder: URL
    init() throws { folder = try Fixtures.temporaryDirectory("atomic") }

    func write(_ path: String, value: Float, beforeRename: (String) throws -> Void = { _ in }) throws {
        try HDF5File.writeAtomically(to: path, beforeRename: beforeRename) { file in
            try file.root.writeDataset("value", [value])
        }
    }

    func read(_ path: String) throws -> Float {
        try HDF5File.open(at: path).root.readDataset("value", as: Float.self).values[0]
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }
    }

    @Test func aFailureBeforeTheRenameLeavesThePreviousFileIntact() throws {
        struct Crash: Error {}
        let file = folder.appendingPathComponent("checkpoint.h5").path
        try write(file, value: 1)
        var sawCompleteTemporary = false
        #expect(throws: Crash.self) {
            try write(file, value: 2) { temporary in
                // The new file is complete and closed here; only the rename is missing.
                sawCompleteTemporary = (try? read(temporary)) == 2
                throw Crash()
            }
        }
        #expect(sawCompleteTemporary)
        #expect(try read(file) == 1)
        #expect(try leftovers().isEmpty)

        struct BadBody: Error {}
        #expect(throws: BadBody.self) {
            try HDF5File.writeAtomically(to: file) { file in
                try file.root.writeDataset("value", [Float(3)])
                throw BadBody()
            }
        }
        #expect(try read(file) == 1)
        #expect(try leftovers().isEmpty)

        try write(file, value: 4)
        #expect(try read(file) == 4)
    }

    /// A real crash: the launcher writes a new version and SIGKILLs itself between closing the
    /// temporary file and renaming it. The previous file must be intact under the final name.
    @Test func aProcessKilledBeforeTheRenameLeavesThePreviousFileIntact() throws {
        let file = folder.appendingPathComponent("model.h5").path
        try write(file, value: 7)
        let killed = try LauncherBinary.run(["debug-atomic-write", "--path", file, "--value", "8", "--kill-before-rename"])
        #expect(killed.signaled && killed.status == SIGKILL,
                "launcher ended with status \(killed.status) (signaled: \(killed.signaled)), expected SIGKILL; stderr: \(killed.stderr)")
        #expect(try read(file) == 7)
        // The killed process could not clean up: its complete temporary file is left beside.
        #expect(try leftovers().count == 1)

        let normal = try LauncherBinary.run(["debug-atomic-write", "--path", file, "--value", "9"])
        #expect(normal.status == 0, "\(normal.stderr)")
        #expect(try read(file) == 9)
    }
}
