import ISPMonStore
import Synchronization

/// What one live client receives (`GET /api/v1/stream`, docs/stream.md): every
/// event after a sequence number, in log order, none missed or repeated, then each
/// event as it is committed; and the status whenever it changed.
///
/// Events always come from the log, read by sequence number: what tells of a
/// commit (a notice of this process's writer, or a wake of the watcher of another
/// process's) only says how far the log has grown. So catching up, going live, a
/// notice that repeats what the log already gave, a notice that skips some (the
/// subscriber fell behind, or another process appended in between) all come down
/// to "read from the last event given to the newest known", and nothing can be
/// missed or repeated.
///
/// One consumer (the connection's task) calls ``next(timeout:)`` or ``text(timeout:)``.
/// The feed is Sendable so that a server can make it before it answers (and answer an
/// error instead) and hand it to the task that writes the body; its state is behind a
/// lock held only for steps that never await. What reads the store (the log, the
/// status, how far the log is after the subscription fell behind) runs through `work`,
/// never on the consumer's thread, which in the server is an event loop: waiting for
/// a commit holds no thread. Memory is bounded: at most ``batch`` events read ahead,
/// and, in process, at most the subscription's capacity of notices.
public final class LiveFeed: Sendable {
    public enum Source: Sendable, Hashable {
        /// The store is written by this process (`ispmon run`): notices of its commits.
        /// A commit of another process (an `ispmon note` beside the monitor) is read
        /// from the log with the next notice of this one, which starts after it.
        case inProcess
        /// Another process writes (`ispmon serve` beside a monitor): inotify on the data file.
        case otherProcess
    }

    /// Events read ahead from the log at most (one LMDB read per record, never across an await).
    public static let batch = 512

    let queries: Queries
    let store: EventStore
    public let kinds: LiveKinds
    let subscription: CommitSubscription?
    let watch: LogWatch?
    let work: any BlockingWork

    struct State {
        /// The last event given (or passed over, when events are not selected).
        var lastSeq: UInt64
        /// The log holds events at least this far.
        var known: UInt64
        var ahead: [LiveMessage] = []
        var aheadStart = 0
        /// The status is to be looked at once the events known so far are given.
        var statusDue: Bool
        var lastStatus: StatusAnswer.Digest?
        var closed = false
        /// How often the subscription fell behind (tests).
        var fellBehindCount = 0
    }

    let state: Mutex<State>

    /// A feed of `kinds` from the event after `after` (a reconnecting client's
    /// `Last-Event-ID`; nil: from now on). An `after` beyond the log's end (a client
    /// of another store) is taken as the end. `capacity` bounds the notices held in
    /// process. Reads where the log ends: make it where blocking is allowed (see
    /// ``open(queries:source:after:kinds:work:)``); `work` runs the feed's reads after.
    public init(queries: Queries, source: Source, after: UInt64?, kinds: LiveKinds,
                capacity: Int = 256, work: any BlockingWork = InPlace()) throws {
        self.queries = queries
        store = queries.store
        self.kinds = kinds
        self.work = work
        // Listen before reading where the log ends: a commit in between is then both
        // in the log and told, and the repeat is skipped by sequence number.
        switch source {
        case .inProcess:
            subscription = store.commits.subscribe(capacity: capacity)
            watch = nil
        case .otherProcess:
            subscription = nil
            watch = queries.live.watch
            queries.live.watch.join()
        }
        let end: UInt64
        do { end = try store.lastSeq() } catch {
            subscription?.cancel()
            watch?.leave()
            throw error
        }
        state = Mutex(State(lastSeq: min(after ?? end, end), known: end, statusDue: kinds.contains(.status)))
    }

    /// A feed made through `work` (the server's pool), which also runs its reads.
    public static func open(queries: Queries, source: Source, after: UInt64?, kinds: LiveKinds,
                            work: any BlockingWork) async throws -> LiveFeed {
        try await work.run { try LiveFeed(queries: queries, source: source, after: after, kinds: kinds, work: work) }
    }

    deinit { close() }

    /// The last event given.
    public var lastSeq: UInt64 { state.withLock { $0.lastSeq } }

    var fellBehindCount: Int { state.withLock { $0.fellBehindCount } }

    /// Stops listening; ``next(timeout:)`` then returns nil at once.
    public func close() {
        let first = state.withLock { s -> Bool in
            defer {
                s.closed = true
                s.ahead = []
                s.aheadStart = 0
            }
            return !s.closed
        }
        guard first else { return }
        subscription?.cancel()
        watch?.leave()
    }

    /// The next message, waiting at most `timeout` (the server writes a keepalive
    /// comment when it returns nil, and calls again). Throws `CancellationError`
    /// once the task is cancelled (the client went away, the server stops), and the
    /// store's errors.
    public func next(timeout: Duration) async throws -> LiveMessage? {
        try await gather(timeout: timeout, limit: 1) { $0[0] }
    }

    /// The text/event-stream form of every message ready (at most a batch of events and
    /// the status), made through `work` with the reads; nil as ``next(timeout:)``.
    public func text(timeout: Duration) async throws -> [UInt8]? {
        try await gather(timeout: timeout, limit: .max) { LiveMessage.sse($0) }
    }

    enum Plan {
        case closed
        /// Messages read ahead are waiting.
        case ready
        /// The store is to be read (events known and not given, or the status due).
        case fill
        case wait
    }

    func plan(_ s: State) -> Plan {
        if s.closed { return .closed }
        if s.aheadStart < s.ahead.count { return .ready }
        if s.known > s.lastSeq || s.statusDue { return .fill }
        return .wait
    }

    /// At most `limit` of the messages read ahead (none once closed).
    func take(_ s: inout State, _ limit: Int) -> [LiveMessage] {
        let end = s.aheadStart + min(limit, s.ahead.count - s.aheadStart)
        defer { s.aheadStart = end }
        return Array(s.ahead[s.aheadStart..<end])
    }

