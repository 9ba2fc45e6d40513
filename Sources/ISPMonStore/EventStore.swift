#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
public import ISPMonCore
import LMDB
import Synchronization

/// The append-only event log on LMDB.
///
/// Events get sequence numbers 1, 2, 3 … with no gaps. Each commit writes the
/// new events as one *segment* (a small chunk) to the `tail` database, so a
/// single event is durable as soon as its commit returns. When the tail holds
/// ``Options/sealThreshold`` events, a background thread re-encodes them as one
/// large *sealed* chunk (where columns compress best), and the next commit puts
/// it in `chunks` and deletes the segments it replaces. Both databases are keyed
/// by the big-endian sequence number of their first event, so appends use
/// `MDB_APPEND` and a lookup by sequence is one B-tree search.
///
/// One store per directory per process. Any number of processes may read while
/// one writes; LMDB serializes writers across processes.
public final class EventStore: @unchecked Sendable {
    // @unchecked: LMDB handles are thread-safe for reads; writes go through
    // `writer`, which is locked, and never span an await.

    /// Version of the store layout, kept in `meta`. A newer one is refused.
    public static let formatVersion: UInt32 = 1

    public struct Options: Sendable {
        /// Events in the tail before it is sealed into one compressed chunk.
        public var sealThreshold = 65_536
        /// zstd level of sealed chunks and of per-commit segments.
        public var sealLevel: Int32 = 3
        public var segmentLevel: Int32 = 1
        /// Create the store when it does not exist.
        public var create = true
        /// Initial LMDB map size; it grows by itself.
        public var initialMapSize = 64 << 20
        /// What the views are computed with (the monitor's config). Nil keeps what the
        /// store has (queries must not change the views); a difference rebuilds them.
        public var viewOptions: Projection.Options?
        /// Run on the writing thread each time a sealed chunk has been installed and the
        /// memory of the tail it replaces released (every `sealThreshold` events): where a
        /// long-running process may hand freed memory back to the system (`ispmon run` calls
        /// `malloc_trim`). The store sets no allocator policy of its own: that is the process's.
        public var afterSeal: (@Sendable () -> Void)?
        public init() {}
    }

    public let directory: String
    public let options: Options
    let env: Environment
    let meta: Database
    let chunks: Database
    let tail: Database
    /// The stored views (see ``ViewRecords``), kept in step with the log: `views`
    /// holds what rarely changes, `viewState` what nearly every commit rewrites
    /// (states, each target's current hour, the views' sequence numbers).
    let views: Database
    let viewState: Database
    /// The event index (EventIndex.swift).
    let index: Database
    /// Named cursors and their owners' progress records (StoreCursors.swift).
    let cursors: Database
    let progress: Database
    let writer: Writer
    /// Every commit of this process, as it becomes durable (see ``CommitFeed``).
    public let commits = CommitFeed()
    /// Serializes this process's writers (LMDB serializes processes).
    let writeLock = Mutex<Void>(())

    /// Process-wide: LMDB allows one environment per path per process.
    static let openPaths = Mutex<Set<String>>([])

