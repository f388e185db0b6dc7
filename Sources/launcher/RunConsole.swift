import EGPODistributed
import Foundation

/// How `launcher train` and `launcher sft` print a run's events (rank 0 receives them): lines as
/// they are, and one line per logged step.
enum RunConsole {
    @Sendable static func print(_ event: RunEvent) {
        switch event {
        case .say(let line): Console.out(line)
        case .step(let report): for line in lines(report) { Console.out(line) }
        }
    }

    /// The lines a step prints: a skipped step always, a warning when the sampler and trainer
    /// disagree, and the progress line on logged steps.
    static func lines(_ r: StepReport) -> [String] {
        let p = r.progress, m = p.metrics, name = r.phase.rawValue
        if m.isNonFinite {
            return ["\(name) \(p.step)/\(p.totalSteps)  skipped: the loss or gradient is NaN or infinite (loss \(m.loss ?? .nan), "
                    + "grad norm \(m.gradNorm ?? .nan)); no update; the run ends after \(r.maxNonFiniteSteps) such steps in a row (run.maxNonFiniteSteps)"]
        }
        var out: [String] = []
        if let gap = m.logpGapMax, gap > 1e-3 {
            out.append(String(format: "warning: step %d: sampler and trainer log-probs differ by up to %.2e (expected below 1e-3)", p.step, gap))
        }
        guard r.isLogged else { return out }
        switch r.phase {
        case .egpo:
            let accuracy = r.heldOutAccuracy.map { String(format: "%.3f", $0) } ?? "-"
            out.append(String(format: "egpo %d/%d  reward %.3f", p.step, p.totalSteps, m.rewardMean ?? .nan) + "  acc \(accuracy)"
                       + String(format: "  kl %.2e  H %.3f (think %.3f)  %.0f tok/s", m.kl ?? .nan, m.entropy ?? .nan,
                                m.entropyThink ?? .nan, m.tokensPerSecond ?? .nan) + "  ETA \(formatDuration(p.eta))")
        case .sft:
            out.append(String(format: "sft %d/%d  loss %.4f  lr %.2e  grad %.3f  %.0f tok/s", p.step, p.totalSteps,
                              m.loss ?? .nan, m.lr ?? .nan, m.gradNorm ?? .nan, m.tokensPerSecond ?? .nan)
                       + "  ETA \(formatDuration(p.eta))")
        }
        return out
    }
}

/// `12m05s`, `45s`.
func formatDuration(_ seconds: Double) -> String {
    let s = max(0, Int(seconds.rounded()))
    return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
}
