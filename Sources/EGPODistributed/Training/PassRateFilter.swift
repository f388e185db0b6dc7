import Foundation
import FunctionCalling
import ShardedTensor

/// Data preparation, stage 2 (EGPO.md): sample k answers per task from a policy and keep the
/// tasks whose pass rate is strictly between 0 and 1 (at 0 the task is unlearnable now or
/// mislabelled; at 1 nothing is left to learn).
public struct PassRateFilter {
    public let evaluator: Evaluator
    /// Answers sampled per task.
    public let k: Int

    public struct Result: Sendable {
        /// Passes out of `k`, per task, in input order.
        public var passes: [Int]
        public var k: Int

        /// Tasks (indices) with 0 < passes < k.
        public var kept: [Int] { passes.indices.filter { passes[$0] > 0 && passes[$0] < k } }

        /// How many tasks passed j times, j = 0...k.
        public var histogram: [Int] {
            var h = [Int](repeating: 0, count: k + 1)
            for p in passes { h[p] += 1 }
            return h
        }
    }

    public init(evaluator: Evaluator, k: Int) {
        precondition(k >= 1 && evaluator.options.temperature != nil, "PassRateFilter: k \(k) >= 1 samples at a temperature")
        self.evaluator = evaluator
        self.k = k
    }

    /// Samples k answers for every task (ranks split the tasks; every rank gets the result). A
    /// task's k answers are one group of the sampler's, sharing the prompt's prefill and KV cache,
    /// each with its own random stream (sequence id task * k + j), so the result does not depend
    /// on the number of ranks or the batch size.
    public func run(_ tasks: [FunctionTask], on comm: any Communicator, progress: (_ done: Int, _ of: Int) -> Void = { _, _ in }) throws -> Result {
        let outcomes = try evaluator.evaluate(tasks, samplesPerTask: k, on: comm, progress: progress)
        var passes = [Int](repeating: 0, count: tasks.count)
        for (j, o) in outcomes.enumerated() where o.passed { passes[j / k] += 1 }
        return Result(passes: passes, k: k)
    }
}
