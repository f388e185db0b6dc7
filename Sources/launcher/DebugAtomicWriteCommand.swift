import ArgumentParser
import Foundation
import HDF5

/// Hidden: writes a one-value HDF5 file atomically, optionally killing the process between
/// closing the temporary file and renaming it. The atomic-write test uses it to show that a
/// real crash at the worst moment leaves the previous file intact.
struct DebugAtomicWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-atomic-write",
        abstract: "Write a one-value HDF5 file atomically (test helper).",
        shouldDisplay: false
    )

    @Option(help: "The file to replace.") var path: String
    @Option(help: "The value to store in dataset 'value'.") var value: Float
    @Flag(help: "SIGKILL this process after the temporary file is complete, before the rename.") var killBeforeRename = false

    func run() throws {
        try HDF5File.writeAtomically(to: path, beforeRename: { _ in
            if killBeforeRename { kill(getpid(), SIGKILL) }
        }) { file in
            try file.root.writeDataset("value", [value])
        }
    }
}
