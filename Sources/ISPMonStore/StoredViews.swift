public import ISPMonCore
import LMDB

/// The views, stored in the `views` database next to the log they derive from.
///
/// Every commit applies its events to the writer's projection and writes what
/// changed in the same LMDB transaction, with the sequence number the views now
/// reflect: they are never ahead of or behind the log, whatever happens to the
/// process. A view whose definition changed (a newer ispmon) or whose options
/// changed (`down_after`) is rebuilt from the log; a rebuild is written in one
/// transaction, so readers see the old views until the new ones are complete.
extension EventStore {
    public typealias View = ViewRecords.View

    /// Bumped by every rebuild: a writer's in-memory projection of an older generation is stale.
    static let viewsGenerationKey = Array("views-generation".utf8)

    /// Where one stored view stands against the log and this ispmon.
    public struct ViewStatus: Sendable {
        public var view: View
        public var stored: ViewRecords.Meta?
        public var logSeq: UInt64
        /// Why the view must be rebuilt; nil when it is current.
        public var problem: String?
    }

    /// The options the views are computed with: the store's when given, else the stored ones.
    func viewOptions(_ metas: [View: ViewRecords.Meta]) -> Projection.Options {
        options.viewOptions ?? metas[.outages]?.options ?? Projection.Options()
    }

    func problem(_ view: View, _ meta: ViewRecords.Meta?, logSeq: UInt64) -> String? {
        guard let meta else { return "not stored yet" }
        if meta.definitionVersion != view.definitionVersion {
            return "stored by an ispmon with definition \(meta.definitionVersion) of it; this one has \(view.definitionVersion)"
        }
        if view == .outages, let wanted = options.viewOptions, wanted != meta.options {
            return "down_after changed from \(meta.options.downAfter) to \(wanted.downAfter)"
        }
        if meta.seq != logSeq { return "it reflects events up to \(meta.seq), the log has \(logSeq)" }
        return nil
    }

    func metas(_ txn: borrowing Transaction) throws -> [View: ViewRecords.Meta] {
        var result: [View: ViewRecords.Meta] = [:]
        for view in View.allCases {
            let value = try ViewRecords.metaKey(view).withUnsafeBytes { k in
                try txn.get(viewState, key: k).map { v throws(CorruptData) in try ViewRecords.meta(v) }
            }
            result[view] = value
        }
        return result
    }

    func status(_ txn: borrowing Transaction) throws -> [ViewStatus] {
        let logSeq = try lastSeq(txn)
        let m = try metas(txn)
        return View.allCases.map { ViewStatus(view: $0, stored: m[$0], logSeq: logSeq, problem: problem($0, m[$0], logSeq: logSeq)) }
    }

