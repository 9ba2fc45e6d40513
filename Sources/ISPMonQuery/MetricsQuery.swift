public import ISPMonCore
import ISPMonStore

/// What `GET /metrics` reports (docs/metrics.md): the numbers of the Prometheus
/// families, taken from one snapshot of the views. ``PrometheusExposition`` writes them.
///
/// Everything here comes from the stored views, never from a scan of the log, so a
/// scrape (every 15 s, on a Pi) costs what the history kept costs to read, not what
/// the events do: the outages view, the speed tests, and two numbers of each hourly
/// record, summed.
public struct MetricsAnswer: Sendable, Hashable {
    /// One target, under its latest role and method (a target whose role changes is
    /// reported under the new one from its next probe on, as in `status`).
    public struct Target: Sendable, Hashable {
        public var name: String
        public var role: Role
        public var method: ProbeMethod
        public var state: Projection.Condition
        /// µs of its latest successful probe; nil when it never succeeded.
        public var lastRTT: Int64?
        /// Every probe of the target in the log, by result: the sums of `sent - lost`
        /// and `lost` over all of its hourly records.
        public var succeeded: UInt64
        public var failed: UInt64

        public init(name: String, role: Role, method: ProbeMethod, state: Projection.Condition,
                    lastRTT: Int64?, succeeded: UInt64, failed: UInt64) {
            (self.name, self.role, self.method, self.state) = (name, role, method, state)
            (self.lastRTT, self.succeeded, self.failed) = (lastRTT, succeeded, failed)
        }
    }

    /// The ended outages of one kind and cause.
    public struct OutageTotal: Sendable, Hashable {
        public var kind: Outage.Kind
        public var cause: Outage.Cause
        public var count: Int
        /// Sum of their durations, µs.
        public var duration: Int64
    }

    /// The causes each kind can have (views.md "Causes"), in path order: every pair is
    /// reported, at 0 until it happens, so that a counter exists before its first
    /// increase (Prometheus's `rate` and `increase` need the 0).
    public static let causes: [(Outage.Kind, [Outage.Cause])] = [
        (.connectivity, Outage.Cause.allCases.filter { $0 != .dns }),
        (.dns, [.dns]),
    ]

    public var connectivity: Projection.Condition
    public var dns: Projection.Condition
    /// By name (byte order), so the same views give the same bytes.
    public var targets: [Target]
    /// One per pair of ``causes``, in that order.
    public var outageTotals: [OutageTotal]
    public var connectivityOutageOpen: Bool
    public var dnsOutageOpen: Bool
    /// The latest successful speed test in log order; nil when none succeeded.
    public var lastSpeedTest: Rates?
    /// The sequence number of the newest event the views reflect: the log's last one.
    public var lastSeq: UInt64
    /// Bytes of the store's files.
    public var storeBytes: Int

    /// A speed test's rates, Mbps (10^6 bit/s) as recorded.
    public struct Rates: Sendable, Hashable {
        public var down: Double
        public var up: Double
    }

    /// The metrics the views `p` give for a store of `storeBytes` bytes. `probes` are the
    /// targets' probe counts read with them (``EventStore/loadViewsCountingProbes(_:)``);
    /// without them they are summed from `p`'s hours (its latency view loaded).
    public init(_ p: Projection, probes: [String: ViewRecords.ProbeCount]? = nil, storeBytes: Int) {
        connectivity = p.condition(of: .internet)
        dns = p.condition(of: .dns)
        let counts = probes ?? p.hours.mapValues { hours in
            hours.values.reduce(into: ViewRecords.ProbeCount()) { c, h in
                c.sent += h.sent
                c.lost += h.lost
            }
        }
        targets = p.targets.values.map { t in
            let c = counts[t.name] ?? ViewRecords.ProbeCount()
            return Target(name: t.name, role: t.role, method: t.method, state: t.state, lastRTT: t.lastRTT,
                          succeeded: c.sent - c.lost, failed: c.lost)
        }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }

        let outages = p.outages()
        var totals: [OutageTotal] = []
        for (kind, causes) in Self.causes {
            for cause in causes { totals.append(OutageTotal(kind: kind, cause: cause, count: 0, duration: 0)) }
        }
        for o in outages where o.end != nil {
            guard let i = totals.firstIndex(where: { $0.kind == o.kind && $0.cause == o.cause }) else { continue }
            totals[i].count += 1
            totals[i].duration += o.duration
        }
        outageTotals = totals
        connectivityOutageOpen = outages.contains { $0.end == nil && $0.kind == .connectivity }
        dnsOutageOpen = outages.contains { $0.end == nil && $0.kind == .dns }

        lastSpeedTest = nil
        for r in p.speedTests.reversed() {
            if case let .ok(down, up) = r.test.outcome {
                lastSpeedTest = Rates(down: down, up: up)
                break
            }
        }
        lastSeq = p.lastSeq
        self.storeBytes = storeBytes
    }
}

extension Queries {
    /// The metrics now, from one read of the views (the outages and speed test views, and
    /// the counts of every hourly record) and the store's size. Nothing as of a past
    /// time: a scrape is about now. Stored views that are not current are replayed, as
    /// for every query (``views(_:hoursOf:asOf:)``).
    public func metrics() throws -> MetricsAnswer {
        let bytes = store.bytesOnDisk()
        if let read = try store.loadViewsCountingProbes([.speedtests]) {
            return MetricsAnswer(read.views, probes: read.probes, storeBytes: bytes)
        }
        return MetricsAnswer(try views([.latency, .speedtests]), storeBytes: bytes)
    }
}
