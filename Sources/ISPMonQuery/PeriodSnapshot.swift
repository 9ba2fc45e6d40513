public import ISPMonCore

/// Everything a report of a period needs (docs/reports.md), from one read of the views: the
/// availability of the period and per day (per hour for a week or less), the outages that
/// overlap it with their causes and notes, latency and loss per target and per layer, the speed
/// tests against the plan, and the events' counts and sequence range. The days and hours are
/// the given zone's, never the process's `TZ`. Every number is one the commands also give
/// (`availability`, `outages`, `latency`, `speedtests`, `export`).
public struct PeriodSnapshot: Sendable {
    /// [start, end) in µs.
    public var start: Int64
    public var end: Int64
    public var zone: CalendarPeriods.Zone
    /// The store's last commit the snapshot reflects: the events counted end there too.
    public var lastSeq: UInt64

    /// The whole period (nil when the log has nothing of it).
    public var availability: AvailabilityQuery.Answer?
    /// Per hour for a period of a week or less, else per day.
    public var availabilityUnit: AvailabilityQuery.Period
    public var availabilityPer: [AvailabilityQuery.Answer]
    /// Every outage that overlaps the period, by start; open ones run to the newest event.
    public var outages: [Outage]
    /// Per target, then per layer, per ``latencyUnit`` (UTC hours or days, as the latency view keeps them).
    public var latencyUnit: LatencyQuery.Period
    public var targetLatency: [LatencyQuery.Row]
    public var layerLatency: [LayerLatency]
    public var speedTests: SpeedTests
    public var events: EventCounts

    /// One layer's probes pooled (every target of it): loss and the RTT distribution. No jitter:
    /// jitter is a target's, between its own successive probes.
    public struct LayerLatency: Sendable, Hashable {
        public var layer: Projection.Layer
        public var start: Int64
        public var stats: HourStats
    }

    public struct SpeedTests: Sendable, Hashable {
        /// In time order.
        public var tests: [Projection.SpeedTestRecord]
        public var count: Int { tests.count }
        public var failures: Int
        /// Successful tests below the plan's share of either rate; 0 without a plan.
        public var slow: Int
        public var down: SpeedTestQuery.Spread?
        public var up: SpeedTestQuery.Spread?
    }

    public struct EventCounts: Sendable, Hashable {
        public var count: Int
        /// nil for a period without events.
        public var firstSeq: UInt64?
        public var lastSeq: UInt64?
        /// Every type, 0 for those the period has none of.
        public var byType: [EventType: Int]
        /// No event: every type 0.
        public static var none: EventCounts {
            EventCounts(count: 0, firstSeq: nil, lastSeq: nil, byType: Dictionary(uniqueKeysWithValues: EventType.allCases.map { ($0, 0) }))
        }

        /// Counts `e`, the next event in the log's order.
        mutating func add(_ e: LoggedEvent) {
            count += 1
            if firstSeq == nil { firstSeq = e.seq }
            lastSeq = e.seq
            byType[e.event.type, default: 0] += 1
        }

        /// Adds the counts of the events that come after these in the log.
        mutating func append(_ later: EventCounts) {
            count += later.count
            if firstSeq == nil { firstSeq = later.firstSeq }
            lastSeq = later.lastSeq ?? lastSeq
            for (type, n) in later.byType { byType[type, default: 0] += n }
        }
    }

    /// Connectivity outages by cause (those that overlap the period).
    public var outagesByCause: [Outage.Cause: Int] {
        outages.filter { $0.kind == .connectivity }.reduce(into: [:]) { $0[$1.cause, default: 0] += 1 }
    }
}

/// The period a report covers: [start, end) and the zone of its days.
public struct PeriodQuery: Sendable, Equatable {
    public var start: Int64
    public var end: Int64
    public var zone: CalendarPeriods.Zone
    /// The plan the speed tests are held against (the config's `plan:`); nil: none is slow.
    public var plan: ServicePlan?

    public init(start: Int64, end: Int64, zone: CalendarPeriods.Zone = .utc, plan: ServicePlan? = nil) {
        self.start = start
        self.end = end
        self.zone = zone
        self.plan = plan
    }

    /// Hourly availability for a week or less.
    static let hourlyUpTo: Int64 = 7 * 86_400_000_000

    /// The latency view's periods (UTC hours for a week or less, else UTC days) that overlap [start, end).
    var latency: LatencyQuery {
        LatencyQuery(window: TimeWindow(since: start, until: end - 1), period: end - start <= Self.hourlyUpTo ? .hour : .day)
    }

    public func answer(_ p: Projection, events: PeriodSnapshot.EventCounts) -> PeriodSnapshot {
        let window = TimeWindow(since: start, until: end)
        let outages = p.outages()
        let unit: AvailabilityQuery.Period = end - start <= Self.hourlyUpTo ? .hour : .day
        let newest = p.newestTime ?? start
        let overlapping = outages.filter { o in o.start < end && (o.end ?? newest) >= start }
        // The latency view's periods that overlap [start, end).
        let rows = latency.answer(p)
        let targets = p.targets
        var layers: [Projection.Layer: [Int64: HourStats]] = [:]
        for r in rows {
            guard let role = targets[r.target]?.role else { continue }
            layers[Projection.Layer(role), default: [:]][r.start, default: HourStats()].pool(r.stats)
        }
        let layerRows = layers.keys.sorted { $0.rawValue < $1.rawValue }.flatMap { layer in
            (layers[layer] ?? [:]).sorted { $0.key < $1.key }.map { PeriodSnapshot.LayerLatency(layer: layer, start: $0.key, stats: $0.value) }
        }
        let tests = p.speedTests.filter { $0.time >= start && $0.time < end }.sorted { $0.time < $1.time }
        var downs: [Double] = [], ups: [Double] = [], slow = 0
        for t in tests {
            guard case let .ok(down, up) = t.test.outcome else { continue }
            downs.append(down)
            ups.append(up)
            if plan?.isSlow(downMbps: down, upMbps: up) == true { slow += 1 }
        }
        return PeriodSnapshot(
            start: start, end: end, zone: zone, lastSeq: p.lastSeq,
            availability: AvailabilityQuery(window: window).answer(p, outages: outages).first,
            availabilityUnit: unit,
            availabilityPer: AvailabilityQuery(window: window, period: unit, zone: zone).answer(p, outages: outages),
            outages: overlapping, latencyUnit: latency.period, targetLatency: rows, layerLatency: layerRows,
            speedTests: .init(tests: tests, failures: tests.count - downs.count, slow: slow,
                              down: SpeedTestQuery.Spread(downs), up: SpeedTestQuery.Spread(ups)),
            events: events)
    }
}

extension Queries {
    /// The snapshot of `q`'s period: the views read once, and the events of the period counted
    /// up to the commit those views reflect (through the event index: only the period's hours
    /// are read), so every number is of the same log.
    public func period(_ q: PeriodQuery) throws -> PeriodSnapshot {
        let p = try views([.outages, .latency, .speedtests], hours: q.latency.hours)
        var counts = PeriodSnapshot.EventCounts.none
        if q.end > q.start {
            let selection = EventQuery(window: TimeWindow(since: q.start, until: q.end - 1), beforeSeq: p.lastSeq &+ 1, order: .asc)
            try forEachEvent(selection) { e in
                counts.add(e)
                return true
            }
        }
        return q.answer(p, events: counts)
    }
}
