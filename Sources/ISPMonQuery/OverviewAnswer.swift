public import ISPMonCore

/// What the overview (`/`) and the public status page show (docs/web.md): is it down, since when
/// and whose fault; the path in order; the last 24 hours of latency of the router and the internet
/// with the outages among them; the latest outages; recent availability; the last speed test
/// against the plan. From one snapshot of the views (the latency hours aside), so its parts agree
/// with each other and the outages are diagnosed once.
public struct OverviewAnswer: Sendable {
    public var status: StatusAnswer
    /// Whether the state is watched now (``StatusAnswer/isMonitoring(now:staleAfter:)``).
    public var monitoring: Bool
    /// How old the newest result is at the query's `now`, in µs ("last result 4 s ago"); nil
    /// without results.
    public var lastResultAge: Int64?
    public var internet: LayerSince
    public var dns: LayerSince
    /// The open outage with its explanation in people's local time; nil when none is open.
    public var open: OutageDetail?
    /// This machine's links (by name), then the targets in path order (``PathOrder``).
    public var path: [PathStop]
    /// The last 24 hours of the log: up to its newest event.
    public var day: TimeWindow
    /// The connectivity outages that overlap ``day``, by start.
    public var dayOutages: [Outage]
    /// Hourly latency over ``day`` of the first internet target, then of the first router; empty
    /// when the query asks for none.
    public var latency: [LatencyLine]
    /// The newest outages, newest first (at most the query's `recentOutages`).
    public var recentOutages: [Outage]
    public var availability: [RecentAvailability]
    /// The newest speed test; nil when the query asks for none or there is none.
    public var lastSpeedTest: Projection.SpeedTestRecord?
    /// How it compares with the plan; nil without a plan or for a failed test.
    public var lastSpeedTestShare: ServicePlan.Share?

    /// One stop on the path: an interface of this machine or a target.
    public struct PathStop: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case link, target }
        public var kind: Kind
        public var name: String
        /// `link`, or the target's role (`device`, `gateway`, `isp`, `internet`, `dns`).
        public var role: String
        public var state: Projection.Condition
        /// A target's last round-trip time in µs, only while it answers (an RTT of a target that
        /// does not answer now is history).
        public var rtt: Int64?
    }

    public struct LatencyLine: Sendable, Hashable {
        public var target: String
        public var role: Role
        public var rows: [LatencyQuery.Row]
    }
}

/// What an ``OverviewAnswer`` should hold.
public struct OverviewQuery: Sendable {
    /// The wall clock's time, and after how long without a result the state is stale (nil: the
    /// monitor's lock alone decides).
    public var now: Int64
    public var staleAfter: Int64?
    /// How many of the newest outages.
    public var recentOutages: Int
    /// The latency lines, the open outage's explanation and the last speed test: the signed-in
    /// overview's; the public page shows none of them.
    public var details: Bool
    public var plan: ServicePlan?
    /// The zone of "today" and "this week".
    public var zone: CalendarPeriods.Zone

    public init(now: Int64, staleAfter: Int64? = nil, recentOutages: Int = 5, details: Bool = true, plan: ServicePlan? = nil,
                zone: CalendarPeriods.Zone = .local) {
        self.now = now
        self.staleAfter = staleAfter
        self.recentOutages = recentOutages
        self.details = details
        self.plan = plan
        self.zone = zone
    }

    static let day: Int64 = 86_400_000_000
}

extension Queries {
    public func overview(_ q: OverviewQuery) throws -> OverviewAnswer {
        let views = try views(q.details ? [.speedtests] : [])
        let status = StatusAnswer(views, monitorRunning: monitorRunning)
        let outages = views.outages()
        let monitoring = status.isMonitoring(now: q.now, staleAfter: q.staleAfter)
        let end = status.asOf ?? 0
        let day = TimeWindow(since: end - OverviewQuery.day, until: end)
        let links = views.interfaces.values.sorted { $0.name < $1.name }.map { i in
            OverviewAnswer.PathStop(kind: .link, name: i.name, role: "link", state: i.up.map { $0 ? .up : .down } ?? .unknown, rtt: nil)
        }
        let targets = status.targets.sorted { (PathOrder.rank($0.role), $0.name) < (PathOrder.rank($1.role), $1.name) }.map { t in
            OverviewAnswer.PathStop(kind: .target, name: t.name, role: t.role.name, state: t.state, rtt: t.state == .up ? t.lastRTT : nil)
        }
        var latency: [OverviewAnswer.LatencyLine] = []
        var open: OutageDetail?
        var lastTest: Projection.SpeedTestRecord?
        if q.details {
            for role in [Role.internet, .gateway] {
                guard let target = status.targets.first(where: { $0.role == role }) else { continue }
                let rows = try self.latency(LatencyQuery(target: target.name, window: day, period: .hour))
                latency.append(.init(target: target.name, role: role, rows: rows))
            }
            open = status.openOutage.flatMap { OutageDetail(id: $0.id, in: views, time: { LocalTime.format($0) }) }
            if case .tests(let tests) = SpeedTestQuery(period: .test).answer(views) { lastTest = tests.first }  // newest first
        }
        let share: ServicePlan.Share? = if let lastTest, let plan = q.plan, case let .ok(down, up) = lastTest.test.outcome {
            plan.share(downMbps: down, upMbps: up)
        } else { nil }
        return OverviewAnswer(
            status: status, monitoring: monitoring, lastResultAge: status.lastResult.map { max(0, q.now - $0) },
            internet: LayerSince(status, kind: .connectivity, outages: outages, monitoring: monitoring),
            dns: LayerSince(status, kind: .dns, outages: outages, monitoring: monitoring),
            open: open, path: links + targets, day: day,
            dayOutages: outages.filter { $0.kind == .connectivity && ($0.end ?? end) > end - OverviewQuery.day && $0.start < end },
            latency: latency, recentOutages: Array(outages.suffix(q.recentOutages).reversed()),
            availability: RecentAvailability.answers(views, outages: outages, zone: q.zone),
            lastSpeedTest: lastTest, lastSpeedTestShare: share)
    }
}
