#if ISPMON_TSAN
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `Mutex` is in a ThreadSanitizer build (tools/tsan): the same interface on a
/// pthread mutex. The standard library's `Mutex` waits for a contended lock inside the
/// kernel (`FUTEX_LOCK_PI`), where ThreadSanitizer cannot see it, so it reports every
/// contended access to a `Mutex`'s value as a race; it does see pthread mutexes. Each
/// module that uses `Mutex` aliases the name to this one in such builds
/// (ThreadSanitizerLocks.swift); other builds never compile it.
public final class InstrumentedMutex<Value>: @unchecked Sendable {
    // @unchecked: `value` is read and written only inside withLock, with `mutex` held.
    private var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init(_ initialValue: consuming sending Value) {
        value = initialValue
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
#endif