    /// Up to `limit` messages, in `form`, once any are ready.
    func gather<T: Sendable>(timeout: Duration, limit: Int,
                             _ form: @escaping @Sendable ([LiveMessage]) -> T) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            switch state.withLock({ plan($0) }) {
            case .closed: return nil
            case .ready:
                let taken = state.withLock { take(&$0, limit) }
                if !taken.isEmpty { return form(taken) }
            case .fill:
                let given: T? = try await work.run { [self] in
                    let taken = try state.withLock { s throws -> [LiveMessage] in
                        try fill(&s)
                        return take(&s, limit)
                    }
                    return taken.isEmpty ? nil : form(taken)
                }
                if let given { return given }
            case .wait:
                let now = ContinuousClock.now
                guard now < deadline else { return nil }
                guard try await waitForCommit(timeout: deadline - now) else {
                    try Task.checkCancellation()
                    return nil
                }
            }
        }
    }

    /// Reads what is due: the first status, the next events the log is known to hold,
    /// and the status once they are all read. Blocks (runs through `work`).
    func fill(_ s: inout State) throws {
        guard !s.closed else { return }
        s.ahead.removeAll(keepingCapacity: true)
        s.aheadStart = 0
        // The status comes first: what a client shows until anything happens.
        if s.statusDue && s.lastStatus == nil {
            s.statusDue = false
            if let status = try changedStatus(&s) { s.ahead.append(.status(status)) }
        }
        if s.known > s.lastSeq { try readAhead(&s) }
        if s.known <= s.lastSeq && s.statusDue {
            s.statusDue = false
            if let status = try changedStatus(&s) { s.ahead.append(.status(status)) }
        }
    }

    /// Reads the next events the log is known to hold (all of them when events are not
    /// selected): to the end of the block holding the next one, from the blocks the feeds
    /// share when the log holds all of that block.
    func readAhead(_ s: inout State) throws {
        guard kinds.contains(.event) else {
            s.lastSeq = s.known
            return
        }
        let size = UInt64(LiveFeed.batch)
        let block = s.lastSeq / size
        let blockEnd = (block + 1) * size
        if s.known >= blockEnd {
            let messages = try queries.live.block(block) { try read(from: block * size + 1, through: blockEnd) }
            s.ahead += messages[Int(s.lastSeq - block * size)...]
            s.lastSeq = blockEnd
        } else {
            s.ahead += try read(from: s.lastSeq + 1, through: s.known)
            s.lastSeq = s.known
        }
    }

    /// The events `first` … `through` of the log, as messages.
    func read(from first: UInt64, through: UInt64) throws -> [LiveMessage] {
        var next = first
        var messages: [LiveMessage] = []
        messages.reserveCapacity(Int(through - first + 1))
        try store.forEach(from: first, through: through) { seq, event in
            messages.append(.event(seq: seq, line: JSONForms.ndjson([LoggedEvent(seq: seq, event: event)])))
            next = seq + 1
            return true
        }
        // The log is the truth: a record missing before `through` is damage, not a gap to jump.
        guard next > through else {
            throw StoreError(.damaged("the log ends at \(next - 1), not at \(through) as a commit said"), path: store.directory)
        }
        return messages
    }

    /// Waits for a commit and notes how far the log now is; false on timeout.
    func waitForCommit(timeout: Duration) async throws -> Bool {
        let wantsStatus = kinds.contains(.status)
        let newest: UInt64
        if let subscription {
            guard let message = await subscription.next(timeout: timeout) else { return false }
            switch message {
            case .commit(let notice):
                // A notice at or below what was given repeats what the log gave: its
                // changes may still be news to the status (it was read while it happened).
                state.withLock { s in
                    s.known = max(s.known, notice.range.upperBound)
                    if !notice.changes.isEmpty && wantsStatus { s.statusDue = true }
                }
                return true
            case .fellBehind:
                // What the dropped notices said is unknown: the digest of the status
                // decides, as for another process's commits.
                newest = try await work.run { [store] in try store.lastSeq() }
                state.withLock { $0.fellBehindCount += 1 }
            }
        } else if let watch {
            switch await watch.wait(after: state.withLock({ $0.known }), timeout: timeout) {
            case nil: return false
            case .grew(let last): newest = last
            case .look: newest = try await work.run { [store] in try store.lastSeq() }
            }
        } else {
            return false
        }
        // Another process's commits say nothing of what they changed: the digest of
        // the status decides (the status is computed once per commit for all clients).
        state.withLock { s in
            s.known = max(s.known, newest)
            if wantsStatus { s.statusDue = true }
        }
        return true
    }

    /// The status when its digest differs from the last one given (always the first).
    func changedStatus(_ s: inout State) throws -> StatusAnswer? {
        let status = try queries.status()
        let digest = status.digest
        guard digest != s.lastStatus else { return nil }
        s.lastStatus = digest
        return status
    }
}

extension LiveFeed {
    /// Where a client resumes: after `Last-Event-ID` when it sends one (a browser
    /// reconnecting on its own sends the last id it got, newer than the `after_seq`
    /// its URL still carries), else after `after_seq`; nil (neither): from now on.
    public static func resumePoint(lastEventID: String?, afterSeq: String?) throws(QueryError) -> UInt64? {
        for (parameter, text) in [("Last-Event-ID", lastEventID), ("after_seq", afterSeq)] {
            guard let text, !text.isEmpty else { continue }
            guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let seq = UInt64(text) else {
                throw QueryError(.invalid(parameter: parameter, reason: "must be a sequence number, not \"\(text.prefix(40))\""))
            }
            return seq
        }
        return nil
    }
}
