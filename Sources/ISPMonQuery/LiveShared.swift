import ISPMonStore
import Synchronization

/// What the live feeds of one ``Queries`` share, so that 64 clients cost about what one
/// does: one watcher of another process's commits (see ``LogWatch``), and the events of
/// the log's last few blocks as messages (decoded and in JSON once, not once per client:
/// clients catching up on a burst of commits read the same blocks). The status they give
/// is the one ``Queries/status(asOf:)`` keeps until the next commit, so every client woken
/// by a commit gets the one computed for the first.
final class LiveShared: Sendable {
    let watch: LogWatch
    /// Blocks of ``LiveFeed/batch`` events, by number: block k holds the events
    /// k·batch + 1 … (k + 1)·batch, and is kept only once the log holds all of them.
    let blocks = Mutex<[UInt64: [LiveMessage]]>([:])
    /// At most this many blocks (about 150 kB each).
    static let blockCapacity = 8

    init(store: EventStore) { watch = LogWatch(store: store) }

    /// Block `k`'s messages, read by `read` when it is not kept.
    func block(_ k: UInt64, _ read: () throws -> [LiveMessage]) rethrows -> [LiveMessage] {
        if let kept = blocks.withLock({ $0[k] }) { return kept }
        let messages = try read()
        blocks.withLock { b in
            if b.count >= LiveShared.blockCapacity, let oldest = b.keys.min() { b.removeValue(forKey: oldest) }
            b[k] = messages
        }
        return messages
    }
}
