import ArgumentParser
import Foundation
import ShardedTensor

/// Hidden: one all-reduce that one rank joins late. The fault tests use it to show that the
/// collective watchdog (EGPO_COLLECTIVE_TIMEOUT) aborts the job naming the call.
struct DebugStallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-stall",
        abstract: "All-reduce one number after rank --rank sleeps --seconds (test helper).",
        shouldDisplay: false
    )

    @Option(help: "The rank that sleeps before the all-reduce.") var rank = 1
    @Option(help: "How long it sleeps.") var seconds: Double = 60

    func run() throws {
        let comm = try MPICommunicator.world()
        if comm.rank == rank { Thread.sleep(forTimeInterval: seconds) }
        var value: [Float] = [1]
        try value.withUnsafeMutableBufferPointer { try comm.allReduce($0, op: .sum) }
        if comm.rank == 0 { print("debug-stall: sum \(value[0]) over \(comm.size) ranks") }
    }
}
