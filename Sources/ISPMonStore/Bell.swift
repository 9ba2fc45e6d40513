import Foundation

/// Wakes threads that wait for something to happen: each ring bumps a counter,
/// and a waiter sleeps until the counter passes the ticket it took before it
/// looked (so a ring between looking and sleeping is never missed).
final class Bell: Sendable {
    // NSCondition is thread-safe; `rings` is read and written only with it locked,
    // which is what makes the class Sendable.
    private let condition = NSCondition()
    nonisolated(unsafe) private var rings: UInt64 = 0

    var ticket: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return rings
    }

    func ring() {
        condition.lock()
        rings &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps until a ring after `ticket`, or `timeout` µs.
    func wait(after ticket: UInt64, timeout: Int64) {
        let deadline = Date(timeIntervalSinceNow: Double(max(0, timeout)) / 1e6)
        condition.lock()
        while rings == ticket && condition.wait(until: deadline) {}
        condition.unlock()
    }
}