    /// Each view's standing, in one snapshot.
    public func viewStatus() throws(StoreError) -> [ViewStatus] {
        do { return try env.read { txn in try status(txn) } } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    // MARK: Reading

    /// The stored views, with history, read in one snapshot; nil when one of
    /// `which` is not current (the caller replays the log instead). The outages
    /// view is always read: it names the targets. `hoursOf` limits the latency
    /// view to one target.
    /// `hours`: only the latency view's hours that start in this range (µs, both ends
    /// included; nil: all): an answer about the last day of a year-old store decodes a day's
    /// hour records, not the year's.
    public func loadViews(_ which: Set<View>, hoursOf target: String? = nil,
                          hours: ClosedRange<Int64>? = nil) throws(StoreError) -> Projection? {
        do {
            return try env.read { txn -> Projection? in try loadViews(which, hoursOf: target, hours: hours, txn) }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    /// The stored views `which` without the latency view's hours, and from the same
    /// snapshot every target's probe counts summed over all its hours (decoding two
    /// numbers of each hour record, not its histogram: what a metrics scrape needs).
    /// Nil when one of `which`, or the latency view, is not current.
    public func loadViewsCountingProbes(_ which: Set<View>) throws(StoreError)
        -> (views: Projection, probes: [String: ViewRecords.ProbeCount])? {
        do {
            return try env.read { txn -> (views: Projection, probes: [String: ViewRecords.ProbeCount])? in
                guard try status(txn).first(where: { $0.view == .latency })?.problem == nil,
                      let p = try loadViews(which.subtracting([.latency]), hoursOf: nil, txn) else { return nil }
                var counter = ViewRecords.ProbeCounter()
                let prefix = ViewRecords.hourPrefix(nil)
                // An hour being filled again is in both databases, and the hot one is newer:
                // count it once, from there. Both are read in key order, so the few hot
                // keys are matched against the cold ones by a merge, without allocating.
                var hot: [[UInt8]] = []
                try forEachRecord(prefix, in: viewState, txn) { k, v in
                    hot.append(Array(k))
                    try counter.add(key: k, value: v)
                }
                var next = 0
                try forEachRecord(prefix, in: views, txn) { k, v in
                    while next < hot.count, hot[next].lexicographicallyPrecedes(k) { next += 1 }
                    guard next == hot.count || !hot[next].elementsEqual(k) else { return }
                    try counter.add(key: k, value: v)
                }
                return (p, counter.counts)
            }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    func loadViews(_ which: Set<View>, hoursOf target: String?, hours: ClosedRange<Int64>? = nil,
                   _ txn: borrowing Transaction) throws -> Projection? {
        let all = try status(txn)
        let wanted = which.union([.outages])
        guard all.allSatisfy({ !wanted.contains($0.view) || $0.problem == nil }) else { return nil }
        var loader = ViewRecords.Loader()
        var prefixes = View.outages.prefixes.map { [$0] }
        if which.contains(.speedtests) { prefixes += View.speedtests.prefixes.map { [$0] } }
        for prefix in prefixes {
            // Where a key is in both (an hour being filled again), the hot one is newer.
            for db in [views, viewState] {
                try forEachRecord(prefix, in: db, txn) { k, v in try loader.add(key: k, value: v) }
            }
        }
        if which.contains(.latency) {
            let prefix = ViewRecords.hourPrefix(target)
            // One target's hours are in time order under its prefix: start at the range's first.
            let first = target.flatMap { t in hours.map { ViewRecords.hourKey(t, $0.lowerBound) } }
            for db in [views, viewState] {
                try forEachRecord(prefix, from: first, in: db, txn) { k, v in
                    if let hours, let start = ViewRecords.hourStart(k), !hours.contains(start) {
                        // Past the range's end, one target's scan is done; all targets' go on to the next.
                        return target != nil && start > hours.upperBound ? .stop : .next
                    }
                    try loader.add(key: k, value: v)
                    return .next
                }
            }
        }
        var stored: [View: ViewRecords.Meta] = [:]
        for v in all { stored[v.view] = v.stored }
        return loader.projection(options: viewOptions(stored), keepsHistory: true)
    }

    /// Calls `body` with every record of `db` whose key starts with `prefix`, in key order.
    func forEachRecord(_ prefix: [UInt8], in db: Database, _ txn: borrowing Transaction,
                       _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws {
        try forEachRecord(prefix, from: nil, in: db, txn) { k, v in
            try body(k, v)
            return .next
        }
    }

    enum Scan { case next, stop }

    /// The same from the first key at or after `from` (the prefix's first when nil), until
    /// `body` says stop.
    func forEachRecord(_ prefix: [UInt8], from: [UInt8]?, in db: Database, _ txn: borrowing Transaction,
                       _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Scan) throws {
        try txn.withCursor(db) { c in
            var entry = try (from ?? prefix).withUnsafeBytes { try c.seek(atLeast: $0) }
            while let e = entry, e.key.starts(with: prefix) {
                do {
                    if try body(e.key, e.value) == .stop { return }
                } catch let error as CorruptData {
                    throw StoreError(.damaged("view record \(describe(e.key)): \(error)"), path: directory)
                }
                entry = try c.next()
            }
        }
    }

    func describe(_ key: UnsafeRawBufferPointer) -> String {
        key.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
    }

    // MARK: Writing

    /// Puts a projection's changes for `which` views (in the caller's write transaction).
    func write(_ c: ViewChanges, views which: Set<View>, _ txn: borrowing Transaction) throws {
        var noUndo: ViewUndoLog?
        try write(c, views: which, txn, noting: &noUndo)
    }

    /// Puts a projection's changes; while a clock stretch is open (`undo` not nil), first
    /// notes in `undo` what each key held before the stretch wrote it.
    func write(_ c: ViewChanges, views which: Set<View>, _ txn: borrowing Transaction, noting undo: inout ViewUndoLog?) throws {
        for (key, value) in ViewRecords.records(c, views: which) {
            try put(key, value, in: ViewRecords.isHot(key), txn, noting: &undo)
        }
        guard which.contains(.latency) else { return }
        for (target, start, stats, current) in c.hours {
            let key = ViewRecords.hourKey(target, start)
            if current {
                try put(key, ViewRecords.hourValue(stats), in: true, txn, noting: &undo)
            } else {
                try put(key, ViewRecords.hourValue(stats), in: false, txn, noting: &undo)
                try delete(key, in: true, txn, noting: &undo)
            }
        }
    }

    func put(_ key: [UInt8], _ value: [UInt8], in db: Database, _ txn: borrowing Transaction) throws {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { try txn.put(db, key: k, value: $0) } }
    }

    /// The view database a record goes in: the small one for the records nearly every commit rewrites.
    func viewDatabase(hot: Bool) -> Database { hot ? viewState : views }

    func put(_ key: [UInt8], _ value: [UInt8], in hot: Bool, _ txn: borrowing Transaction, noting undo: inout ViewUndoLog?) throws {
        try notePrior(key, hot: hot, txn, in: &undo)
        try put(key, value, in: viewDatabase(hot: hot), txn)
    }

    func delete(_ key: [UInt8], in hot: Bool, _ txn: borrowing Transaction, noting undo: inout ViewUndoLog?) throws {
        try notePrior(key, hot: hot, txn, in: &undo)
        _ = try key.withUnsafeBytes { try txn.delete(viewDatabase(hot: hot), key: $0) }
    }

    func notePrior(_ key: [UInt8], hot: Bool, _ txn: borrowing Transaction, in undo: inout ViewUndoLog?) throws {
        guard undo != nil else { return }
        try undo?.noteFirstWrite(ViewUndoLog.Key(hot: hot, key: key)) {
            try key.withUnsafeBytes { k in try txn.get(viewDatabase(hot: hot), key: k).map { .value(Array($0)) } ?? .absent }
        }
    }

    /// Puts back what the store held before a retimed clock stretch wrote its provisional records.
    func restore(_ undo: ViewUndoLog, _ txn: borrowing Transaction) throws {
        for (k, prior) in undo.priors {
            switch prior {
            case .value(let v): try put(k.key, v, in: viewDatabase(hot: k.hot), txn)
            case .absent: _ = try k.key.withUnsafeBytes { try txn.delete(viewDatabase(hot: k.hot), key: $0) }
            }
        }
    }

    /// The stored hour as it was before the open clock stretch (`undo` holds what it overwrote).
    func storedHour(_ target: String, _ start: Int64, before undo: ViewUndoLog, _ txn: borrowing Transaction) throws -> HourStats? {
        let key = ViewRecords.hourKey(target, start)
        func value(hot: Bool) throws -> [UInt8]? {
            switch undo.prior(ViewUndoLog.Key(hot: hot, key: key)) {
            case .value(let v)?: return v
            case .absent?: return nil
            case nil: return try key.withUnsafeBytes { k in try txn.get(viewDatabase(hot: hot), key: k).map { Array($0) } }
            }
        }
        guard let v = try value(hot: true) ?? value(hot: false) else { return nil }
        return try v.withUnsafeBytes { b in try ViewRecords.hour(b) }
    }

    /// The stored hour of `target` starting at `start`.
    func storedHour(_ target: String, _ start: Int64, _ txn: borrowing Transaction) throws -> HourStats? {
        try ViewRecords.hourKey(target, start).withUnsafeBytes { k in
            try (txn.get(viewState, key: k) ?? txn.get(views, key: k)).map { v throws(CorruptData) in try ViewRecords.hour(v) }
        }
    }

    func putMetas(_ which: Set<View>, seq: UInt64, options: Projection.Options, _ txn: borrowing Transaction) throws {
        for view in which {
            let value = ViewRecords.metaValue(ViewRecords.Meta(definitionVersion: view.definitionVersion, seq: seq, options: options))
            try put(ViewRecords.metaKey(view), value, in: viewState, txn)
        }
    }

    /// Deletes every record of `which` views, their `M` records included.
    func clear(_ which: Set<View>, _ txn: borrowing Transaction) throws {
        for view in which {
            _ = try ViewRecords.metaKey(view).withUnsafeBytes { try txn.delete(viewState, key: $0) }
            for prefix in view.prefixes {
                for db in [views, viewState] {
                    try txn.withCursor(db) { c in
                        var entry = try [prefix].withUnsafeBytes { try c.seek(atLeast: $0) }
                        while let e = entry, e.key.first == prefix {
                            try c.delete()
                            entry = try [prefix].withUnsafeBytes { try c.seek(atLeast: $0) }
                        }
                    }
                }
            }
        }
    }

    func generation(_ txn: borrowing Transaction) throws -> UInt64 {
        try EventStore.viewsGenerationKey.withUnsafeBytes { k in
            try txn.get(meta, key: k).map { $0.count == 8 ? $0.loadUnaligned(as: UInt64.self).bigEndian : 0 } ?? 0
        }
    }

    func bumpGeneration(_ txn: borrowing Transaction) throws {
        var next = (try generation(txn) &+ 1).bigEndian
        try EventStore.viewsGenerationKey.withUnsafeBytes { k in
            try withUnsafeBytes(of: &next) { try txn.put(meta, key: k, value: $0) }
        }
    }

    /// Brings every view that is not current up to `logSeq` by replaying the log in
    /// this transaction (a store written before views were stored, a changed
    /// definition that no rebuild has handled yet).
    func repairViews(_ txn: borrowing Transaction, logSeq: UInt64) throws {
        let m = try metas(txn)
        let stale = Set(View.allCases.filter { problem($0, m[$0], logSeq: logSeq) != nil })
        guard !stale.isEmpty else { return }
        var projection = Projection(options: viewOptions(m))
        try replace(stale, with: &projection, from: 1, through: logSeq, txn)
    }

    /// Applies the events `from`…`logSeq` to `projection` (reading them in this
    /// transaction), then replaces the records of `which` views with its views.
    func replace(_ which: Set<View>, with projection: inout Projection, from: UInt64, through logSeq: UInt64,
                 _ txn: borrowing Transaction) throws {
        if logSeq >= from {
            try forEachChunk(from: from, txn) { chunk, first in
                projection.apply(chunk, from: first, through: logSeq)
                return chunk.lastSeq < logSeq
            }
        }
        try clear(which, txn)
        try write(projection.takeChanges(), views: which, txn)
        try putMetas(which, seq: logSeq, options: projection.options, txn)
        try bumpGeneration(txn)
    }

    /// The writer's projection (without history) as stored at `logSeq`, after any repair.
    func loadWriterViews(_ txn: borrowing Transaction, logSeq: UInt64) throws -> Projection {
        try repairViews(txn, logSeq: logSeq)
        var loader = ViewRecords.Loader()
        for prefix in View.outages.prefixes {
            for db in [views, viewState] {
                try forEachRecord([prefix], in: db, txn) { k, v in try loader.add(key: k, value: v) }
            }
        }
        return loader.projection(options: viewOptions(try metas(txn)), keepsHistory: false)
    }
}

extension EventStore.Writer {
    /// Applies a commit's batches (sequence numbers from `first`) to the writer's
    /// projection `mirror` (or the views read back from the store when it is nil or
    /// stale) and writes what changed, in the commit's transaction;
    /// returns the projection, the views generation it belongs to, and the internet
    /// layer's down intervals that changed (for the commit notice).
    func updateViews(_ batches: [PreparedBatch], first: UInt64, mirror: ProjectionHandOver,
                     store: EventStore, txn: borrowing Transaction) throws -> (Projection, UInt64, [(position: Int, interval: Interval)]) {
        let generation = try store.generation(txn)
        var projection: Projection
        if let taken = mirror.take(), taken.projection.lastSeq == first - 1, generation == taken.generation {
            projection = taken.projection  // `taken` ends here: the projection is changed in place
        } else {
            projection = try store.loadWriterViews(txn, logSeq: first - 1)
        }
        var loadedGeneration = try store.generation(txn)
        var next = first
        for batch in batches where batch.count > 0 {
            try projection.apply(batch.builder, firstSeq: next, hours: batch.hours, storedHour: { target, start in
                try store.storedHour(target, start, txn)
            }, storedHourBeforeStretch: { target, start, undo in
                try store.storedHour(target, start, before: undo, txn)
            })
            next += UInt64(batch.count)
        }
        var changes = projection.takeChanges()
        if changes.needsRebuild {
            // A stretch this process found open in the store was retimed: its provisional
            // records cannot be told apart here, so the views are replayed from the log
            // (this commit's events are in the tail already). Rare: another process
            // appended while the stretch was open.
            var replayed = Projection(options: projection.options)
            try store.replace(Set(EventStore.View.allCases), with: &replayed, from: 1, through: next - 1, txn)
            projection = try store.loadWriterViews(txn, logSeq: next - 1)
            loadedGeneration = try store.generation(txn)
            changes = ViewChanges()
        } else {
            if let restore = changes.restore { try store.restore(restore, txn) }
            var undo = projection.stretchUndo
            try store.write(changes, views: Set(EventStore.View.allCases), txn, noting: &undo)
            projection.stretchUndo = undo
        }
        try store.putMetas(Set(EventStore.View.allCases), seq: next - 1, options: projection.options, txn)
        let internetDown = changes.intervals.compactMap { c in
            c.track == .layerDown(.internet) ? (position: c.position, interval: c.interval) : nil
        }
        return (projection, loadedGeneration, internetDown)
    }
}

/// Hands the writer's projection to one run of a write transaction: the first run
/// takes it (and owns the only reference, so it is changed in place); a run after
/// the map grew finds none and reads the views back from the store.
final class ProjectionHandOver: @unchecked Sendable {
    // @unchecked: used only on the writer's thread, under the store's writeLock.
    private var value: (projection: Projection, generation: UInt64)?

    init(_ value: (projection: Projection, generation: UInt64)?) { self.value = value }

    func take() -> (projection: Projection, generation: UInt64)? {
        defer { value = nil }
        return value
    }
}
