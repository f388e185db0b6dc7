/// A failure every rank has agreed on (a collective decided it): thrown on all ranks, printed
/// by `reporter` only, the lowest rank that found it.
public struct AgreedFailure: Error, CustomStringConvertible {
    public var message: String
    public var reporter: Int
    public var description: String { message }

    public init(message: String, reporter: Int) {
        self.message = message
        self.reporter = reporter
    }
}
