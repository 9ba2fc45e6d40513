import Foundation
import ISPMonStore
import Synchronization

/// Tells the live feeds of one store that another process committed: one thread
/// waits on a ``CommitWatcher`` (inotify on `data.mdb`, a short look again after a
/// wake, a look every second regardless) and rings an ``AsyncBell`` that any number
/// of tasks wait on without holding a thread. The thread runs only while a feed
/// uses it.
final class LogWatch: Sendable {
    let store: EventStore
    let bell = AsyncBell()

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
        while true {
            let done = state.withLock { s -> Bool in
                if s.users > 0 { return false }
                s.running = false
                return true
            }
            if done { return }
            do {
                if let newest = try watcher.wait(after: seen, timeout: 1_000_000) {
                    seen = newest
                    bell.ring()
                }
            } catch {
                // The feeds read the store themselves and report what is wrong with it;
                // this thread only keeps from spinning on the same error.
                usleep(100_000)
                bell.ring()
            }
        }
    }

    /// The newest sequence number once it is above `seq`; nil after `timeout` or once the task is cancelled.
    func wait(after seq: UInt64, timeout: Duration) async throws -> UInt64? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let ticket = bell.ticket
            let newest = try store.lastSeq()
            if newest > seq { return newest }
            let now = ContinuousClock.now
            if Task.isCancelled || now >= deadline { return nil }
            await bell.wait(after: ticket, timeout: deadline - now)
        }
    }
}
