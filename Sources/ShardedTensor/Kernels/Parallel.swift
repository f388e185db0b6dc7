import COpenBLAS
import Dispatch

/// Spreads a kernel's own loops (attention per head group, elementwise rows) over the rank's
/// cores. With one worker (the default, and the rule under mpirun with one rank per core) the
/// loops run inline. Work is split by index, never by timing, so results are the same for every
/// worker count.
public enum Parallel {
    /// Worker count for this process; set together with OpenBLAS's threads through `Matmul.threads`.
    /// Inside `withWorkers(_:_:)` it reads the scoped count instead, so tests that compare worker
    /// counts can run concurrently without racing on a global.
    public static var workers: Int {
        get { scopedWorkers ?? processWorkers }
        set { processWorkers = newValue }
    }
    nonisolated(unsafe) private static var processWorkers = 1
    @TaskLocal private static var scopedWorkers: Int?

    /// Runs `body` with `count` workers for kernels called from this task (and only this task).
    public static func withWorkers<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        precondition(count >= 1, "Parallel.withWorkers: \(count) workers")
        return try $scopedWorkers.withValue(count, operation: body)
    }

    /// Calls `body(task, worker)` for every task in 0..<count; tasks with the same worker id run
    /// one after another, so `worker` can index per-worker scratch (0..<workers). Inside, BLAS is
    /// held to one thread so workers do not oversubscribe the cores.
    /// - Parameter maxWorkers: cap on workers (e.g. how many scratch slices the caller has).
    public static func forEach(_ count: Int, maxWorkers: Int = .max, _ body: (_ task: Int, _ worker: Int) -> Void) {
        let w = min(workers, count, maxWorkers)
        if w <= 1 {
            for t in 0..<count { body(t, 0) }
            return
        }
        let blasThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        // The workers only touch disjoint rows/columns chosen by task index; the closure and
        // the pointers it captures are shared deliberately, hence the unchecked box.
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: w) { worker in
                var t = worker
                while t < count { shared.value(t, worker); t += w }
            }
        }
        openblas_set_num_threads(blasThreads)
    }

    /// Calls `body(range)` on contiguous chunks covering 0..<count (one chunk per worker, or
    /// the whole range inline when there is one worker or fewer than `minimum` items each).
    public static func forRanges(_ count: Int, minimum: Int = 16, _ body: (Range<Int>) -> Void) {
        let w = max(1, min(workers, count / max(minimum, 1)))
        if w <= 1 { body(0..<count); return }
        let chunk = (count + w - 1) / w
        forEach(w) { i, _ in
            let lo = i * chunk, hi = min(count, lo + chunk)
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// Hands a non-Sendable value to worker threads whose access pattern the caller guarantees.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
