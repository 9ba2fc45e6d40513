import ISPMonCore

/// `/path` (docs/web.md): the newest trace, each hop named where it is known (the router, the
/// ISP's first hop), and when the first three hops changed: a new router, a new ISP line, a
/// route that moved.
public struct PathAnswer: Sendable, Hashable {
    public struct Hop: Sendable, Hashable {
        public enum Place: Sendable, Hashable { case router, ispFirstHop }
        public var ttl: Int
        public var address: String?
        public var rtt: Int64?
        public var place: Place?
    }

    public struct Trace: Sendable, Hashable {
        public var destination: String
        public var time: Int64
        public var hops: [Hop]
    }

    public struct Change: Sendable, Hashable {
        /// The first trace with these hops.
        public var time: Int64
        /// The first three hops' addresses; nil: that hop did not answer.
        public var firstHops: [String?]
    }

    /// The newest trace; nil when none was logged.
    public var latest: Trace?
    /// Newest first, at most ``maxChanges``.
    public var changes: [Change]

    public static let maxChanges = 50
    static let comparedHops = 3

    /// From the logged traces, newest first (``Queries/traces(_:)``).
    init(traces: [LoggedEvent]) {
        if let newest = traces.first, case .trace(let t) = newest.event.body {
            let isp = t.ispHop
            latest = Trace(destination: t.destination, time: newest.event.time.microseconds, hops: t.hops.map { h in
                Hop(ttl: Int(h.ttl), address: h.address, rtt: h.rtt,
                    place: h.ttl == 1 ? .router : h.address != nil && h.address == isp ? .ispFirstHop : nil)
            })
        }
        var changes: [Change] = []
        var previous: [String?]?
        for e in traces.reversed() {
            guard case .trace(let t) = e.event.body else { continue }
            let first = t.hops.prefix(Self.comparedHops).map(\.address)
            if first != previous {
                changes.append(Change(time: e.event.time.microseconds, firstHops: first))
                previous = first
            }
        }
        self.changes = Array(changes.reversed().prefix(Self.maxChanges))
    }
}

extension Queries {
    public func path() throws -> PathAnswer { PathAnswer(traces: try traces()) }
}
