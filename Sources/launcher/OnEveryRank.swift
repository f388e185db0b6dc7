import ArgumentParser
import EGPODistributed
import ShardedTensor

/// Runs `body` on every rank of the job. A failure on any rank is printed by that rank, naming
/// itself, and ends the whole job through the communicator's abort, so no peer hangs in its next
/// collective. On a single rank the error is simply thrown.
func onEveryRank(_ body: (MPICommunicator) throws -> Void) throws {
    let comm = try MPICommunicator.world()
    do {
        try body(comm)
    } catch let stopped as StoppedBySignal {
        // Every rank agreed to stop (a collective), saved, and leaves cleanly.
        if comm.rank == 0 { Console.out(stopped.description) }
    } catch let agreed as AgreedFailure {
        // Every rank knows; one says why, and the job ends without N copies of the message.
        guard comm.size > 1 else { throw agreed }
        if comm.rank == agreed.reporter { Console.err("rank \(comm.rank) of \(comm.size) on \(comm.processorName) failed: \(agreed.message)") }
        comm.abort(errorCode: 1)
    } catch {
        guard comm.size > 1 else { throw error }
        if let exit = error as? ExitCode, exit == .success { return }
        Console.err("rank \(comm.rank) of \(comm.size) on \(comm.processorName) failed: \(error)")
        comm.abort(errorCode: 1)
    }
}
