/// A data cursor that cannot give the next batch, with the values that stopped it.
public enum DataCursorError: Error, Equatable, CustomStringConvertible {
    /// The place (epoch, position) is not one in an order over `count` tasks; `recordedCount` is
    /// the count the cursor's order was drawn over, when known.
    case placeOutsideData(epoch: Int, position: Int, recordedCount: Int?, count: Int)
    /// The epoch is the largest integer and cannot advance (only an edited checkpoint holds it).
    case epochOverflow(epoch: Int)

    public var description: String {
        switch self {
        case let .placeOutsideData(epoch, position, recorded, count):
            "data position \(position) (epoch \(epoch))" + (recorded.map { " of an order over \($0) tasks" } ?? "")
                + " is not a place in the \(count) tasks (expected a position from 0 to \(count) and an epoch >= 0)"
        case let .epochOverflow(epoch):
            "data epoch \(epoch) cannot advance to the next (it would overflow a 64-bit integer; expected an epoch a run can reach)"
        }
    }
}
