/// A run that stopped on SIGTERM, SIGINT or SIGUSR1 (or `--stop-after`) after saving a
/// checkpoint: not a failure; every rank throws it and the job exits cleanly.
public struct StoppedBySignal: Error, CustomStringConvertible {
    public var reason: String
    public var step: Int
    public var checkpoint: String
    public var runDir: String
    public var command: String

    public var description: String {
        "\(command): stopped by \(reason) after step \(step); saved \(checkpoint). Continue with: \(command) --resume latest --run-dir \(runDir)"
    }
}
