import Foundation
import ISPMonStore
import Synchronization

/// Tells the live feeds of one store that another process committed: one thread
/// waits on a ``CommitWatcher`` (inotify on `data.mdb`, a short look again after a
/// wake, a look every second regardless), notes how far the log is, and rings an
/// ``AsyncBell`` that any number of tasks wait on without holding a thread; they read
/// the note, not the store (a feed's task runs on the server's event loop). The thread
/// runs only while a feed uses it.
final class LogWatch: Sendable {
    let store: EventStore
    let bell = AsyncBell()
    /// The newest sequence number the thread has seen (0 until its first look).
    let newest = Atomic<UInt64>(0)
    /// Whether the thread's last look failed: the feeds then read the store themselves,
    /// which reports what is wrong with it.
    let failing = Atomic<Bool>(false)

    struct State {
        var users = 0
        var running = false
    }

    let state = Mutex(State())

    init(store: EventStore) { self.store = store }

    /// A feed starts using the watch; it calls ``leave()`` when done.
    func join() {
        let start = state.withLock { s -> Bool in
            s.users += 1
            defer { s.running = true }
            return !s.running
        }
        guard start else { return }
        let thread = Thread { [self] in watchLoop() }
        thread.name = "ispmon log watch"
        thread.start()
    }

    func leave() { state.withLock { $0.users -= 1 } }

    func watchLoop() {
        // The watcher's inotify descriptor belongs to this thread alone.
        let watcher = CommitWatcher(store: store)
        var seen = (try? store.lastSeq()) ?? 0
        newest.store(seen, ordering: .releasing)
        bell.ring()
        while true {
            let done = state.withLock { s -> Bool in
                if s.users > 0 { return false }
                s.running = false
                return true
            }
            if done { return }
            do {
                let grew = try watcher.wait(after: seen, timeout: 1_000_000)
                failing.store(false, ordering: .relaxed)
                if let last = grew {
                    seen = last
                    newest.store(last, ordering: .releasing)
                    bell.ring()
                }
            } catch {
                // The feeds read the store themselves and report what is wrong with it;
                // this thread only keeps from spinning on the same error.
                failing.store(true, ordering: .relaxed)
                usleep(100_000)
                bell.ring()
            }
        }
    }

    enum Wake: Equatable {
        /// The log holds events up to this one.
        case grew(UInt64)
        /// The watcher cannot look: read the store (which says what is wrong).
        case look
    }

    /// The newest sequence number once it is above `seq`; nil after `timeout` or once the
    /// task is cancelled. Never reads the store.
    func wait(after seq: UInt64, timeout: Duration) async -> Wake? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let ticket = bell.ticket
            let last = newest.load(ordering: .acquiring)
            if last > seq { return .grew(last) }
            let now = ContinuousClock.now
            if Task.isCancelled || now >= deadline { return nil }
            await bell.wait(after: ticket, timeout: deadline - now)
            if failing.load(ordering: .relaxed) { return .look }
        }
    }
}