    public init(directory: String, options: Options = Options()) throws(StoreError) {
        let path = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.directory = path
        self.options = options
        var st = stat()
        if stat(path, &st) != 0 {
            guard options.create else { throw StoreError(.missing, path: path) }
            guard makeDirectories(path) else {
                throw StoreError(.lmdb(LMDBError(code: errno, context: "creating directory \(path)")), path: path)
            }
        } else if !options.create, stat(path + "/data.mdb", &st) != 0 {
            throw StoreError(.missing, path: path)
        }
        let real = realpath(path, nil).map { p in defer { free(p) }; return String(cString: p) } ?? path
        let inserted = EventStore.openPaths.withLock { $0.insert(real).inserted }
        guard inserted else { throw StoreError(.alreadyOpen, path: path) }
        realPath = real
        do {
            var envOptions = Environment.Options()
            envOptions.mapSize = options.initialMapSize
            // Eight named databases now (meta, chunks, tail, views, viewstate, index, cursors,
            // progress), room for those to come.
            envOptions.maxDatabases = 16
            env = try Environment(path: path, options: envOptions)
            // A reader never takes LMDB's write lock: it could delay a running monitor.
            meta = try env.openDatabase("meta", create: options.create)
            chunks = try env.openDatabase("chunks", create: options.create)
            tail = try env.openDatabase("tail", create: options.create)
            writer = Writer(options: options)
            try EventStore.checkFormat(env: env, meta: meta, directory: path, create: options.create)
            // A store from before views were stored gets the (empty) database once.
            views = try (try? env.openDatabase("views", create: false)) ?? env.openDatabase("views", create: true)
            viewState = try (try? env.openDatabase("viewstate", create: false)) ?? env.openDatabase("viewstate", create: true)
            index = try (try? env.openDatabase("index", create: false)) ?? env.openDatabase("index", create: true)
            cursors = try (try? env.openDatabase("cursors", create: false)) ?? env.openDatabase("cursors", create: true)
            progress = try (try? env.openDatabase("progress", create: false)) ?? env.openDatabase("progress", create: true)
            do { try EventStore.ensureIdentity(env: env, meta: meta) } catch where !options.create {
                // A store this process may only read (a read-only copy) gets its id from the next writer.
            }
        } catch {
            _ = EventStore.openPaths.withLock { $0.remove(real) }
            throw StoreError.wrap(error, path: path)
        }
    }

    let realPath: String

    deinit { _ = EventStore.openPaths.withLock { $0.remove(realPath) } }

    static let formatKey = Array("format".utf8)

    static func checkFormat(env: Environment, meta: Database, directory: String, create: Bool) throws {
        let stored: UInt32? = try env.read { txn in
            try EventStore.formatKey.withUnsafeBytes { k in
                try txn.get(meta, key: k).map { v in
                    guard v.count == 4 else { throw StoreError(.damaged("bad format record"), path: directory) }
                    return v.loadUnaligned(as: UInt32.self).bigEndian
                }
            }
        }
        if let stored {
            guard stored <= EventStore.formatVersion else {
                throw StoreError(.newerFormat(found: stored, supported: EventStore.formatVersion), path: directory)
            }
        } else if !create {
            throw StoreError(.damaged("it has no format record (is it an ispmon store?)"), path: directory)
        } else {
            try env.write { txn in
                var v = EventStore.formatVersion.bigEndian
                try EventStore.formatKey.withUnsafeBytes { k in
                    try withUnsafeBytes(of: &v) { try txn.put(meta, key: k, value: $0) }
                }
            }
        }
    }

    // MARK: Reading

    /// The sequence number of the newest event (0 when the log is empty). Cheap: two B-tree lookups.
    /// What changes with every commit to the store (events or views, by any process): no
    /// transaction, no lookup. For caches of answers (the web server's).
    public var commitCount: Int { env.lastCommittedTransaction }

    public func lastSeq() throws(StoreError) -> UInt64 {
        do {
            return try env.read { txn in try lastSeq(txn) }
        } catch { throw StoreError.wrap(error, path: directory) }
    }

    func lastSeq(_ txn: borrowing Transaction) throws -> UInt64 {
        for db in [tail, chunks] {
            let last: UInt64? = try txn.withCursor(db) { c in
                guard let entry = try c.last() else { return nil }
                let h = try header(entry, db: db)
                return h.lastSeq
            }
            if let last { return last }
        }
        return 0
    }

    /// The first sequence number held in the tail (nil when it is empty).
    func tailFirstSeq(_ txn: borrowing Transaction) throws -> UInt64? {
        try txn.withCursor(tail) { c in try c.first().map { decodeKey($0.key) } }
    }

    func header(_ entry: Cursor.Entry, db: Database, verify: Bool = false) throws -> ChunkHeader {
        do {
            let h = try ChunkHeader.read(entry.value, verifyChecksum: verify)
            guard h.firstSeq == decodeKey(entry.key) else {
                throw CorruptData("record under key \(decodeKey(entry.key)) starts at \(h.firstSeq)")
            }
            return h
        } catch {
            throw StoreError(.damaged("\(db == tail ? "tail segment" : "chunk") at seq \(decodeKey(entry.key)): \(error)"), path: directory)
        }
    }

    /// Copies the stored record (chunk or segment) holding `seq`, or nil past the end.
    func record(containing seq: UInt64) throws -> [UInt8]? {
        try env.read { txn in try record(containing: seq, txn) }
    }

