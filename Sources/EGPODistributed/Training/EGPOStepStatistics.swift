import FunctionCalling
import ShardedTensor

/// The metrics EGPO.md lists for every step, reduced over all ranks: sums through one
/// all-reduce, extremes through another. Phase times are this rank's own.
struct EGPOStepStatistics {
    var completions = 0.0, rewardSum = 0.0, rewardSquares = 0.0, advantageSum = 0.0
    /// Completion tokens, and those of them the policy sampled (in the loss mask): entropies and
    /// the bonus are means over the sampled ones.
    var tokens = 0.0, sampledTokens = 0.0, entropySum = 0.0, thinkEntropySum = 0.0, thinkTokens = 0.0
    var bonusSum = 0.0, cappedUnits = 0.0, bonusUnits = 0.0
    var klSum = 0.0, clippedLow = 0.0, clippedHigh = 0.0, lossTokens = 0.0, loss = 0.0
    var truncated = 0.0, formatPassed = 0.0, answerPassed = 0.0
    var gapMax = 0.0, lengthMax = 0.0, lengthMin = 0.0, advantageMax = 0.0, advantageMin = 0.0
    var zeroStdGroups = 0, groups = 0

    static func reduce(rollout: Rollout, experiences: [Experience], shaped: [EntropyBonus.Shaped], loss: PolicyLoss.Statistics,
                       zeroStdGroups: Int, gapMax: Float, config: TrainerConfig, communicator comm: any Communicator) throws -> EGPOStepStatistics {
        var s = EGPOStepStatistics()
        var lengthMax = 0.0, lengthMin = Double.infinity, advMax = -Double.infinity, advMin = Double.infinity
        for (i, e) in experiences.enumerated() {
            s.completions += 1
            s.rewardSum += Double(e.reward)
            s.rewardSquares += Double(e.reward) * Double(e.reward)
            s.advantageSum += Double(e.advantage)
            s.tokens += Double(e.tokenCount)
            for t in 0..<e.tokenCount where e.lossMask[t] {
                s.sampledTokens += 1
                s.entropySum += Double(e.entropies[t])
                if e.hasClosedThink && e.thinkMask[t] { s.thinkEntropySum += Double(e.entropies[t]); s.thinkTokens += 1 }
            }
            s.bonusSum += shaped[i].bonusSum
            s.cappedUnits += Double(shaped[i].cappedUnits)
            s.bonusUnits += Double(shaped[i].units)
            if !rollout.completions[i].stopped { s.truncated += 1 }
            let reward = rollout.rewards[i]
            if reward.passed { s.answerPassed += 1 }
            if case .format? = reward.failure {} else { s.formatPassed += 1 }
            lengthMax = max(lengthMax, Double(e.tokenCount))
            lengthMin = min(lengthMin, Double(e.tokenCount))
            advMax = max(advMax, Double(e.advantage))
            advMin = min(advMin, Double(e.advantage))
        }
        s.klSum = loss.klSum
        s.clippedLow = Double(loss.clippedLow)
        s.clippedHigh = Double(loss.clippedHigh)
        s.lossTokens = Double(loss.tokens)
        s.loss = loss.loss

        var sums = [s.completions, s.rewardSum, s.rewardSquares, s.advantageSum, s.tokens, s.entropySum, s.thinkEntropySum,
                    s.thinkTokens, s.bonusSum, s.cappedUnits, s.bonusUnits, s.klSum, s.clippedLow, s.clippedHigh, s.lossTokens,
                    s.loss, s.truncated, s.formatPassed, s.answerPassed, s.sampledTokens]
        try comm.allReduce(&sums, op: .sum)
        (s.completions, s.rewardSum, s.rewardSquares, s.advantageSum, s.tokens, s.entropySum, s.thinkEntropySum) =
            (sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6])
        (s.thinkTokens, s.bonusSum, s.cappedUnits, s.bonusUnits, s.klSum, s.clippedLow, s.clippedHigh) =
            (sums[7], sums[8], sums[9], sums[10], sums[11], sums[12], sums[13])
        (s.lossTokens, s.loss, s.truncated, s.formatPassed, s.answerPassed, s.sampledTokens) =
            (sums[14], sums[15], sums[16], sums[17], sums[18], sums[19])

        // Extremes in one max-reduction (minima negated).
        var extremes = [Double(gapMax), lengthMax, -lengthMin, advMax, -advMin]
        try comm.allReduce(&extremes, op: .max)
        s.gapMax = extremes[0]
        s.lengthMax = extremes[1]
        s.lengthMin = -extremes[2]
        s.advantageMax = extremes[3]
        s.advantageMin = -extremes[4]
        s.zeroStdGroups = zeroStdGroups
        s.groups = config.rollout.prompts
        return s
    }

    /// The step's metrics line, with this rank's phase times from `clock`.
    func record(step: Int, epoch: Int, optimizer: OptimizerStep.Report, clock: PhaseClock, seconds: Double) -> MetricsRecord {
        let n = max(completions, 1)
        let mean = rewardSum / n
        var m = MetricsRecord(step: step, epoch: epoch)
        m.rewardMean = mean
        m.rewardStd = max(0, rewardSquares / n - mean * mean).squareRoot()
        m.fracZeroStd = Double(zeroStdGroups) / Double(max(groups, 1))
        m.formatPass = formatPassed / n
        m.answerPass = answerPassed / n
        m.advantageMean = advantageSum / n
        m.advantageMin = advantageMin
        m.advantageMax = advantageMax
        m.entropy = entropySum / max(sampledTokens, 1)
        m.entropyThink = thinkEntropySum / max(thinkTokens, 1)
        m.bonusMean = bonusSum / max(sampledTokens, 1)
        m.bonusCapFrac = cappedUnits / max(bonusUnits, 1)
        m.kl = klSum / max(lossTokens, 1)
        m.clipLowFrac = clippedLow / max(lossTokens, 1)
        m.clipHighFrac = clippedHigh / max(lossTokens, 1)
        m.loss = loss
        m.completionLenMean = tokens / n
        m.completionLenMin = lengthMin
        m.completionLenMax = lengthMax
        m.truncatedFrac = truncated / n
        m.gradNorm = optimizer.gradNorm
        m.lr = Double(optimizer.learningRate)
        m.logpGapMax = gapMax
        for phase in [PhaseClock.Phase.sampling, .reward, .scoring, .reference, .backward, .waiting, .communication, .optimizer] {
            m.seconds[phase] = clock[phase]
        }
        m.secondsStep = seconds
        m.tokensPerSecond = tokens / seconds
        return m
    }
}
