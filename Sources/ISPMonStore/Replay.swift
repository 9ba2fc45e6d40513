public import ISPMonCore
import LMDB
import Synchronization

extension EventStore {
    /// The views computed from the log alone, in memory ("scratch space"): of every
    /// event through sequence number `last` whose time is at or before `asOf`, in
    /// log order. Never touches anything in the store. `progress` gets the number
    /// of events read so far.
    public func project(asOf: Timestamp? = nil, through last: UInt64 = .max, options: Projection.Options? = nil,
                        progress: ((UInt64) -> Void)? = nil) throws -> Projection {
        try replayLog(asOf: asOf, through: last, options: options ?? storedViewOptions(), indexing: false, progress: progress).projection
    }

    /// One pass over the log for ``project(asOf:through:options:progress:)`` that also makes
    /// the event index of the events read when `indexing` (on the thread that decodes them,
    /// which has time to spare: applying is most of a replay's work).
    func replayLog(asOf: Timestamp?, through last: UInt64, options: Projection.Options, indexing: Bool,
                   progress: ((UInt64) -> Void)?) throws -> (projection: Projection, index: EventIndexPieces) {
        var projection = Projection(options: options)
        var index = EventIndexPieces()
        let limit = asOf?.microseconds ?? .max
        var read: UInt64 = 0
        try forEachChunkPrefetched(indexingThrough: indexing ? last : nil) { chunk, first, pieces in
            projection.apply(chunk, from: first, limit: limit, through: last)
            if let pieces { index.add(pieces) }
            read += UInt64(chunk.count - first)
            progress?(read)
            return chunk.lastSeq < last
        }
        return (projection, index)
    }

    /// The options the stored views were computed with (what a replay must use to match them).
    public func storedViewOptions() throws(StoreError) -> Projection.Options {
        do { return try env.read { txn in viewOptions(try metas(txn)) } } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    public struct RebuildReport: Sendable {
        public var views: [View]
        public var events: UInt64
        public var seconds: Double
    }

    /// Rebuilds `which` views from the log, and the event index with them when `index`
    /// (``EventIndex``): one pass over the log makes both. The log is replayed in memory
    /// with no lock held; then one write transaction applies what was appended meanwhile,
    /// replaces the views' records (and the index) and bumps the views generation. Until
    /// that commit, readers (and the writer) go on with the old views. The report's
    /// seconds cover all of it.
    @discardableResult
    public func rebuildViews(_ which: Set<View> = Set(View.allCases), index: Bool = false,
                             progress: ((UInt64) -> Void)? = nil) throws(StoreError) -> RebuildReport {
        let clock = ContinuousClock.now
        do {
            let options = try env.read { txn in viewOptions(try metas(txn)) }
            let snapshot = try lastSeq()
            let (projection, pieces) = try replayLog(asOf: nil, through: snapshot, options: options, indexing: index,
                                                     progress: progress)
            var total = snapshot
            try writeLock.withLock { _ in
                try env.write { txn in
                    var caughtUp = projection  // a copy: a retried transaction starts over from it
                    let logSeq = try lastSeq(txn)
                    try replace(which, with: &caughtUp, from: snapshot + 1, through: logSeq, txn)
                    if index { try replaceIndex(with: pieces, through: snapshot, logSeq: logSeq, txn) }
                    total = logSeq
                }
                writer.viewsValid = false
            }
            let d = ContinuousClock.now - clock
            return RebuildReport(views: View.allCases.filter(which.contains), events: total,
                                 seconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }
}
