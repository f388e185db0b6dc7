import Foundation
import ShardedTensor

/// SIGTERM, SIGINT and SIGUSR1 turned into a request the training loop honours between steps: it
/// saves a checkpoint and the run exits cleanly, instead of dying mid-step. SIGUSR1 is there for
/// multi-host runs: OpenMPI's mpirun refuses to forward SIGTERM (it kills the job with it, SIGKILL
/// one second later) but forwards SIGUSR1 to every rank on every host, so `cluster/mpirun.sh`
/// turns the SIGTERM it receives into a SIGUSR1 for mpirun (cluster/README.md).
public enum StopRequest {
    nonisolated(unsafe) private static var received: Int32 = 0

    /// Installs the handlers (idempotent). A second signal of the same kind still only asks.
    public static func install() {
        for s in [SIGTERM, SIGINT, SIGUSR1] {
            signal(s) { StopRequest.received = $0 }
        }
    }

    /// The signal received so far on this process, if any.
    public static var pending: Int32? { received == 0 ? nil : received }

    /// Whether any rank got a signal: every rank calls it after each step (one small all-reduce)
    /// with what it has `pending` (by default this process's signals).
    public static func agreed(_ comm: any Communicator, pending: Int32? = StopRequest.pending) throws -> Int32? {
        let any = try comm.allReduce(Double(pending ?? 0), op: .max)
        return any == 0 ? nil : Int32(any)
    }

    /// The signal's name, for messages.
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGUSR1: "SIGUSR1"
        default: "signal \(signal)"
        }
    }
}
