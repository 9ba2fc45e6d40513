/// What opening a store for use brings up to date, before anything is asked of it: the views
/// this ispmon defines differently (or an older one never stored) are rebuilt from the log, and
/// the event index catches up with the log (a store from before it: once). Every command and
/// server that opens a store does this, and says what it does through `tell`.
extension EventStore {
    /// What happens, for the front end to say (the CLI on stderr, with a progress bar).
    public enum Upkeep: Sendable {
        /// A view is rebuilt from the log, and why.
        case rebuilding(View, reason: String)
        /// `done` of `total` events read.
        case rebuildProgress(done: UInt64, total: UInt64)
        case rebuilt(RebuildReport)
        /// The index lacks this many events; it is told before a long catch-up (a million or more).
        case indexing(events: UInt64)
        case indexProgress(done: UInt64, total: UInt64)
        case indexed
        /// The index could not be built (a store this process may only read): answers never
        /// depend on it, only their speed, so the store is used as it is.
        case indexUnavailable(StoreError)
    }

    /// A catch-up of the index this long is told of first.
    static let loudIndexing: UInt64 = 1_000_000

    public func bringUpToDate(_ tell: (Upkeep) -> Void = { _ in }) throws(StoreError) {
        let stale = try viewStatus().filter { $0.problem != nil && $0.logSeq > 0 }
        if let first = stale.first {
            for s in stale { tell(.rebuilding(s.view, reason: s.problem ?? "")) }
            // The progress closure is optional, hence escaping; it is not kept past the rebuild.
            let report = try withoutActuallyEscaping(tell) { tell throws(StoreError) in
                try rebuildViews(Set(stale.map(\.view))) { tell(.rebuildProgress(done: $0, total: first.logSeq)) }
            }
            tell(.rebuilt(report))
        }
        let indexed: UInt64
        do { indexed = try indexedSeq() } catch { throw StoreError.wrap(error, path: directory) }
        let last = try lastSeq()
        guard indexed < last else { return }
        let loud = last - indexed >= EventStore.loudIndexing
        if loud { tell(.indexing(events: last - indexed)) }
        do {
            _ = try catchUpIndex { if loud { tell(.indexProgress(done: $0, total: last)) } }
        } catch {
            tell(.indexUnavailable(StoreError.wrap(error, path: directory)))
            return
        }
        if loud { tell(.indexed) }
    }
}
