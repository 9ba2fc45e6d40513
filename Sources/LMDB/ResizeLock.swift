#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Keeps map resizes apart from transactions within one process.
///
/// LMDB allows `mdb_env_set_mapsize` only while the process has no transaction
/// active (lmdb.h): it remaps the file, and a transaction still reading the old
/// mapping would read freed memory. Every transaction holds this lock shared for
/// its life; a resize (the writer growing the map, or any thread adopting a size
/// another process set) holds it exclusively. A waiting resize goes first: new
/// transactions wait for it instead of starving it. Transactions must not nest on
/// one thread (a nested one would wait for the resize that waits for the outer).
final class ResizeLock: @unchecked Sendable {
    // @unchecked: every field is read and written only with `mutex` held.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var active = 0
    private var resizesWaiting = 0
    private var resizing = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        changed.deallocate()
    }

    /// Runs `body` as one transaction: never during a resize.
    func transaction<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        while resizing || resizesWaiting > 0 { pthread_cond_wait(changed, mutex) }
        active += 1
        pthread_mutex_unlock(mutex)
        defer {
            pthread_mutex_lock(mutex)
            active -= 1
            if active == 0 { pthread_cond_broadcast(changed) }
            pthread_mutex_unlock(mutex)
        }
        return try body()
    }

    /// Runs `body` with no transaction active in the process.
    func resize<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        resizesWaiting += 1
        while resizing || active > 0 { pthread_cond_wait(changed, mutex) }
        resizesWaiting -= 1
        resizing = true
        pthread_mutex_unlock(mutex)
        defer {
            pthread_mutex_lock(mutex)
            resizing = false
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
        return try body()
    }
}
