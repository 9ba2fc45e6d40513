public import ISPMonCore
import LMDB
import Synchronization

extension EventStore {
    /// Appends `events` (at least one) in one durable commit and returns their sequence numbers.
    @discardableResult
    public func append(_ events: [Event]) throws(StoreError) -> ClosedRange<UInt64> {
        try append(events[...])
    }

    /// Appends `events` in one durable commit and returns their sequence numbers.
    @discardableResult
    public func append(_ events: ArraySlice<Event>) throws(StoreError) -> ClosedRange<UInt64> {
        // An empty append has no range to return: callers skip it (import and the writer do).
        precondition(!events.isEmpty, "append needs at least one event")
        do {
            var builder = ChunkBuilder()
            builder.append(contentsOf: events)
            return try commit([PreparedBatch(builder: builder)])
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    /// Appends prepared batches in one durable commit.
    func commit(_ batches: [PreparedBatch]) throws(StoreError) -> ClosedRange<UInt64> {
        do {
            return try writeLock.withLock { _ in
                // The transaction only computes (it may run again after the map grew);
                // the writer's memory changes once the commit is durable.
                let notify = !commits.isEmpty
                let before = notify && writer.viewsValid ? writer.viewMirror.map { ($0.lastSeq, ViewChange.Snapshot($0)) } : nil
                // The transaction updates the writer's projection in place (a copy would cost a
                // copy of every target's current hour per commit): it takes it, and the commit's
                // plan hands it back. A transaction run again, or one that fails, finds none and
                // reads the views back from the store.
                let views = ProjectionHandOver(writer.takeViews())
                let (range, plan) = try env.write { txn in try writer.plan(batches, views: views, store: self, txn: txn) }
                writer.apply(plan)
                if plan.installed { options.afterSeal?() }
                // Commit, then notify: subscribers only ever hear of durable events.
                if notify, let after = plan.views {
                    commits.publish(CommitNotice(range: range, changes: ViewChange.between(
                        before?.0 == range.lowerBound - 1 ? before?.1 : nil, after, internetDown: plan.internetDown)))
                }
                return range
            }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }
}
