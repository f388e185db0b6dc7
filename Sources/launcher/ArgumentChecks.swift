import ArgumentParser
import Foundation

/// Two answers of ArgumentParser that point a user elsewhere, caught before they are printed.
/// `launcher help frob` printed the root help and exited 0, as if `frob` were a topic. An option
/// the command does not have (`-prompt`, `--chekpoint`) next to a missing required one was
/// answered about the required one ("Missing expected argument '--prompt <prompt>'"), never
/// naming what the user typed.
enum ArgumentChecks {
    /// The subcommand the leading words of `arguments` select under `Launcher`, and how many
    /// words that took.
    static func command(_ arguments: [String]) -> (type: ParsableCommand.Type, words: Int) {
        var type: ParsableCommand.Type = Launcher.self, words = 0
        for word in arguments {
            guard let next = type.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
            type = next
            words += 1
        }
        return (type, words)
    }

    /// For `help WORDS...`: the first word that names no subcommand there, as a sentence.
    static func unknownHelpTopic(_ arguments: [String]) -> String? {
        guard arguments.first == "help", arguments.count > 1 else { return nil }
        let topic = Array(arguments.dropFirst())
        let (type, words) = command(topic)
        // `help help` and flags after `help` are ArgumentParser's to answer.
        guard words < topic.count, topic[words] != "help", !topic[words].hasPrefix("-") else { return nil }
        let known = type.configuration.subcommands.filter { $0.configuration.shouldDisplay }.map { $0._commandName }
        let path = (["launcher"] + topic.prefix(words)).joined(separator: " ")
        return known.isEmpty
            ? "\(path) has no subcommands; '\(topic[words])' is not one (expected: launcher help \(topic.prefix(words).joined(separator: " ")))"
            : "\(path) has no subcommand '\(topic[words])' (expected one of: \(known.joined(separator: ", ")))"
    }

    /// After a parse `error` that does not mention it: the first word of `arguments` that looks
    /// like an option (`--name`, `-name`) the selected command does not have, as ArgumentParser
    /// words it, with the closest known option.
    static func unknownOption(_ arguments: [String], after error: Error) -> String? {
        let (type, words) = command(arguments)
        let help = Launcher.helpMessage(for: type, includeHidden: true, columns: 10_000)
        // Every option the help names, and those followed by a value (`--prompt <prompt>`).
        var known: Set<String> = [], takesValue: Set<String> = []
        let pattern = try! NSRegularExpression(pattern: #"(?<![\w-])(--?[A-Za-z][\w-]*)( <)?"#)
        for match in pattern.matches(in: help, range: NSRange(help.startIndex..., in: help)) {
            let name = String(help[Range(match.range(at: 1), in: help)!])
            known.insert(name)
            if match.range(at: 2).location != NSNotFound { takesValue.insert(name) }
        }
        let message = Launcher.fullMessage(for: error)
        var skipNext = false
        for word in arguments.dropFirst(words) {
            if word == "--" { break }
            if skipNext { skipNext = false; continue }
            let name = String(word.split(separator: "=", maxSplits: 1).first ?? "")
            guard name.hasPrefix("-"), name.count > 2, name.dropFirst().first?.isLetter == true || name.hasPrefix("--") else { continue }
            if known.contains(name) {
                skipNext = takesValue.contains(name) && !word.contains("=")
                continue
            }
            guard !message.contains("'\(name)'") else { return nil }
            let closest = known.filter { $0.count > 2 }.min { editDistance($0, name) < editDistance($1, name) }
            return "Unknown option '\(name)'." + (closest.map { " Did you mean '\($0)'?" } ?? "")
        }
        return nil
    }

    /// Levenshtein distance, for the suggestion.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in a.indices {
            var previous = row[0]
            row[0] = i + 1
            for j in b.indices {
                let old = row[j + 1]
                row[j + 1] = min(old + 1, row[j] + 1, previous + (a[i] == b[j] ? 0 : 1))
                previous = old
            }
        }
        return row[b.count]
    }
}
