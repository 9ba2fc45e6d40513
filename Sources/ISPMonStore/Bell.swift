import ISPMonCore

/// Wakes threads that wait for something to happen: each ring bumps a counter,
/// and a waiter sleeps until the counter passes the ticket it took before it
/// looked (so a ring between looking and sleeping is never missed).
final class Bell: Sendable {
    // The condition is thread-safe; `rings` is read and written only with it locked,
    // which is what makes the class Sendable. Its timed waits run on the monotonic clock.
    private let condition = MonotonicCondition()
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
        let deadline = Monotonic.microseconds() + max(0, timeout)
        condition.lock()
        while rings == ticket {
            let left = deadline - Monotonic.microseconds()
            guard left > 0, condition.wait(microseconds: left) else { break }
        }
        condition.unlock()
    }
}
