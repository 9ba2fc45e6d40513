import ISPMonStore
import Synchronization

/// The one cache of answers (the status every live client and every dashboard asks for, the
/// API's JSON of status and latency), each kept with what it was computed from: the store's
/// last commit (its LMDB transaction id, which every commit of events or views changes, by
/// any process) and whether a monitor holds the store. An answer is a function of those (and
/// of its question, which is in the key), so a kept one is the same a new computation would
/// give; anything committed since, by this process or another, makes it stale.
///
/// A key holds one kind of value (the status as ``StatusAnswer``, a front end's bytes of an
/// answer as whatever it writes them with), so that a front end keeps its own form of an
/// answer beside the typed one, under the same version.
public final class AnswerCache: Sendable {
    public struct Version: Equatable, Sendable {
        public var commit: Int
        public var monitorRunning: Bool
    }

    /// At most this many answers (a latency answer per target and period the pages ask for).
    static let capacity = 64
    let entries = Mutex<[String: (version: Version, value: any Sendable)]>([:])

    /// Whether a monitor holds the store, tested at most once a second: it starts and stops
    /// with an event (a new commit), so only a monitor that died without one (kill -9, a power
    /// cut) is seen by the lock alone, within that second.
    let monitor = Mutex<(running: Bool, tested: ContinuousClock.Instant)?>(nil)
    static let lockTestEvery: Duration = .seconds(1)

    let store: EventStore

    init(store: EventStore) { self.store = store }

    /// The store's version now, when it is known without a system call: its last commit as
    /// the meta page says it (a read of mapped memory: no transaction, no lookup) and the
    /// monitor's lock as tested less than a second ago; nil when the lock is to be tested
    /// again (``version()``, which an event loop leaves to its pool).
    public func knownVersion() -> Version? {
        let now = ContinuousClock.now
        guard let running = monitor.withLock({ m in m.flatMap { now - $0.tested < AnswerCache.lockTestEvery ? $0.running : nil } })
        else { return nil }
        return Version(commit: store.commitCount, monitorRunning: running)
    }

    /// The store's version now, testing the monitor's lock when the last test is a second
    /// old, or with `testingLock` always (`open`, `fcntl`: for a thread that may block).
    public func version(testingLock: Bool = false) -> Version {
        if !testingLock, let known = knownVersion() { return known }
        // The commit first: a commit after it (the monitor's last event) makes the next
        // request's version differ, whatever the lock says now.
        let commit = store.commitCount
        let running = MonitorLock.holder(directory: store.directory) != nil
        monitor.withLock { $0 = (running, ContinuousClock.now) }
        return Version(commit: commit, monitorRunning: running)
    }

    /// The value kept under `key` at `version`, if it is of type `T`.
    public func answer<T: Sendable>(_ key: String, as type: T.Type = T.self, at version: Version) -> T? {
        entries.withLock { e in e[key].flatMap { $0.version == version ? $0.value as? T : nil } }
    }

    /// Keeps `value`, computed at `version` (or later: then the next request computes again).
    public func keep(_ key: String, _ value: any Sendable, at version: Version) {
        entries.withLock { e in
            if e.count >= AnswerCache.capacity, e[key] == nil {
                // Stale ones first; else any: a miss only costs a computation.
                let drop = e.first { $0.value.version != version }?.key ?? e.keys.first
                if let drop { e.removeValue(forKey: drop) }
            }
            e[key] = (version, value)
        }
    }

    /// The value under `key` at `version`, computed by `compute` and kept when there is none.
    public func answer<T: Sendable>(_ key: String, at version: Version, _ compute: () throws -> T) rethrows -> T {
        if let kept = answer(key, as: T.self, at: version) { return kept }
        let value = try compute()
        keep(key, value, at: version)
        return value
    }
}
