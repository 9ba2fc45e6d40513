#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore

/// Wakes threads that wait for something to happen: each ring bumps a counter,
/// and a waiter sleeps until the counter passes the ticket it took before it
/// looked (so a ring between looking and sleeping is never missed).
final class Bell: @unchecked Sendable {
    // @unchecked: `rings` is read and written only with `mutex` held.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var rings: UInt64 = 0

    init() {
        pthread_mutex_init(mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        cond.deallocate()
    }

    var ticket: UInt64 {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return rings
    }

    func ring() {
        pthread_mutex_lock(mutex)
        rings &+= 1
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps until a ring after `ticket`, or `timeout` µs.
    func wait(after ticket: UInt64, timeout: Int64) {
        let deadline = Monotonic.microseconds() + max(0, timeout)
        var ts = timespec(tv_sec: Int(deadline / 1_000_000), tv_nsec: Int(deadline % 1_000_000) * 1000)
        pthread_mutex_lock(mutex)
        while rings == ticket {
            if pthread_cond_timedwait(cond, mutex, &ts) == ETIMEDOUT { break }
        }
        pthread_mutex_unlock(mutex)
    }
}
