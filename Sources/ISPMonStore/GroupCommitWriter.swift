import Foundation
public import ISPMonCore

/// A batch made ready for the log before its write transaction: its columns,
/// and its tail segment encoded for the position it is expected to take.
struct PreparedBatch: Sendable {
    var builder: ChunkBuilder
    /// A small submission's events, not laid out in `builder` yet: the store's writer joins
    /// them with the commit's other small batches (``EventStore/Writer/joined(_:first:)``).
    var events: ArraySlice<Event> = []
    /// The sequence number `segment` was encoded for (0: none).
    var first: UInt64 = 0
    var segment: [UInt8]?
    /// The batch's hourly latency, computed by the producer (nil: the writer computes it).
    var hours: HourPieces?
    var count: Int { builder.count + events.count }
}

/// The ingest path: group commit with a pipeline.
///
/// Producers `submit` events; each submission is encoded right away on the
/// producer's thread (columns and its tail segment), while a single writer
/// thread commits what is queued: every queued batch up to
/// ``Options/maxEventsPerCommit`` events becomes one durable LMDB commit. So
/// encoding overlaps the previous commit's disk flush, many small submissions
/// (the monitor's probe results) share one commit, and write transactions stay
/// on one thread and never span an `await`.
public final class GroupCommitWriter: @unchecked Sendable {
    // @unchecked: `encoder` and `nextSeq` are guarded by `submitLock`; the queue
    // and its counters by `condition`.
    public struct Options: Sendable {
        /// At most this many events per commit (a single larger submission is one commit).
        public var maxEventsPerCommit = 1000
        /// Producers wait while this many events are queued.
        public var maxQueuedEvents = 8000
        /// How long, in µs, the first queued event may wait for others to share its
        /// commit (0: commit at once). A monitor probing a few targets a second trades
        /// this much durability latency for far fewer disk flushes.
        public var maxDelay: Int64 = 0
        /// What to do when the disk is full (nil: fail every later submission, as `import` wants).
        public var diskFull: DiskFullPolicy?
        public init() {}

        /// One commit per `events` events, with a few batches' worth queued.
        public init(commitEvery events: Int) {
            maxEventsPerCommit = events
            maxQueuedEvents = 4 * events
        }
    }

    public typealias Completion = @Sendable (Result<ClosedRange<UInt64>, StoreError>) -> Void

    struct Item {
        var content: Content
        var completion: Completion?

        enum Content {
            case batch(PreparedBatch)
            /// Where events were dropped for a full disk: the policy's gap events, made when
            /// they are committed (after the events held before them).
            case gap(lastKept: Timestamp?)
        }

        var count: Int { if case .batch(let b) = content { b.count } else { 0 } }
    }

    public let store: EventStore
    let options: Options
    let submitLock = NSLock()
    let encoder: ChunkEncoder
    var nextSeq: UInt64

    let condition = MonotonicCondition()
    var queue: [Item] = []
    var queuedEvents = 0
    var inFlight = 0
    var failure: StoreError?
    var stopping = false
    /// Set by `flush()`: commit what is queued without waiting out `maxDelay`.
    var flushing = 0
    /// When the oldest queued submission arrived (monotonic µs).
    var oldestQueued: Int64 = 0
    /// Set while commits fail for a full disk and the policy holds events.
    var stall: Stall?
    /// The newest event time queued (what a gap is dated with).
    var newestQueued: Timestamp?
    /// Failed commit attempts while stalled (a flush returns after one more).
    var stalledAttempts = 0
    var recoveries = 0
    var lastCommitTime: Timestamp?

    /// When the last commit became durable (wall clock), nil before the first.
    public var lastCommit: Timestamp? {
        condition.lock()
        defer { condition.unlock() }
        return lastCommitTime
    }

    /// How many times recording resumed after a full disk (what was known before, such
    /// as the links' states, is to be recorded again after the gap).
    public var resumedAfterFullDisk: Int {
        condition.lock()
        defer { condition.unlock() }
        return recoveries
    }
    let finished = DispatchSemaphore(value: 0)

