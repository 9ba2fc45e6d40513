public import ISPMonCore
import ISPMonStore

/// A search of the raw log (`ispmon events`, `GET /api/v1/events`): filters, a
/// text search, and paging by sequence number without gaps.
public struct EventQuery: Sendable, Hashable {
    public enum Order: String, Sendable, Hashable { case asc, desc }

    public static let defaultLimit = 100
    public static let maxLimit = 10_000

    public var window: TimeWindow
    public var type: EventType?
    /// Only probes of this target.
    public var target: String?
    /// A case-insensitive substring of a probe's target, error or detail, a note's
    /// text, or a speed test's server or error.
    public var text: String?
    /// Only events with a sequence number below / above these (the paging cursors).
    public var beforeSeq: UInt64?
    public var afterSeq: UInt64?
    public var limit: Int
    public var order: Order

    public init(window: TimeWindow = TimeWindow(), type: EventType? = nil, target: String? = nil, text: String? = nil,
                beforeSeq: UInt64? = nil, afterSeq: UInt64? = nil, limit: Int = EventQuery.defaultLimit, order: Order = .desc) {
        self.window = window
        self.type = type
        self.target = target
        self.text = text
        self.beforeSeq = beforeSeq
        self.afterSeq = afterSeq
        self.limit = limit
        self.order = order
    }

    public func validate() throws(QueryError) {
        guard (1...EventQuery.maxLimit).contains(limit) else {
            throw QueryError(.invalid(parameter: "limit", reason: "must be 1 to \(EventQuery.maxLimit), not \(limit)"))
        }
        if let text, text.utf8.count > 1024 {
            throw QueryError(.invalid(parameter: "q", reason: "at most 1024 bytes"))
        }
    }

    public func matches(_ e: Event) -> Bool {
        if !window.contains(e.time.microseconds) { return false }
        if let type, e.type != type { return false }
        if let target {
            guard case .probe(let p) = e.body, p.target == target else { return false }
        }
        if let needle = text?.lowercased(), !needle.isEmpty {
            return EventQuery.searchable(e).contains { $0.lowercased().contains(needle) }
        }
        return true
    }

    static func searchable(_ e: Event) -> [String] {
        switch e.body {
        case .probe(let p):
            var fields = [p.target]
            if case .failed(let error) = p.outcome { fields.append(error) }
            if let d = p.detail { fields.append(d) }
            return fields
        case .speedtest(let s):
            if case .failed(let error) = s.outcome { return [s.server, error] }
            return [s.server]
        case .note(let n): return [n.text]
        case .notify(let n): return [n.key, n.channel] + (n.error.map { [$0] } ?? []) + (n.detail.map { [$0] } ?? [])
        case .link, .trace, .monitor, .job, .clock: return []
        }
    }
}

/// One event of the log with its sequence number.
public struct LoggedEvent: Sendable, Hashable {
    public var seq: UInt64
    public var event: Event
}

extension Queries {
    /// The events the query selects, in its order, at most `limit`. Descending reads
    /// the log backwards from the newest (or `beforeSeq`), so the first page is cheap.
    public func events(_ q: EventQuery) throws -> [LoggedEvent] {
        try q.validate()
        return try search(q, limit: q.limit)
    }

    /// Every `trace` event in the window, newest first.
    public func traces(_ window: TimeWindow = TimeWindow()) throws -> [LoggedEvent] {
        try search(EventQuery(window: window, type: .trace), limit: .max)
    }

    /// Every event `q` selects, in its order, handed to `body` one at a time until it returns
    /// false: memory does not grow with the log (`ispmon export`, `ispmon events`). `q.limit`
    /// does not apply; `q.afterSeq` resumes after an event already seen (`events --follow`).
    public func forEachEvent(_ q: EventQuery, _ body: (LoggedEvent) -> Bool) throws {
        try scan(q, body)
    }

    /// The events `q` selects, in its order, at most `limit`.
    func search(_ q: EventQuery, limit: Int) throws -> [LoggedEvent] {
        var found: [LoggedEvent] = []
        guard limit > 0 else { return [] }
        try scan(q) { e in
            found.append(e)
            return found.count < limit
        }
        return found
    }

    /// The events `q` selects, in its order, until `body` returns false. The event index
    /// (ISPMonStore's EventIndex) narrows what is read: a time window reads only the records of
    /// its hours, a type other than probes only the events of that type. What the index does not
    /// cover yet (a store being indexed) is read in full, so the answer is the same either way.
    func scan(_ q: EventQuery, _ body: (LoggedEvent) -> Bool) throws {
        var more = true
        let low = (q.afterSeq ?? 0) &+ 1
        let high = min(q.beforeSeq.map { $0 == 0 ? 0 : $0 - 1 } ?? .max, try store.lastSeq())
        guard low <= high, low > 0 else { return }
        let windowed = q.window.since != nil || q.window.until != nil
        let (indexed, bounds) = windowed ? try store.seqBounds(since: q.window.since, until: q.window.until)
                                         : (try store.indexedSeq(), nil)
        // The part the index covers, narrowed to the window's hours (nil: nothing there).
        var covered: ClosedRange<UInt64>? = indexed >= low ? low...min(high, indexed) : nil
        if windowed, let c = covered {
            covered = bounds.flatMap { b in max(c.lowerBound, b.lowerBound) <= min(c.upperBound, b.upperBound)
                ? max(c.lowerBound, b.lowerBound)...min(c.upperBound, b.upperBound) : nil }
        }
        let rest: ClosedRange<UInt64>? = max(low, indexed + 1) <= high ? max(low, indexed + 1)...high : nil
        let rare = q.type.flatMap { $0 == .probe ? nil : $0 }

        func visit(_ seq: UInt64, _ e: Event) -> Bool {
            if q.matches(e) { more = body(LoggedEvent(seq: seq, event: e)) }
            return more
        }
        func read(_ r: ClosedRange<UInt64>, typed: Bool) throws {
            guard more else { return }
            guard typed, let rare else {
                switch q.order {
                case .asc: try store.forEach(from: r.lowerBound, through: r.upperBound, visit)
                case .desc: try store.forEachBackward(from: r.upperBound, through: r.lowerBound, visit)
                }
                return
            }
            // Page through the type's sequence numbers: the window or the text may pass over some.
            var from = r.lowerBound, through = r.upperBound
            while more, from <= through {
                let page = try store.seqs(of: rare, from: from, through: through, descending: q.order == .desc, limit: 256)
                guard let end = page.last else { return }
                try store.events(at: page, visit)
                if q.order == .desc { guard end > from else { return }; through = end - 1 } else { from = end + 1 }
            }
        }
        switch q.order {
        case .asc:
            if let covered { try read(covered, typed: true) }
            if let rest { try read(rest, typed: false) }
        case .desc:
            if let rest { try read(rest, typed: false) }
            if let covered { try read(covered, typed: true) }
        }
    }
}