    func record(containing seq: UInt64, _ txn: borrowing Transaction) throws -> [UInt8]? {
        for db in [chunks, tail] {
            let found: [UInt8]? = try txn.withCursor(db) { c in
                var entry = try withKey(seq) { try c.seek(atLeast: $0) }
                if entry == nil || decodeKey(entry!.key) != seq {
                    entry = entry == nil ? try c.last() : try c.previous()
                }
                guard let entry else { return nil }
                let h = try header(entry, db: db)
                return h.firstSeq <= seq && seq <= h.lastSeq ? Array(entry.value) : nil
            }
            if let found { return found }
        }
        return nil
    }

    /// Calls `body` with every event from `seq` through `last`, in log order, until it returns false.
    public func forEach(from seq: UInt64 = 1, through last: UInt64 = .max,
                        _ body: (UInt64, Event) throws -> Bool) throws {
        try forEachChunk(from: seq) { chunk, first in
            for i in first..<chunk.count {
                let s = chunk.firstSeq + UInt64(i)
                if s > last { return false }
                guard try body(s, chunk.event(at: i)) else { return false }
            }
            return chunk.lastSeq < last
        }
    }

    /// Calls `body` with each decoded record (sealed chunk or tail segment) from the one
    /// holding `seq` on, and the index in it of the first event not yet passed, until
    /// `body` returns false. Each record is read in its own short read transaction, so a
    /// long export never keeps the writer from reusing pages; a chunk sealed in between
    /// may start before the events already passed, hence the index.
    public func forEachChunk(from seq: UInt64 = 1, _ body: (DecodedChunk, Int) throws -> Bool) throws {
        try forEachChunk(from: seq, read: { try record(containing: $0) }, body)
    }

    /// ``forEachChunk(from:_:)`` inside a transaction the caller holds (the writer's).
    func forEachChunk(from seq: UInt64, _ txn: borrowing Transaction, _ body: (DecodedChunk, Int) throws -> Bool) throws {
        try forEachChunk(from: seq, read: { try record(containing: $0, txn) }, body)
    }

    func forEachChunk(from seq: UInt64, read: (UInt64) throws -> [UInt8]?, _ body: (DecodedChunk, Int) throws -> Bool) throws {
        let decoder = ChunkDecoder()
        var next = max(seq, 1)
        while true {
            guard let chunk = try decodedRecord(holding: next, read: read, decoder) else { return }
            guard try body(chunk, Int(next - chunk.firstSeq)) else { return }
            next = chunk.lastSeq + 1
        }
    }

    /// Calls `body` with every event from `seq` (clamped to the newest) down to `last`,
    /// newest first, until it returns false. Each record is read in its own short read
    /// transaction, like ``forEachChunk(from:_:)``.
    public func forEachBackward(from seq: UInt64 = .max, through last: UInt64 = 1,
                                _ body: (UInt64, Event) throws -> Bool) throws {
        let decoder = ChunkDecoder()
        var next = min(seq, try lastSeq())
        while next >= max(last, 1) {
            guard let chunk = try decodedRecord(holding: next, read: { try record(containing: $0) }, decoder) else { return }
            guard chunk.firstSeq <= next, next <= chunk.lastSeq else {
                throw StoreError(.damaged("record holding seq \(next) holds \(chunk.firstSeq)…\(chunk.lastSeq)"), path: directory)
            }
            var i = Int(next - chunk.firstSeq)
            while i >= 0 {
                let s = chunk.firstSeq + UInt64(i)
                if s < last { return }
                guard try body(s, chunk.event(at: i)) else { return }
                i -= 1
            }
            guard chunk.firstSeq > 1 else { return }
            next = chunk.firstSeq - 1
        }
    }

    /// The record holding `seq`, read with `read` and decoded; nil past the end.
    func decodedRecord(holding seq: UInt64, read: (UInt64) throws -> [UInt8]?, _ decoder: ChunkDecoder) throws(StoreError) -> DecodedChunk? {
        let blob: [UInt8]?
        do { blob = try read(seq) } catch { throw StoreError.wrap(error, path: directory) }
        guard let blob else { return nil }
        do { return try blob.withUnsafeBytes { try decoder.decode($0) } } catch {
            throw StoreError(.damaged("record holding seq \(seq): \(error)"), path: directory)
        }
    }

