/// ArgumentParser reads a token such as "-1" as a short flag, so `--steps -1` fails with
/// "Missing value for '--steps'" instead of reaching the option's range check. Before parsing,
/// a negative number right after a long option with no attached value is attached to it
/// (`--steps=-1`), so it is parsed as the value and its check names the flag.
enum NegativeNumberArguments {
    static func attach(_ arguments: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(arguments.count)
        var afterTerminator = false
        for token in arguments {
            if !afterTerminator, isNegativeNumber(token), let previous = out.last,
               previous.hasPrefix("--"), previous.count > 2, !previous.contains("=") {
                out[out.count - 1] = previous + "=" + token
                continue
            }
            if token == "--" { afterTerminator = true }
            out.append(token)
        }
        return out
    }

    /// "-1", "-0.5", "-1e-3", "-inf", "-nan": a minus sign then something a number parser reads.
    static func isNegativeNumber(_ token: String) -> Bool {
        guard token.hasPrefix("-"), token.count > 1 else { return false }
        let rest = token.dropFirst()
        if ["inf", "infinity", "nan"].contains(rest.lowercased()) { return true }
        guard let first = rest.first, first.isNumber || first == "." else { return false }
        return Double(rest) != nil
    }
}
