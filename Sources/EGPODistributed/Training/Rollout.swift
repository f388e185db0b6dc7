import FunctionCalling
import ShardedTensor

/// This rank's share of one step's rollouts: sampled completions of its slice of the global
/// batch, with their rewards.
///
/// The global batch is P prompts x G completions, completion c = p * G + g; rank r takes the
/// contiguous slice `ShardLayout(P * G, W).range(r)`, so a group may span ranks. Completion c draws its
/// randomness from sequence id `step * P * G + c`, so what is sampled does not depend on the
/// number of ranks or on batching.
public struct Rollout {
    /// Global completion indices this rank sampled.
    public var completionRange: Range<Int>
    /// Global task index of each of this rank's completions.
    public var taskIndices: [Int]
    public var completions: [Completion]
    public var rewards: [Reward]

    /// Samples this rank's completions of the global batch `batch` (task indices, one per prompt).
    public static func sample(step: Int, batch: [Int], tasks: [TrainingTask], prompts: [[Int32]], sampler: Sampler,
                              codec: TaskCodec, reward: EGPOTrainer.RewardFunction, rollout r: TrainerConfig.Rollout, seed: Int,
                              communicator comm: any Communicator, clock: inout PhaseClock) throws -> Rollout {
        let g = r.groupSize, total = batch.count * g
        let mine = ShardLayout(count: total, worldSize: comm.size).range(rank: comm.rank)
        var requests: [SamplingRequest] = [], taskIndices: [Int] = []
        var c = mine.lowerBound
        while c < mine.upperBound {
            let p = c / g, end = min(mine.upperBound, (p + 1) * g)
            requests.append(SamplingRequest(prompt: prompts[batch[p]], completionCount: end - c,
                                            firstSequenceId: UInt64(step) * UInt64(total) + UInt64(c)))
            taskIndices += [Int](repeating: batch[p], count: end - c)
            c = end
        }
        let options = SamplingOptions(temperature: r.temperature, maxNewTokens: r.maxCompletionTokens,
                                      stopTokens: [codec.endOfSequence], seed: UInt64(seed))
        let completions = try clock.measure(.sampling) { try sampler.sample(requests, options: options) }
        let rewards = clock.measure(.reward) {
            zip(completions, taskIndices).map { reward($0.tokens, tasks[$1]) }
        }
        return Rollout(completionRange: mine, taskIndices: taskIndices, completions: completions, rewards: rewards)
    }
}
