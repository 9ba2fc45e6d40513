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
        // LMDB tells readers of a commit only after writing and syncing its meta page,
        // so a reader woken by the writes may still see the old one, and no write tells
        // when the sync ends: for a while after each write, look again soon (1, 2, 4 …
        // at most 20 ms apart; an SD card's sync can take tens of ms).
        var soonUntil: Int64 = 0
        var nap: Int64 = 1_000
        while true {
            drain()
            let last = try store.lastSeq()
            if last > seq { return last }
            let now = Monotonic.microseconds()
            let left = deadline - now
            guard left > 0 else { return nil }
            let soon = now < soonUntil
            let wait = soon ? min(left, nap) : min(left, recheck)
            if fd >= 0 {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, Int32((wait + 999) / 1000)) > 0 {
                    soonUntil = Monotonic.microseconds() + CommitWatcher.settle
                    nap = 1_000
                } else if soon {
                    nap = min(nap * 2, 20_000)
                }
            } else {
                usleep(UInt32(wait))
            }
        }
    }

    /// How long after a write to the data file the watcher keeps looking again soon.
    static let settle: Int64 = 300_000

    func drain() {
        guard fd >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(fd, &buffer, buffer.count) > 0 {}
    }
}
