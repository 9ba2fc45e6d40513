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
        public init() {}

        /// One commit per `events` events, with a few batches' worth queued.
        public init(commitEvery events: Int) {
            maxEventsPerCommit = events
            maxQueuedEvents = 4 * events
        }
    }

    public typealias Completion = @Sendable (Result<ClosedRange<UInt64>, StoreError>) -> Void

    struct Item {
        var batch: PreparedBatch
        var completion: Completion?
    }

    public let store: EventStore
    let options: Options
    let submitLock = NSLock()
    let encoder: ChunkEncoder
    var nextSeq: UInt64

    let condition = NSCondition()
    var queue: [Item] = []
    var queuedEvents = 0
    var inFlight = 0
    var failure: StoreError?
    var stopping = false
    /// Set by `flush()`: commit what is queued without waiting out `maxDelay`.
    var flushing = 0
    /// When the oldest queued submission arrived (monotonic µs).
    var oldestQueued: Int64 = 0
    let finished = DispatchSemaphore(value: 0)

    public init(store: EventStore, options: Options = Options()) throws(StoreError) {
        self.store = store
        self.options = options
        encoder = ChunkEncoder(level: store.options.segmentLevel, predictOrder: false)
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
        while failure == nil && !stopping && queuedEvents > 0 && queuedEvents + batch.count > options.maxQueuedEvents {
            condition.wait()
        }
        if let failure { throw failure }
        guard !stopping else { throw StoreError(.closed, path: store.directory) }
        if queue.isEmpty { oldestQueued = Monotonic.microseconds() }
        queue.append(Item(batch: batch, completion: completion))
        queuedEvents += batch.count
        inFlight += 1
        condition.broadcast()
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
    public func flush() throws(StoreError) {
        condition.lock()
        defer { condition.unlock() }
        flushing += 1
        condition.broadcast()
        defer { flushing -= 1 }
        while inFlight > 0 && failure == nil { condition.wait() }
        if let failure { throw failure }
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
            // Let a few more submissions join this commit, up to maxDelay after the first.
            while options.maxDelay > 0 && !queue.isEmpty && !stopping && flushing == 0
                    && queuedEvents < options.maxEventsPerCommit {
                let left = oldestQueued + options.maxDelay - Monotonic.microseconds()
                guard left > 0 else { break }
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(left) / 1e6))
            }
            if queue.isEmpty {  // stopping, nothing left
                condition.unlock()
                finished.signal()
                return
            }
            var take = 0
            var events = 0
            while take < queue.count && (take == 0 || events + queue[take].batch.count <= options.maxEventsPerCommit) {
                events += queue[take].batch.count
                take += 1
            }
            let items = Array(queue.prefix(take))
            queue.removeFirst(take)
            if !queue.isEmpty { oldestQueued = Monotonic.microseconds() }
            let failedBefore = failure
            condition.unlock()

            let result: Result<ClosedRange<UInt64>, StoreError>
            if let failedBefore {
                result = .failure(failedBefore)
            } else {
                do throws(StoreError) { result = .success(try store.commit(items.map(\.batch))) } catch { result = .failure(error) }
            }
            // Each submission learns its own range.
            var next = (try? result.get())?.lowerBound ?? 0
            for item in items {
                switch result {
                case .success:
                    let range = next...(next + UInt64(item.batch.count) - 1)
                    next += UInt64(item.batch.count)
                    item.completion?(.success(range))
                case .failure(let e):
                    item.completion?(.failure(e))
                }
            }
            condition.lock()
            if case .failure(let e) = result, failure == nil { failure = e }
            queuedEvents -= events
            inFlight -= items.count
            condition.broadcast()
            condition.unlock()
        }
    }
}
