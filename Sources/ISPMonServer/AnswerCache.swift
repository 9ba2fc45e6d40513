import ISPMonQuery
import ISPMonStore
import NIOCore
import Synchronization

/// The last answers of the routes asked most often (a dashboard's status every few seconds,
/// its latency chart), each kept with what it was computed from: the store's last commit (its
/// LMDB transaction id, which every commit of events or views changes, by any process) and
/// whether a monitor holds the store. The answer is a function of those (and of
/// the route's own parameters, which are in the key), so a kept one is the same bytes a new
/// computation would give, and a request answered from here does not wait for the store's
/// threads. Anything committed since, by this process or another, makes it stale.
final class AnswerCache: Sendable {
    struct Version: Equatable, Sendable {
        var commit: Int
        var monitorRunning: Bool
    }

    /// At most this many answers (a latency answer per target and period the pages ask for).
    static let capacity = 64
    /// Each answer as the body it is sent as (its line break included): a ByteBuffer is shared,
    /// not copied, by every response that sends it (a latency answer is 45 kB).
    let entries = Mutex<[String: (version: Version, body: ByteBuffer)]>([:])

    /// Whether a monitor holds the store, tested at most once a second: it starts and stops
    /// with an event (a new sequence number), so only a monitor that died without one (kill -9,
    /// a power cut) is seen by the lock alone, within that second.
    let monitor = Mutex<(running: Bool, tested: ContinuousClock.Instant)?>(nil)
    static let lockTestEvery: Duration = .seconds(1)

    /// The store's version now: its last commit as the meta page says it (no transaction, no
    /// lookup), cheap enough for the event loop.
    func version(_ queries: Queries) throws -> Version {
        let commit = queries.store.commitCount
        let now = ContinuousClock.now
        let known = monitor.withLock { m in m.flatMap { now - $0.tested < AnswerCache.lockTestEvery ? $0.running : nil } }
        let running = known ?? queries.monitorRunning
        if known == nil { monitor.withLock { $0 = (running, now) } }
        return Version(commit: commit, monitorRunning: running)
    }

    func answer(_ key: String, at version: Version) -> ByteBuffer? {
        entries.withLock { e in e[key].flatMap { $0.version == version ? $0.body : nil } }
    }

    /// Keeps `body`, computed at `version` (or later: then the next request computes again).
    func keep(_ key: String, _ body: ByteBuffer, at version: Version) {
        entries.withLock { e in
            if e.count >= AnswerCache.capacity, e[key] == nil {
                // Stale ones first; else any: a miss only costs a computation.
                let drop = e.first { $0.value.version != version }?.key ?? e.keys.first
                if let drop { e.removeValue(forKey: drop) }
            }
            e[key] = (version, body)
        }
    }
}
