import Foundation

/// Lets events through to the writer until the monitor closes it, so that
/// nothing follows `monitor stopped` in the log; without holding a lock across
/// the hand-over itself, which compresses and may wait while the writer is
/// behind (a slow disk): one slow hand-over never stalls the other probes.
final class RecordingGate: Sendable {
    // NSCondition is thread-safe; `open` and `passing` are read and written only
    // with it locked, which is what makes the class Sendable.
    private let condition = NSCondition()
    nonisolated(unsafe) private var open = true
    nonisolated(unsafe) private var passing = 0

    /// Runs `body` unless the gate is closed; returns whether it ran.
    @discardableResult
    func pass(_ body: () throws -> Void) rethrows -> Bool {
        condition.lock()
        guard open else {
            condition.unlock()
            return false
        }
        passing += 1
        condition.unlock()
        defer {
            condition.lock()
            passing -= 1
            if passing == 0 { condition.broadcast() }
            condition.unlock()
        }
        try body()
        return true
    }

    /// Closes the gate, waits for what is passing, then runs `last`: the last thing through.
    func close(then last: () throws -> Void) rethrows {
        condition.lock()
        open = false
        while passing > 0 { condition.wait() }
        condition.unlock()
        try last()
    }
}