    /// One event by sequence number.
    public func event(at seq: UInt64) throws -> Event? {
        var found: Event?
        try forEach(from: seq, through: seq) { _, e in found = e; return false }
        return found
    }

    // MARK: Writing

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

    /// What the writing side keeps between commits. Used only under `writeLock`.
    ///
    /// The unsealed tail is mirrored in memory as a builder, so sealing never
    /// decodes: `sealing` is the oldest part, handed to the background sealer;
    /// `current` is what came after. If anything disagrees with the store (another
    /// process's append), the mirror is read back from the tail segments and any
    /// seal under way is discarded.
    ///
    /// A write transaction may be run more than once (after the map grew), so it
    /// never changes this state: ``plan(_:store:txn:)`` writes the store and says
    /// what changes, and ``apply(_:)`` changes it once the commit is durable. A
    /// failed commit leaves the state as it was, which still matches the store.
    final class Writer: @unchecked Sendable {
        // @unchecked: used only under the store's `writeLock`.
        let segmentEncoder: ChunkEncoder
        let sealEncoder: ChunkEncoder
        let sealer: BackgroundSealer
        let decoder = ChunkDecoder()
        let threshold: Int

        /// The tail as this process last committed it.
        struct Mirror {
            var sealing: (first: UInt64, count: Int)?
            /// The tail after `sealing`, each commit's batches joined in as it becomes durable:
            /// columns of 28 bytes an event. A builder per batch (per probe result, with the
            /// monitor) held about ten small arrays each, several times the event's size.
            var current = ChunkBuilder()
            var currentFirst: UInt64 = 1
            var currentCount: Int { current.count }
        }

        var mirror = Mirror()
        var mirrorValid = false
        /// Tells a seal under way for a mirror that was since read back from the store.
        var generation = 0

        /// The views as of the last commit, without history; trusted only while
        /// `viewsValid` and the store's views generation is `viewsGeneration`.
        var viewMirror: Projection?
        var viewsValid = false
        var viewsGeneration: UInt64 = 0

        /// The writer's projection, for a commit to update in place; nil when it cannot be
        /// trusted (the next commit reads the views back from the store).
        func takeViews() -> (projection: Projection, generation: UInt64)? {
            defer {
                viewMirror = nil
                viewsValid = false
            }
            guard viewsValid, let p = viewMirror else { return nil }
            return (p, viewsGeneration)
        }

        /// What one commit changes in the writer's memory.
        struct Plan {
            /// The mirror read back from the tail, replacing ours (its seal is discarded).
            var rebuilt: Mirror?
            /// The finished seal was installed.
            var installed = false
            var appended: [ChunkBuilder] = []
            /// The sequence number after the commit's events.
            var next: UInt64 = 1
            /// The whole tail was sealed in the transaction.
            var sealedInline = false
            var views: Projection?
            var viewsGeneration: UInt64 = 0
            /// The internet layer's down intervals that changed (outages opened and closed).
            var internetDown: [(position: Int, interval: Interval)] = []
        }

        init(options: Options) {
            // Segments are short-lived: encode them fast rather than small.
            segmentEncoder = ChunkEncoder(level: options.segmentLevel, predictOrder: false)
            sealEncoder = ChunkEncoder(level: options.sealLevel)
            sealer = BackgroundSealer(level: options.sealLevel)
            threshold = options.sealThreshold
        }

