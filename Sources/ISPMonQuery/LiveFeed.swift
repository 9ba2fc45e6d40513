import ISPMonStore

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
/// One consumer (the connection's task) calls ``next(timeout:)``; the feed is not
/// shared between tasks. Memory is bounded: at most ``batch`` events read ahead,
/// and, in process, at most the subscription's capacity of notices.
public final class LiveFeed {
    public enum Source: Sendable, Hashable {
        /// The store is written by this process (`ispmon run`): notices of its commits.
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
    /// The last event given (or passed over, when events are not selected).
    public private(set) var lastSeq: UInt64
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

    /// A feed of `kinds` from the event after `after` (a reconnecting client's
    /// `Last-Event-ID`; nil: from now on). An `after` beyond the log's end (a client
    /// of another store) is taken as the end. `capacity` bounds the notices held in
    /// process.
    public init(queries: Queries, source: Source, after: UInt64?, kinds: LiveKinds,
                capacity: Int = 256) throws {
        self.queries = queries
        store = queries.store
        self.kinds = kinds
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
        do {
            let end = try store.lastSeq()
            lastSeq = min(after ?? end, end)
            known = end
        } catch {
            subscription?.cancel()
            watch?.leave()
            throw error
        }
        statusDue = kinds.contains(.status)
    }

    deinit { close() }

    /// Stops listening; ``next(timeout:)`` then returns nil at once.
    public func close() {
        guard !closed else { return }
        closed = true
        subscription?.cancel()
        watch?.leave()
        ahead = []
    }

    /// The next message, waiting at most `timeout` (the server writes a keepalive
    /// comment when it returns nil, and calls again). Throws `CancellationError`
    /// once the task is cancelled (the client went away, the server stops), and the
    /// store's errors.
    public func next(timeout: Duration) async throws -> LiveMessage? {
        let deadline = ContinuousClock.now + timeout
        while true {
            try Task.checkCancellation()
            if closed { return nil }
            // The status comes first: what a client shows until anything happens.
            if statusDue && lastStatus == nil {
                statusDue = false
                if let status = try changedStatus() { return .status(status) }
            }
            if aheadStart < ahead.count {
                defer { aheadStart += 1 }
                return ahead[aheadStart]
            }
            if known > lastSeq {
                try readAhead()
                continue
            }
            if statusDue {
                statusDue = false
                if let status = try changedStatus() { return .status(status) }
                continue
            }
            let now = ContinuousClock.now
            guard now < deadline else { return nil }
            guard try await waitForCommit(timeout: deadline - now) else {
                try Task.checkCancellation()
                return nil
            }
        }
    }

    /// Reads the next events the log is known to hold (all of them when events are not selected).
    func readAhead() throws {
        ahead.removeAll(keepingCapacity: true)
        aheadStart = 0
        guard kinds.contains(.event) else {
            lastSeq = known
            return
        }
        let through = min(known, lastSeq + UInt64(LiveFeed.batch))
        var next = lastSeq + 1
        try store.forEach(from: next, through: through) { seq, event in
            ahead.append(.event(seq: seq, line: JSONForms.ndjson([LoggedEvent(seq: seq, event: event)])))
            next = seq + 1
            return true
        }
        // The log is the truth: a record missing before `through` is damage, not a gap to jump.
        guard next > through else {
            throw StoreError(.damaged("the log ends at \(next - 1), not at \(through) as a commit said"), path: store.directory)
        }
        lastSeq = through
    }

    /// Waits for a commit and notes how far the log now is; false on timeout.
    func waitForCommit(timeout: Duration) async throws -> Bool {
        if let subscription {
            guard let message = await subscription.next(timeout: timeout) else { return false }
            switch message {
            case .commit(let notice):
                // A notice at or below what was given repeats what the log gave: its
                // changes may still be news to the status (it was read while it happened).
                known = max(known, notice.range.upperBound)
                if !notice.changes.isEmpty && kinds.contains(.status) { statusDue = true }
            case .fellBehind:
                fellBehindCount += 1
                // What the dropped notices said is unknown: look at the status as the other process's watcher does.
                known = max(known, try store.lastSeq())
                if kinds.contains(.status) { statusDue = true }
            }
            return true
        }
        guard let watch, let newest = try await watch.wait(after: known, timeout: timeout) else { return false }
        known = newest
        // Another process's commits say nothing of what they changed: the digest of
        // the status decides (the status is computed once per commit for all clients).
        if kinds.contains(.status) { statusDue = true }
        return true
    }

    /// The status when its digest differs from the last one given (always the first).
    func changedStatus() throws -> StatusAnswer? {
        let status = try queries.liveStatus()
        let digest = status.digest
        guard digest != lastStatus else { return nil }
        lastStatus = digest
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
