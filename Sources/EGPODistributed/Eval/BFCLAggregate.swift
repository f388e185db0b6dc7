import FunctionCalling

/// One of BFCL's summary scores, computed as gorilla's `eval_runner_helper.py`
/// (`generate_leaderboard_csv`) computes it from per-category accuracies:
///
/// - `simple` (non-live): the plain mean of simple_python, simple_java and simple_javascript;
/// - `non_live`: the plain mean of simple, multiple, parallel and parallel_multiple (BFCL's
///   "Non-Live AST" summary and overall non-live accuracy);
/// - `live`: live_simple, live_multiple, live_parallel and live_parallel_multiple weighted by
///   their task counts (`calculate_weighted_accuracy`);
/// - `irrelevance_detection`: the plain mean of irrelevance and live_irrelevance (BFCL's
///   "Irrelevance Detection" in the overall table); `relevance_detection` is live_relevance.
///
/// A category that was not evaluated counts as 0, as BFCL counts it (it prints N/A then); it is
/// named in `missing`. The standard error propagates the categories' binomial standard errors
/// as for independent estimates: sqrt(Σ wᵢ² seᵢ²) with wᵢ the weight of category i in the mean.
public struct BFCLAggregate: Sendable, Equatable, Codable {
    public var accuracy: Double
    public var stderr: Double
    /// Tasks in the categories that were evaluated.
    public var n: Int
    /// The categories it needs that were not evaluated (counted as 0).
    public var missing: [String]

    /// The names in the order they are printed.
    public static let order = ["simple", "non_live", "live", "irrelevance_detection", "relevance_detection"]

    /// Every summary for which at least one of its categories was evaluated.
    public static func all(_ scores: [String: EvalReport.Score]) -> [String: BFCLAggregate] {
        func leaf(_ c: TaskCategory) -> (BFCLAggregate, present: Bool) {
            guard let s = scores[c.rawValue] else { return (BFCLAggregate(accuracy: 0, stderr: 0, n: 0, missing: [c.rawValue]), false) }
            return (BFCLAggregate(accuracy: s.accuracy, stderr: s.stderr, n: s.n, missing: []), true)
        }
        func mean(_ parts: [(BFCLAggregate, present: Bool)]) -> (BFCLAggregate, present: Bool) {
            let k = Double(parts.count)
            let variance = parts.reduce(0.0) { $0 + $1.0.stderr * $1.0.stderr } / (k * k)
            return (BFCLAggregate(accuracy: parts.reduce(0.0) { $0 + $1.0.accuracy } / k, stderr: variance.squareRoot(),
                                  n: parts.reduce(0) { $0 + $1.0.n }, missing: parts.flatMap(\.0.missing)), parts.contains { $0.present })
        }
        func weighted(_ parts: [(BFCLAggregate, present: Bool)]) -> (BFCLAggregate, present: Bool) {
            let total = Double(parts.reduce(0) { $0 + $1.0.n })
            guard total > 0 else { return (BFCLAggregate(accuracy: 0, stderr: 0, n: 0, missing: parts.flatMap(\.0.missing)), false) }
            let accuracy = parts.reduce(0.0) { $0 + $1.0.accuracy * Double($1.0.n) } / total
            let variance = parts.reduce(0.0) { $0 + pow2(Double($1.0.n) / total * $1.0.stderr) }
            return (BFCLAggregate(accuracy: accuracy, stderr: variance.squareRoot(), n: Int(total), missing: parts.flatMap(\.0.missing)), true)
        }
        let simple = mean([leaf(.simplePython), leaf(.simpleJava), leaf(.simpleJavascript)])
        let candidates: [String: (BFCLAggregate, present: Bool)] = [
            "simple": simple,
            "non_live": mean([simple, leaf(.multiple), leaf(.parallel), leaf(.parallelMultiple)]),
            "live": weighted([leaf(.liveSimple), leaf(.liveMultiple), leaf(.liveParallel), leaf(.liveParallelMultiple)]),
            "irrelevance_detection": mean([leaf(.irrelevance), leaf(.liveIrrelevance)]),
            "relevance_detection": leaf(.liveRelevance),
        ]
        return candidates.filter(\.value.present).mapValues(\.0)
    }
}

private func pow2(_ x: Double) -> Double { x * x }
