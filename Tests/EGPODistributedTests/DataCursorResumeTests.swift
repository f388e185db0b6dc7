import Foundation
import Testing
@testable import EGPODistributed

/// A data cursor resumed over data it was not drawn over (fewer tasks, another source, an edited
/// position or epoch): a stated new epoch or a typed error, never a trap.
@Suite struct DataCursorResumeTests {
    @Test func overFewerTasksTheRunStartsTheNextEpoch() throws {
        var cursor = DataCursor(shuffleSeed: 9)
        _ = try cursor.next(16, of: 40)
        #expect(cursor.count == 40 && cursor.position == 16)
        let (resumed, change) = try cursor.resuming(over: 5)
        #expect(resumed.epoch == 1 && resumed.position == 0 && resumed.count == 5)
        #expect(change?.contains("the training data now has 5 tasks and its order was over 40 tasks") == true, "\(change ?? "")")
        var moving = resumed
        let batch = try moving.next(5, of: 5)
        #expect(batch.sorted() == Array(0..<5))
        // Over the same tasks nothing changes.
        let same = try cursor.resuming(over: 40)
        #expect(same.cursor == cursor && same.change == nil)
    }

    @Test func anUnrecordedCountIsJudgedByThePosition() throws {
        let old = DataCursor(shuffleSeed: 9, epoch: 3, position: 16)
        #expect(try old.resuming(over: 20).cursor == old)
        let (resumed, change) = try old.resuming(over: 5)
        #expect(resumed.epoch == 4 && resumed.position == 0)
        #expect(change?.contains("its position 16 lies beyond them") == true, "\(change ?? "")")
    }

    @Test func aPlaceOutsideTheDataThrowsInsteadOfTrapping() {
        var beyond = DataCursor(shuffleSeed: 9, position: 16)
        #expect(throws: DataCursorError.placeOutsideData(epoch: 0, position: 16, recordedCount: nil, count: 5)) { _ = try beyond.next(4, of: 5) }
        var other = DataCursor(shuffleSeed: 9, position: 2, count: 40)
        #expect(throws: DataCursorError.placeOutsideData(epoch: 0, position: 2, recordedCount: 40, count: 5)) { _ = try other.next(4, of: 5) }
        #expect(throws: DataCursorError.placeOutsideData(epoch: 0, position: 50, recordedCount: 40, count: 40)) {
            _ = try DataCursor(shuffleSeed: 9, position: 50, count: 40).resuming(over: 40)
        }
    }

    @Test func theLargestEpochCannotAdvance() {
        var last = DataCursor(shuffleSeed: 9, epoch: Int.max, position: 5, count: 5)
        #expect(throws: DataCursorError.epochOverflow(epoch: Int.max)) { _ = try last.next(1, of: 5) }
        #expect(throws: DataCursorError.epochOverflow(epoch: Int.max)) { _ = try last.resuming(over: 5) }
        #expect(DataCursorError.epochOverflow(epoch: Int.max).description
            == "data epoch 9223372036854775807 cannot advance to the next (it would overflow a 64-bit integer; expected an epoch a run can reach)")
    }
}
