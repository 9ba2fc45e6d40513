#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore

/// Waits for commits of another process (`ispmon serve` beside a monitor,
/// `ispmon events --follow`) without a busy loop: inotify tells when the store's
/// data file is written, and only then is the log's newest sequence number read.
/// A periodic look (every `recheck` µs) covers what inotify cannot see (a store
/// on a network file system).
public final class CommitWatcher {
    let store: EventStore
    let fd: Int32
    let recheck: Int64

    public init(store: EventStore, recheck: Int64 = 1_000_000) {
        self.store = store
        self.recheck = recheck
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd >= 0 {
            // LMDB writes pages with pwrite (no WRITEMAP): every commit modifies data.mdb.
            _ = inotify_add_watch(fd, store.directory + "/data.mdb", UInt32(IN_MODIFY))
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Returns the newest sequence number once it is above `seq`, or nil after `timeout` µs.
    public func wait(after seq: UInt64, timeout: Int64) throws(StoreError) -> UInt64? {
        let deadline = Monotonic.microseconds() + timeout
        var woken = false
        while true {
            drain()
            let last = try store.lastSeq()
            if last > seq { return last }
            let left = deadline - Monotonic.microseconds()
            guard left > 0 else { return nil }
            // LMDB publishes a commit to readers just after writing its meta page, so a
            // reader woken by that write may still see the old one: look again soon.
            let nap = woken ? min(left, 5_000) : min(left, recheck)
            if fd >= 0 {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                woken = poll(&p, 1, Int32(nap / 1000) + 1) > 0
            } else {
                usleep(UInt32(nap))
            }
        }
    }

    func drain() {
        guard fd >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(fd, &buffer, buffer.count) > 0 {}
    }
}
