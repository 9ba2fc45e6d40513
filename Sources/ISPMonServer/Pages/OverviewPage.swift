import ISPMonCharts
import ISPMonCore
import ISPMonControl
import ISPMonQuery

/// `/`: is it down, since when, whose fault; the path; the last 24 h of latency of the router
/// and the internet; the latest outages (docs/web.md). The query layer's ``OverviewAnswer`` in
/// words and charts.
enum OverviewPage {
    struct Values {
        var internet: StateBox
        var dns: StateBox
        /// What app.js compares with the stream's status to know the page is out of date.
        var shown: String
        var open: OpenOutage?
        var activity: String
        /// While the state is watched: how fresh it is (app.js keeps counting).
        var freshness: Freshness?
        var path: [PathNode]
        var charts: [Chart]
        var outages: [OutageRow]
        var availability: [AvailabilityRow]
        var speedtest: SpeedTest?
    }

    struct OpenOutage {
        var id: String
        var duration: String
        var cause: String
        var culprits: [String]
        var explanation: String
    }

    struct Freshness {
        /// "4 s", as app.js writes it (``ago(_:)``).
        var ago: String
        /// The newest result and the server's now, in ms since the epoch, for app.js to count on
        /// from (the browser's clock may differ from the server's: only the difference is used).
        var lastResultMs: Int64
        var serverNowMs: Int64
    }

    static func freshness(_ a: OverviewAnswer, now: Int64) -> Freshness? {
        guard a.monitoring, let last = a.status.lastResult, let age = a.lastResultAge else { return nil }
        return Freshness(ago: ago(age), lastResultMs: last / 1000, serverNowMs: now / 1000)
    }

    /// An age in words: `4 s`, `2 min 5 s`, `3 h 20 min`. app.js writes the same.
    static func ago(_ us: Int64) -> String {
        let s = max(0, us) / 1_000_000
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s / 60 % 60) min"
    }

    struct PathNode {
        var name: String
        var role: String
        var state: String
        var rtt: String
        var href: String
    }

    struct Chart {
        var title: String
        var svg: String
    }

    struct SpeedTest {
        var time: String
        var server: String
        var down: String?
        var up: String?
        var plan: String?
        var slow: Bool
        var failed: String?
    }

    /// `activity`: what the monitor in this process is doing (`ispmon run`), in the words app.js
    /// uses when the stream tells it.
    static func values(_ a: OverviewAnswer, plan: ServicePlan?, activity: MonitorActivity?, now: Int64) -> Values {
        let status = a.status
        let shades = a.dayOutages.map(shade(end: a.day.until ?? 0))
        let charts = a.latency.map { line in
            let chart = LatencyChart(start: a.day.since ?? 0, end: a.day.until ?? 0, periods: line.rows.map(period), outages: shades,
                                     label: "latency and loss of \(line.target), the last 24 hours")
            return Chart(title: "Latency of \(line.target) (\(line.role == .internet ? "the internet" : "the router")), last 24 h",
                         svg: ChartPair.html { chart.svg(width: $0, height: $0 < 500 ? 200 : 240) })
        }
        return Values(
            internet: StateBox(a.internet), dns: StateBox(a.dns),
            shown: "\(status.connectivity.rawValue) \(status.dns.rawValue) \(status.openOutage?.id ?? "-") \(status.monitor.rawValue)",
            open: a.open.map { d in
                OpenOutage(id: d.outage.id, duration: NumberText.duration(d.outage.duration), cause: d.outage.cause.inWords,
                           culprits: d.outage.culprits, explanation: d.explanation)
            },
            activity: status.monitor != .running ? "the monitor is not running" : activity.map(words) ?? "the monitor is running",
            freshness: freshness(a, now: now),
            path: a.path.map { stop in
                PathNode(name: stop.name, role: stop.role, state: stop.state.rawValue,
                         rtt: stop.rtt.map { NumberText.format(Double($0) / 1000, decimals: 1) + " ms" } ?? "",
                         href: stop.kind == .link ? "/events?type=link" : "/latency?target=" + PageText.query(stop.name))
            },
            charts: charts, outages: a.recentOutages.map { OutageRow($0) },
            availability: AvailabilityRow.recent(a.availability),
            speedtest: a.lastSpeedTest.map { speedTest($0, share: a.lastSpeedTestShare, plan: plan) })
    }

    /// An outage shaded on a latency chart (an open one up to `end`).
    static func shade(end: Int64) -> (Outage) -> LatencyChart.Shade {
        { o in LatencyChart.Shade(start: o.start, end: o.end ?? end, title: "outage: " + o.cause.inWords + ", " + NumberText.duration(o.duration)) }
    }

    /// What the monitor is doing, as the overview's live line says it.
    static func words(_ a: MonitorActivity) -> String {
        if let s = a.speedTest {
            return "speed test: \(s.phase) \(NumberText.format(s.mbps, decimals: 0)) Mb/s, \(NumberText.format(s.progress * 100, decimals: 0)) %"
        }
        if let destination = a.traceDestination { return "tracing the path to " + destination }
        let n = a.probesInFlight
        return n > 0 ? "probing \(n) target" + (n == 1 ? "" : "s") : "waiting for the next probes"
    }

    /// The last speed test, against the plan.
    static func speedTest(_ r: Projection.SpeedTestRecord, share: ServicePlan.Share?, plan: ServicePlan?) -> SpeedTest {
        var v = SpeedTest(time: LocalTime.format(r.time), server: r.test.server, slow: false)
        switch r.test.outcome {
        case let .ok(down, up):
            v.down = ViewPages.mbps(down)
            v.up = ViewPages.mbps(up)
            if let share, let plan {
                v.plan = "\(NumberText.format(share.downPercent, decimals: 0)) % and \(NumberText.format(share.upPercent, decimals: 0)) % of the plan (\(ViewPages.mbps(plan.downMbps)) / \(ViewPages.mbps(plan.upMbps)))"
                v.slow = share.slow
            }
        case .failed(let error): v.failed = error
        }
        return v
    }

    /// The public status page (`web.public_status`).
    struct PublicValues {
        struct OpenOutage {
            var duration: String
            var cause: String
        }

        var internet: StateBox
        var dns: StateBox
        var open: OpenOutage?
        var availability: [AvailabilityRow]
        var outages: [OutageRow]
        var asOf: String
    }

    /// The state, availability and the outages with their causes in words; no target's name or
    /// address, no culprits, no ids, no actions.
    static func publicValues(_ a: OverviewAnswer) -> PublicValues {
        PublicValues(internet: StateBox(a.internet), dns: StateBox(a.dns),
                     open: a.status.openOutage.map { .init(duration: NumberText.duration($0.duration), cause: $0.cause.inWords) },
                     availability: AvailabilityRow.recent(a.availability),
                     outages: a.recentOutages.map { OutageRow($0, withId: false) },
                     asOf: PageText.time(a.status.asOf) ?? "–")
    }

    /// One hour (or day) of `ispmon latency`, as the chart takes it.
    static func period(_ row: LatencyQuery.Row) -> LatencyChart.Period {
        period(row, length: 3_600_000_000)
    }

    static func period(_ row: LatencyQuery.Row, length: Int64) -> LatencyChart.Period {
        let s = row.stats
        return LatencyChart.Period(start: row.start, end: row.start + length, sent: s.sent, lost: s.lost,
                                   minMs: s.minMs, p50Ms: s.percentileMs(50), p95Ms: s.percentileMs(95), maxMs: s.maxMs)
    }
}
