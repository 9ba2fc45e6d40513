#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A lock and a condition whose timed waits run on ``Monotonic``'s clock. Foundation's
/// `NSCondition.wait(until:)` takes a wall-clock date, and a wait on Linux is a
/// `pthread_cond_timedwait` against `CLOCK_REALTIME`: when NTP or a person steps the clock back
/// an hour, a scheduler asleep until "the next probe in 10 s" sleeps an hour and 10 s — a gap in
/// the log that no outage explains. This one's deadline is on `CLOCK_MONOTONIC`, which never
/// steps. Used like `NSCondition`: `lock`, test the predicate, `wait`, `unlock`; `broadcast`
/// under the lock.
public final class MonotonicCondition: @unchecked Sendable {
    // @unchecked: the pthread objects are made once, used only through their own calls (which
    // are thread-safe by POSIX) and destroyed in deinit, when no thread can hold them.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
    /// Wakes every waiter; call with the lock held.
    public func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits (the lock held; released while waiting, held again on return) until a ``broadcast()``.
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits (the lock held; it is released while waiting and held again on return) until a
    /// ``broadcast()`` or for at most `microseconds` of the monotonic clock. False when the time
    /// ran out. A wake may come early or spuriously, as with any condition: test the predicate again.
    @discardableResult
    public func wait(microseconds: Int64) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let total = Int64(now.tv_nsec) + max(0, microseconds) % 1_000_000 * 1_000
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + time_t(max(0, microseconds) / 1_000_000) + time_t(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        return pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT
    }
}
