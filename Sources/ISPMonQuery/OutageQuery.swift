public import ISPMonCore

/// `ispmon outages`: the outages that overlap a window, optionally only the long ones.
public struct OutageQuery: Sendable, Hashable {
    public var window: TimeWindow
    /// In seconds: only outages lasting at least this long.
    public var minDuration: Double?
    /// Only outages of this kind, or of this cause (the outages page narrows its list by them;
    /// the API and the CLI answer every kind and cause: a program filters the JSON).
    public var kind: Outage.Kind?
    public var cause: Outage.Cause?

    public init(window: TimeWindow = TimeWindow(), minDuration: Double? = nil, kind: Outage.Kind? = nil, cause: Outage.Cause? = nil) {
        self.window = window
        self.minDuration = minDuration
        self.kind = kind
        self.cause = cause
    }

    /// The answer from the views `p`, sorted by start. An open outage lasts until the newest event.
    public func answer(_ p: Projection) -> [Outage] { answer(from: p.outages(), newest: p.newestTime ?? 0) }

    /// The same from outages already diagnosed (`p.outages()`), `newest` being the newest event's time.
    public func answer(from all: [Outage], newest now: Int64) -> [Outage] {
        all.filter { o in
            if !window.overlaps(o.start, o.end ?? now) { return false }
            if let minDuration, Double(o.duration) / 1e6 < minDuration { return false }
            if let kind, o.kind != kind { return false }
            if let cause, o.cause != cause { return false }
            return true
        }
    }
}

extension Queries {
    public func outages(_ q: OutageQuery = OutageQuery(), asOf: Timestamp? = nil) throws -> [Outage] {
        q.answer(try views(asOf: asOf))
    }

    /// One outage with its explanation and timeline; nil when no outage has the id.
    public func outage(id: String, asOf: Timestamp? = nil) throws -> OutageDetail? {
        OutageDetail(id: id, in: try views(asOf: asOf))
    }

    /// The same, its explanation in people's local time (a page).
    public func outageForPeople(id: String) throws -> OutageDetail? {
        OutageDetail(id: id, in: try views(), time: { LocalTime.format($0) })
    }
}
