import ISPMonCore
import LMDB

extension EventStore {
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
            segmentEncoder = .segments(level: options.segmentLevel)
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

        func put(_ db: Database, seq: UInt64, _ blob: [UInt8], _ txn: borrowing Transaction) throws {
            try withKey(seq) { k in
                try blob.withUnsafeBytes { try txn.put(db, key: k, value: $0, flags: .append) }
            }
        }
    }
}
