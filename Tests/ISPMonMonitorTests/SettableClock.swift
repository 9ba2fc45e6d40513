import Synchronization
import ISPMonCore
@testable import ISPMonMonitor

/// The kernel's monotonic clock with a wall clock the test sets: `wall()` is the monotonic
/// time plus an offset. A test knows what the monitor stamps events with, and the machine's
/// own wall clock (which NTP may step under a running test) plays no part.
final class SettableClock: SystemClock {
    let offset: Mutex<Int64>

    /// A wall clock that reads `wall` now.
    init(wall: Timestamp) { offset = Mutex(wall.microseconds - KernelClock().monotonicMicroseconds()) }

    func wall() -> Timestamp { Timestamp(microseconds: monotonicMicroseconds() + offset.withLock { $0 }) }
    func monotonicMicroseconds() -> Int64 { KernelClock().monotonicMicroseconds() }
    func isSynchronized() -> Bool { true }
}
