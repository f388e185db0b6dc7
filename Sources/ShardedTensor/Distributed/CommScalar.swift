/// The element kinds a communicator moves: MPI and the thread-local twin both support these.
public enum ScalarKind: String, Sendable {
    case float, double, int64, int32, uint8
}

/// A scalar that collectives can reduce. The conformances are the kinds MPI maps directly.
public protocol CommScalar: BitwiseCopyable, Comparable, AdditiveArithmetic, Sendable {
    static var scalarKind: ScalarKind { get }
}

extension Float: CommScalar { public static var scalarKind: ScalarKind { .float } }
extension Double: CommScalar { public static var scalarKind: ScalarKind { .double } }
extension Int64: CommScalar { public static var scalarKind: ScalarKind { .int64 } }
extension Int32: CommScalar { public static var scalarKind: ScalarKind { .int32 } }
extension UInt8: CommScalar { public static var scalarKind: ScalarKind { .uint8 } }

/// The reductions collectives support.
public enum ReduceOp: String, Sendable, CaseIterable {
    case sum, max, min

    /// Combines two values; used by LocalCommunicator and by tests' closed forms.
    @inlinable
    public func combine<T: CommScalar>(_ a: T, _ b: T) -> T {
        switch self {
        case .sum: return a + b
        case .max: return Swift.max(a, b)
        case .min: return Swift.min(a, b)
        }
    }
}
