/// `since`/`until` of a query, in µs since the epoch; nil is open.
public struct TimeWindow: Sendable, Hashable {
    public var since: Int64?
    public var until: Int64?

    public init(since: Int64? = nil, until: Int64? = nil) {
        self.since = since
        self.until = until
    }

    /// Whether [start, end] meets the window (a point in time when start == end).
    public func overlaps(_ start: Int64, _ end: Int64) -> Bool {
        if let since, end < since { return false }
        if let until, start > until { return false }
        return true
    }

    public func contains(_ t: Int64) -> Bool { overlaps(t, t) }
}
