import ISPMonQuery
import ISPMonStore
import Synchronization

/// The last answers of the routes asked most often (a dashboard's status every few seconds,
/// its latency chart), each kept with what it was computed from: the store's newest sequence
/// number and whether a monitor holds the store. The answer is a function of those (and of
/// the route's own parameters, which are in the key), so a kept one is the same bytes a new
/// computation would give, and a request answered from here does not wait for the store's
/// threads. Anything committed since, by this process or another, makes it stale.
final class AnswerCache: Sendable {
    struct Version: Equatable, Sendable {
        var lastSeq: UInt64
        var monitorRunning: Bool
    }

    /// At most this many answers (a latency answer per target and period the pages ask for).
    static let capacity = 64
    let entries = Mutex<[String: (version: Version, bytes: [UInt8])]>([:])

    /// The store's version now: one lookup of its newest record and one lock test, cheap
    /// enough for the event loop (no scan, no decoding; the pages it reads are the hottest).
    static func version(_ queries: Queries) throws -> Version {
        Version(lastSeq: try queries.store.lastSeq(), monitorRunning: queries.monitorRunning)
    }

    func answer(_ key: String, at version: Version) -> [UInt8]? {
        entries.withLock { e in e[key].flatMap { $0.version == version ? $0.bytes : nil } }
    }

    /// Keeps `bytes`, computed at `version` (or later: then the next request computes again).
    func keep(_ key: String, _ bytes: [UInt8], at version: Version) {
        entries.withLock { e in
            if e.count >= AnswerCache.capacity, e[key] == nil {
                // Stale ones first; else any: a miss only costs a computation.
                let drop = e.first { $0.value.version != version }?.key ?? e.keys.first
                if let drop { e.removeValue(forKey: drop) }
            }
            e[key] = (version, bytes)
        }
    }
}