        /// Appends prepared batches as tail segments in the transaction, installs a
        /// finished seal and updates the views; returns the range and what changes.
        func plan(_ batches: [PreparedBatch], views: ProjectionHandOver, store: EventStore,
                  txn: borrowing Transaction) throws -> (ClosedRange<UInt64>, Plan) {
            var plan = Plan()
            let first = try store.lastSeq(txn) + 1
            let storedTailFirst = try store.tailFirstSeq(txn) ?? first
            let mirrored = UInt64(mirror.sealing?.count ?? 0) + UInt64(mirror.currentCount)
            if !(mirrorValid && (mirror.sealing?.first ?? mirror.currentFirst) == storedTailFirst && mirrored == first - storedTailFirst) {
                plan.rebuilt = try readMirror(store: store, txn: txn, tailFirst: storedTailFirst, first: first)
            }
            var sealing = plan.rebuilt == nil ? mirror.sealing : nil
            var count = (plan.rebuilt ?? mirror).currentCount

            // Install a finished seal; wait for it only when the tail has grown a second threshold.
            if let s = sealing, let done = sealer.peek(wait: count >= threshold) {
                guard done.generation == generation, done.first == s.first else {
                    throw StoreError(.damaged("internal: a stale sealed chunk"), path: store.directory)
                }
                try install(done, store: store, txn: txn)
                plan.installed = true
                sealing = nil
            }

            var next = first
            let written = joined(batches, first: first)
            for batch in written {
                try put(store.tail, seq: next, batch.segment ?? segmentEncoder.encode(batch.builder, firstSeq: next), txn)
                plan.appended.append(batch.builder)
                count += batch.count
                next += UInt64(batch.count)
            }
            plan.next = next
            // The index grows with the events, in their transaction, once it covers the log.
            if try store.indexedSeq(txn) == first - 1 {
                var pieces = EventIndexPieces()
                var at = first
                for batch in written {
                    pieces.add(EventIndexPieces(batch.builder, first: at))
                    at += UInt64(batch.count)
                }
                try store.writeIndex(pieces, through: next - 1, txn)
            }
            (plan.views, plan.viewsGeneration, plan.internetDown) = try updateViews(written, first: first, mirror: views,
                                                                                    store: store, txn: txn)

            if sealing == nil && count >= threshold && count > ChunkFormat.maxEvents {
                // One enormous append: seal it here, in pieces.
                try sealInline(store: store, txn: txn, from: (plan.rebuilt ?? mirror).currentFirst)
                plan.sealedInline = true
            }
            return (first...(next - 1), plan)
        }

        /// `batches` as they are written: each with its events laid out, and consecutive ones
        /// without a segment for their position joined into one. A segment encoded for another
        /// position (someone else appended first) is dropped, to be redone. So the probe results
        /// of one commit (small submissions, neither encoded nor split into hours by their
        /// producers) become one tail segment and one builder applied to the views, not one each.
        func joined(_ batches: [PreparedBatch], first: UInt64) -> [PreparedBatch] {
            var out: [PreparedBatch] = []
            var next = first
            for var batch in batches where batch.count > 0 {
                if batch.first != next || batch.segment?.isEmpty != false { batch.segment = nil }
                next += UInt64(batch.count)
                if batch.segment == nil && batch.hours == nil, let j = out.indices.last,
                   out[j].segment == nil && out[j].hours == nil && out[j].count + batch.count <= ChunkFormat.maxEvents / 2 {
                    if batch.events.isEmpty {
                        out[j].builder.append(contentsOf: batch.builder)
                    } else {
                        out[j].builder.append(contentsOf: batch.events)
                    }
                } else {
                    if !batch.events.isEmpty {
                        batch.builder.append(contentsOf: batch.events)
                        batch.events = []
                    }
                    out.append(batch)
                }
            }
            return out
        }

        /// Changes the writer's memory as a durable commit planned it, and starts sealing
        /// when the tail has grown to the threshold.
        func apply(_ plan: Plan) {
            if let rebuilt = plan.rebuilt {
                if mirror.sealing != nil { sealer.discard() }
                generation += 1
                mirror = rebuilt
            }
            if plan.installed {
                sealer.discard()
                mirror.sealing = nil
            }
            if plan.sealedInline {
                mirror.current = ChunkBuilder()
                mirror.currentFirst = plan.next
            } else {
                for batch in plan.appended { mirror.current.append(contentsOf: batch) }
            }
            if mirror.sealing == nil && mirror.currentCount >= threshold {
                sealer.start(mirror.current, first: mirror.currentFirst, generation: generation)
                mirror.sealing = (mirror.currentFirst, mirror.currentCount)
                mirror.current = ChunkBuilder()
                mirror.currentFirst = plan.next
            }
            mirrorValid = true
            viewMirror = plan.views
            viewsGeneration = plan.viewsGeneration
            viewsValid = plan.views != nil
        }