    public init(store: EventStore, options: Options = Options()) throws(StoreError) {
        self.store = store
        self.options = options
        encoder = .segments(level: store.options.segmentLevel)
        nextSeq = try store.lastSeq() + 1
        // The thread holds the writer until `close()`: never a dangling writer.
        let thread = Thread { self.run() }
        thread.name = "ispmon.writer"
        thread.start()
    }

    /// Submissions of fewer events than this (the monitor's probe results, one each) are
    /// queued as they are: laying each out as a builder with its hourly pieces and encoding a
    /// segment of its own cost dozens of allocations and a zstd frame per probe result (the
    /// encoding alone makes ~80: README, *Micro-benchmarks*), and a tail record each. The
    /// writer lays out and encodes a commit's small submissions together instead.
    static let smallSubmission = 64

    /// Queues `events` for the log; `completion` runs on the writer thread once
    /// they are durable (or the commit failed). Throws at once if an earlier
    /// commit failed: the writer stops at the first failure.
    public func submit(_ events: ArraySlice<Event>, completion: Completion? = nil) throws(StoreError) {
        guard !events.isEmpty else { return }
        if options.diskFull != nil, dropWhileFull(events.count) { return }
        let batch: PreparedBatch
        if events.count < GroupCommitWriter.smallSubmission {
            // Still counted, so that the next large submission's segment is encoded for its position.
            submitLock.withLock { nextSeq += UInt64(events.count) }
            batch = PreparedBatch(builder: ChunkBuilder(), events: events)
        } else {
            var builder = ChunkBuilder()
            builder.append(contentsOf: events)
            let hours = HourPieces(builder)  // off the writer thread, like the encoding
            batch = submitLock.withLock {
                let first = nextSeq
                nextSeq += UInt64(builder.count)
                return PreparedBatch(builder: builder, first: first, segment: encoder.encode(builder, firstSeq: first), hours: hours)
            }
        }
        condition.lock()
        defer { condition.unlock() }
        while failure == nil && !stopping && stall == nil && queuedEvents > 0
                && queuedEvents + batch.count > options.maxQueuedEvents {
            condition.wait()
        }
        if let failure { throw failure }
        guard !stopping else { throw StoreError(.closed, path: store.directory) }
        let newest = events.lazy.map(\.time).max()
        newestQueued = max(newestQueued ?? newest ?? Timestamp(microseconds: 0), newest ?? Timestamp(microseconds: 0))
        enqueue(Item(content: .batch(batch), completion: completion))
    }

    /// Queues `item`; called with `condition` locked.
    func enqueue(_ item: Item) {
        if queue.isEmpty { oldestQueued = Monotonic.microseconds() }
        queue.append(item)
        queuedEvents += item.count
        inFlight += 1
        condition.broadcast()
    }

    /// While the disk is full: true when `count` more events do not fit in what the policy
    /// holds, and are dropped (the first drop queues the gap; from then on everything is
    /// dropped until a commit succeeds, so nothing lands after the gap out of order).
    func dropWhileFull(_ count: Int) -> Bool {
        guard let policy = options.diskFull else { return false }
        condition.lock()
        defer { condition.unlock() }
        guard var s = stall, !stopping else { return false }
        if !s.gapQueued {
            guard queuedEvents + count > policy.maxHeldEvents else { return false }
            s.gapQueued = true
            enqueue(Item(content: .gap(lastKept: newestQueued), completion: nil))
        }
        s.dropped += count
        stall = s
        return true
    }

    /// Queues the last event this writer will get, made by `make`: when events were dropped
    /// for a full disk, it takes the place of the gap and is made with the time of the last
    /// event kept (a `monitor stopped` then says where recording really ended); otherwise it
    /// is made with nil and queued, even beyond what the policy holds.
    public func submitLast(_ make: (_ lastKept: Timestamp?) -> Event) throws(StoreError) {
        condition.lock()
        let gap = queue.lastIndex { if case .gap = $0.content { true } else { false } }
        var lastKept: Timestamp?
        if let gap, case .gap(let kept) = queue[gap].content {
            queue.remove(at: gap)
            inFlight -= 1
            lastKept = kept
        }
        condition.unlock()
        var builder = ChunkBuilder()
        builder.append(make(lastKept))
        let batch = PreparedBatch(builder: builder)  // encoded by the writer for its position
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        guard !stopping else { throw StoreError(.closed, path: store.directory) }
        enqueue(Item(content: .batch(batch), completion: nil))
    }

