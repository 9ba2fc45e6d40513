public import ISPMonCore

/// Follows the log from a sequence number: hands out every event committed after it, in order,
/// in batches, and waits for more without a busy loop (``CommitWatcher``: it sees the commits of
/// this process and of any other alike). `ispmon events --follow` reads with it; a notifier or
/// a shipper starts one at its durable cursor (StoreCursors.swift) and moves the cursor as it
/// deals with each batch.
///
/// With `viewChanges`, it also says what each batch changed in the views (a target or layer that
/// changed state, a connectivity or DNS outage that opened or closed), from a projection of its own: the same
/// answer for commits of any process, however they were batched. Starting one replays the log up
/// to its start (about a second per ten million events).
///
/// Not thread-safe: one reader owns it.
public final class LogFollower {
    public let store: EventStore
    /// The last sequence number handed out.
    public private(set) var position: UInt64
    let watcher: CommitWatcher
    var projection: Projection?

    /// Events committed after `after` and, with `viewChanges`, what they change in the views.
    public struct Batch: Sendable {
        /// The first event's sequence number; the others follow without a gap.
        public var firstSeq: UInt64
        public var events: [Event]
        public var changes: [ViewChange]
        public var lastSeq: UInt64 { firstSeq + UInt64(events.count) - 1 }
    }

    public init(store: EventStore, after: UInt64, viewChanges: Bool = false) throws {
        self.store = store
        position = after
        watcher = CommitWatcher(store: store)
        guard viewChanges else { return }
        // Without history: only what changes is kept, and handed out once.
        var p = Projection(options: try store.storedViewOptions(), keepsHistory: false)
        if after > 0 {
            try store.forEachChunkPrefetched { chunk, first, _ in
                p.apply(chunk, from: first, through: after)
                return chunk.lastSeq < after
            }
        }
        _ = p.takeChanges()
        projection = p
    }

    /// The events after ``position``, at most `limit` of them; waits up to `timeout` µs for one to
    /// be committed, and returns nil if none was.
    public func next(limit: Int = 4096, timeout: Int64) throws -> Batch? {
        if try store.lastSeq() <= position {
            guard try watcher.wait(after: position, timeout: timeout) != nil else { return nil }
        }
        var events: [Event] = []
        let first = position + 1
        try store.forEach(from: first) { seq, event in
            events.append(event)
            return events.count < max(1, limit)
        }
        guard !events.isEmpty else { return nil }
        var changes: [ViewChange] = []
        if var p = projection {
            projection = nil  // changed in place
            let before = ViewChange.Snapshot(p)
            for (i, e) in events.enumerated() { p.apply(e, seq: first + UInt64(i)) }
            let intervals = p.takeChanges().intervals
            func down(_ layer: Projection.Layer) -> [(position: Int, interval: Interval)] {
                intervals.compactMap { c in c.track == .layerDown(layer) ? (position: c.position, interval: c.interval) : nil }
            }
            changes = ViewChange.between(before, p, internetDown: down(.internet), dnsDown: down(.dns))
            projection = p
        }
        position += UInt64(events.count)
        return Batch(firstSeq: first, events: events, changes: changes)
    }
}