        /// Waits for a seal under way and installs it (used before closing, and by
        /// benchmarks); true when one was installed (then call ``sealInstalled()``).
        func finishSealing(store: EventStore, txn: borrowing Transaction) throws -> Bool {
            guard let s = mirror.sealing, mirrorValid, let done = sealer.peek(wait: true),
                  done.generation == generation, done.first == s.first else { return false }
            try install(done, store: store, txn: txn)
            return true
        }

        func sealInstalled() {
            sealer.discard()
            mirror.sealing = nil
        }

        /// Puts a sealed chunk and removes the tail segments it replaces.
        func install(_ done: BackgroundSealer.Output, store: EventStore, txn: borrowing Transaction) throws {
            try put(store.chunks, seq: done.first, done.blob, txn)
            try txn.withCursor(store.tail) { c in
                var entry = try c.first()
                while let e = entry, decodeKey(e.key) <= done.last {
                    try c.delete()
                    entry = try c.first()
                }
                if let e = entry, decodeKey(e.key) != done.last + 1 {
                    throw StoreError(.damaged("tail segment at \(decodeKey(e.key)) straddles the sealed chunk ending at \(done.last)"), path: store.directory)
                }
            }
        }

        /// The mirror of the tail as the store holds it.
        func readMirror(store: EventStore, txn: borrowing Transaction, tailFirst: UInt64, first: UInt64) throws -> Mirror {
            var m = Mirror(sealing: nil, current: ChunkBuilder(), currentFirst: tailFirst)
            try txn.withCursor(store.tail) { c in
                var entry = try c.first()
                while let e = entry {
                    m.current.append(contentsOf: ChunkBuilder(try decoder.decode(e.value)))
                    entry = try c.next()
                }
            }
            guard UInt64(m.currentCount) == first - tailFirst else {
                throw StoreError(.damaged("the tail does not hold the events \(tailFirst)…\(first - 1)"), path: store.directory)
            }
            return m
        }

        /// Seals the whole tail (its first event at `first`) in this transaction, as several chunks if needed.
        func sealInline(store: EventStore, txn: borrowing Transaction, from first: UInt64) throws {
            var all: [Event] = []
            try txn.withCursor(store.tail) { c in
                var entry = try c.first()
                while let e = entry {
                    all.append(contentsOf: try decoder.decode(e.value).events())
                    entry = try c.next()
                }
            }
            var start = 0
            while start < all.count {
                let end = min(all.count, start + ChunkFormat.maxEvents / 2)
                try put(store.chunks, seq: first + UInt64(start),
                        sealEncoder.encode(all[start..<end], firstSeq: first + UInt64(start)), txn)
                start = end
            }
            try txn.removeAll(store.tail)
        }

        func put(_ db: Database, seq: UInt64, _ blob: [UInt8], _ txn: borrowing Transaction) throws {
            try withKey(seq) { k in
                try blob.withUnsafeBytes { try txn.put(db, key: k, value: $0, flags: .append) }
            }
        }
    }

    /// Waits for a chunk being sealed in the background and stores it.
    public func finishSealing() throws(StoreError) {
        do {
            try writeLock.withLock { _ in
                if try env.write({ txn in try writer.finishSealing(store: self, txn: txn) }) {
                    writer.sealInstalled()
                    options.afterSeal?()
                }
            }
        } catch {
            throw StoreError.wrap(error, path: directory)
        }
    }

    // MARK: Size

    /// Bytes of every file in the store directory.
    public func bytesOnDisk() -> Int { EventStore.bytesOnDisk(directory) }

    public static func bytesOnDisk(_ directory: String) -> Int {
        guard let dir = opendir(directory) else { return 0 }
        defer { closedir(dir) }
        var total = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            var st = stat()
            if stat(directory + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { total += Int(st.st_size) }
        }
        return total
    }
}

@inline(__always)
func withKey<R>(_ seq: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    var be = seq.bigEndian
    return try withUnsafeBytes(of: &be, body)
}

@inline(__always)
func decodeKey(_ key: UnsafeRawBufferPointer) -> UInt64 {
    guard key.count == 8 else { return 0 }
    return key.loadUnaligned(as: UInt64.self).bigEndian
}

func makeDirectories(_ path: String) -> Bool {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        current += "/" + part
        if mkdir(current, 0o755) != 0 && errno != EEXIST { return false }
    }
    return true
}