    /// Appends `events` and returns once they are durable.
    public func append(_ events: [Event]) async throws -> ClosedRange<UInt64> {
        try await withCheckedThrowingContinuation { continuation in
            do {
                try submit(events[...]) { continuation.resume(with: $0.mapError { $0 as any Error }) }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Waits until everything submitted so far is durable; throws the first failure.
    /// While the disk is full (with a ``DiskFullPolicy``) it tries once more at once, and
    /// throws `diskFull` if that fails too: the events stay held.
    public func flush() throws(StoreError) {
        condition.lock()
        defer { condition.unlock() }
        flushing += 1
        condition.broadcast()
        defer { flushing -= 1 }
        let attempts = stalledAttempts
        while inFlight > 0 && failure == nil && !(stall != nil && stalledAttempts > attempts) { condition.wait() }
        if let failure { throw failure }
        if stall != nil && inFlight > 0 { throw StoreError(.diskFull, path: store.directory) }
    }

    /// Commits what is queued, then stops the writer thread. Call it once done.
    public func close() {
        condition.lock()
        if stopping {
            condition.unlock()
            return
        }
        stopping = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            // A full disk: wait out the retry interval (a flush or close tries at once).
            if let s = stall, let policy = options.diskFull {
                let retry = s.lastAttempt + policy.retryInterval
                while !stopping && flushing == 0 && Monotonic.microseconds() < retry {
                    condition.wait(microseconds: retry - Monotonic.microseconds())
                }
            }
            // Let a few more submissions join this commit, up to maxDelay after the first.
            while options.maxDelay > 0 && !queue.isEmpty && !stopping && flushing == 0
                    && queuedEvents < options.maxEventsPerCommit {
                let left = oldestQueued + options.maxDelay - Monotonic.microseconds()
                guard left > 0 else { break }
                condition.wait(microseconds: left)
            }
            if queue.isEmpty {  // stopping, nothing left
                condition.unlock()
                finished.signal()
                return
            }
            // While stalled, everything held goes in one commit attempt, however large.
            var take = 0
            var events = 0
            while take < queue.count
                    && (take == 0 || stall != nil || events + queue[take].count <= options.maxEventsPerCommit) {
                events += queue[take].count
                take += 1
            }
            let items = Array(queue.prefix(take))
            queue.removeFirst(take)
            if !queue.isEmpty { oldestQueued = Monotonic.microseconds() }
            let failedBefore = failure
            let finalAttempt = stopping
            condition.unlock()

            let batches = items.map(batch)
            let result: Result<ClosedRange<UInt64>?, StoreError>
            if let failedBefore {
                result = .failure(failedBefore)
            } else if batches.allSatisfy({ $0.count == 0 }) {
                result = .success(nil)  // a gap the policy records with no events
            } else {
                do throws(StoreError) { result = .success(try store.commit(batches)) } catch { result = .failure(error) }
            }
            if case .failure(let e) = result, case .diskFull = e.kind, let policy = options.diskFull,
               failedBefore == nil, !finalAttempt {
                hold(items, policy: policy)
                continue
            }
            // Each submission learns its own range.
            var next = (try? result.get())??.lowerBound ?? 0
            for (item, batch) in zip(items, batches) {
                switch result {
                case .success:
                    let n = UInt64(batch.count)
                    if n > 0 { item.completion?(.success(next...(next + n - 1))) }
                    next += n
                case .failure(let e):
                    item.completion?(.failure(e))
                }
            }
            condition.lock()
            if case .failure(let e) = result, failure == nil { failure = e }
            if case .success(let range?) = result, !range.isEmpty { lastCommitTime = Timestamp.wallClock() }
            if let s = stall {
                let seconds = Int((Monotonic.microseconds() - s.since) / 1_000_000)
                if case .success = result {
                    recoveries += 1
                    options.diskFull?.report(.resumed(written: events, dropped: s.dropped, seconds: seconds))
                } else {
                    options.diskFull?.report(.gaveUp(held: events, dropped: s.dropped, seconds: seconds))
                }
                stall = nil
            }
            queuedEvents -= events
            inFlight -= items.count
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The batch to commit for `item` (a gap's events are made now).
    func batch(_ item: Item) -> PreparedBatch {
        switch item.content {
        case .batch(let b): return b
        case .gap(let lastKept):
            var builder = ChunkBuilder()
            builder.append(contentsOf: (options.diskFull?.gap(lastKept) ?? [])[...])
            return PreparedBatch(builder: builder)
        }
    }

    /// A commit failed for a full disk: puts `items` back at the head of the queue, to be
    /// tried again, and reports the first failure and, every minute, that it goes on.
    func hold(_ items: [Item], policy: DiskFullPolicy) {
        condition.lock()
        defer { condition.unlock() }
        queue.insert(contentsOf: items, at: 0)
        oldestQueued = Monotonic.microseconds()
        let now = Monotonic.microseconds()
        if var s = stall {
            s.lastAttempt = now
            if now - s.lastReport >= 60_000_000 {
                s.lastReport = now
                policy.report(.stillFull(held: queuedEvents, dropped: s.dropped, seconds: Int((now - s.since) / 1_000_000)))
            }
            stall = s
        } else {
            stall = Stall(since: now, lastAttempt: now, lastReport: now)
            policy.report(.filled(held: queuedEvents, limit: policy.maxHeldEvents))
        }
        stalledAttempts += 1
        condition.broadcast()
    }

    /// While commits fail for a full disk.
    struct Stall {
        var since: Int64
        var lastAttempt: Int64
        var lastReport: Int64
        var dropped = 0
        var gapQueued = false
    }
}

/// What a ``GroupCommitWriter`` does when a commit fails because the disk is full: it
/// holds what was submitted (up to `maxHeldEvents`, then drops, and records the gap),
/// tries the commit again every `retryInterval`, and writes everything held once it can.
/// A store's commit that failed left nothing behind, so trying again is all LMDB needs.
public struct DiskFullPolicy: Sendable {
    /// Events held in memory while the disk is full; later ones are dropped.
    public var maxHeldEvents: Int
    /// How often, in µs, a commit is tried again.
    public var retryInterval: Int64 = 1_000_000
    /// The events that record a gap, written after the events held before it: given the
    /// time of the newest event kept (nil: none was ever queued). The monitor's are
    /// `monitor stopped` at that time and `monitor started` now, so that the views count
    /// the gap as unmonitored, not as a quiet time.
    public var gap: @Sendable (_ lastKept: Timestamp?) -> [Event]
    /// Told, on the writer's thread, when the disk fills, every minute while it stays
    /// full, and when recording resumes (or the writer closed with the disk still full).
    public var report: @Sendable (DiskFullReport) -> Void

    public init(maxHeldEvents: Int, gap: @escaping @Sendable (_ lastKept: Timestamp?) -> [Event],
                report: @escaping @Sendable (DiskFullReport) -> Void) {
        self.maxHeldEvents = maxHeldEvents
        self.gap = gap
        self.report = report
    }
}

public enum DiskFullReport: Sendable, Equatable {
    /// The first commit failed: `held` events wait, and up to `limit` will.
    case filled(held: Int, limit: Int)
    /// Once a minute while the disk stays full.
    case stillFull(held: Int, dropped: Int, seconds: Int)
    /// A commit succeeded again: `written` events that were held are in the log.
    case resumed(written: Int, dropped: Int, seconds: Int)
    /// The writer was closed while the disk was still full: `held` events were lost.
    case gaveUp(held: Int, dropped: Int, seconds: Int)
}
