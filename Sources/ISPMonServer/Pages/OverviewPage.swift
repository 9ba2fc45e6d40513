import ISPMonCharts
import ISPMonCore
import ISPMonControl
import ISPMonQuery

/// `/`: is it down, since when, whose fault; the path; the last 24 h of latency of the router
/// and the internet; the latest outages (docs/web.md). From the query layer's answers only.
enum OverviewPage {
    static let day: Int64 = 86_400_000_000

    /// `activity`: what the monitor in this process is doing (`ispmon run`), in the words app.js
    /// uses when the stream tells it. `now` and `staleAfter`: whether the state is fresh
    /// (``StatusAnswer/isMonitoring(now:staleAfter:)``).
    static func values(_ queries: Queries, plan: ServicePlan?, activity: MonitorActivity? = nil,
                       now: Int64, staleAfter: Int64? = nil) throws -> [String: Any] {
        // One snapshot of the views for everything on the page (the latency hours aside), so
        // its parts agree with each other and the outages are diagnosed once.
        let views = try queries.views([.speedtests])
        let status = StatusAnswer(views, monitorRunning: queries.monitorRunning)
        let outages = OutageQuery().answer(views)
        var values = bigStates(status, outages, now: now, staleAfter: staleAfter)
        values["shown"] = "\(status.connectivity.rawValue) \(status.dns.rawValue) \(status.openOutage?.id ?? "-") \(status.monitor.rawValue)"
        if let open = status.openOutage {
            values["open"] = [
                "id": open.id, "duration": NumberText.duration(open.duration), "cause": open.cause.inWords, "culprits": open.culprits,
                "explanation": OutageDetail(id: open.id, in: views, time: { LocalTime.format($0) })?.explanation ?? "",
            ] as [String: Any]
        }
        values["activity"] = status.monitor != .running ? "the monitor is not running" : activity.map(words) ?? "the monitor is running"
        let order: [Role] = [.device, .gateway, .isp, .internet, .dns]
        // This machine's link first (each watched interface), then the targets in path order.
        let links = views.interfaces.values.sorted { $0.name < $1.name }.map { i -> [String: Any] in
            ["name": i.name, "role": "link", "state": i.up.map { $0 ? "up" : "down" } ?? "unknown", "rtt": "",
             "href": "/events?type=link"]
        }
        values["path"] = links + status.targets.sorted { (order.firstIndex(of: $0.role) ?? 9, $0.name) < (order.firstIndex(of: $1.role) ?? 9, $1.name) }
            .map { t -> [String: Any] in
                ["name": t.name, "role": t.role.name, "state": t.state.rawValue,
                 // A target that does not answer now has no RTT to show (its last one is history).
                 "rtt": t.state == .up ? t.lastRTT.map { NumberText.format(Double($0) / 1000, decimals: 1) + " ms" } ?? "" : "",
                 "href": "/latency?target=" + PageText.query(t.name)]
            }
        // The last 24 h of the log (its newest event: now, for a running monitor).
        let end = status.asOf ?? 0
        let start = end - day
        let shades = outages.filter { $0.kind == .connectivity && ($0.end ?? end) > start && $0.start < end }
            .map { LatencyChart.Shade(start: $0.start, end: $0.end ?? end, title: "outage: " + $0.cause.inWords + ", " + NumberText.duration($0.duration)) }
        var charts: [[String: Any]] = []
        for role in [Role.internet, .gateway] {
            guard let target = status.targets.first(where: { $0.role == role }) else { continue }
            let rows = try queries.latency(LatencyQuery(target: target.name, window: TimeWindow(since: start, until: end), period: .hour))
            let chart = LatencyChart(start: start, end: end, periods: rows.map(period), outages: shades,
                                     label: "latency and loss of \(target.name), the last 24 hours")
            charts.append(["title": "Latency of \(target.name) (\(role == .internet ? "the internet" : "the router")), last 24 h", "svg": ChartPair.html { chart.svg(width: $0, height: $0 < 500 ? 200 : 240) }])
        }
        values["charts"] = charts
        values["outages"] = outages.suffix(5).reversed().map(PageText.outageRow)
        values["availability"] = AvailabilityRows.recent(views, outages: outages)
        // The answer is newest first.
        if case .tests(let tests) = SpeedTestQuery(period: .test).answer(views), let last = tests.first {
            values["speedtest"] = speedTest(last, plan: plan)
        }
        return values
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
    static func speedTest(_ r: Projection.SpeedTestRecord, plan: ServicePlan?) -> [String: Any] {
        var v: [String: Any] = ["time": LocalTime.format(r.time), "server": r.test.server]
        switch r.test.outcome {
        case let .ok(down, up):
            v["down"] = ViewPages.mbps(down)
            v["up"] = ViewPages.mbps(up)
            if let plan {
                v["plan"] = "\(NumberText.format(down * 100 / plan.downMbps, decimals: 0)) % and \(NumberText.format(up * 100 / plan.upMbps, decimals: 0)) % of the plan (\(ViewPages.mbps(plan.downMbps)) / \(ViewPages.mbps(plan.upMbps)))"
                v["slow"] = plan.isSlow(downMbps: down, upMbps: up)
            }
        case .failed(let error): v["failed"] = error
        }
        return v
    }

    /// The public status page (`web.public_status`): the state, availability and the outages
    /// with their causes in words; no target's name or address, no culprits, no actions.
    static func publicValues(_ queries: Queries, now: Int64, staleAfter: Int64? = nil) throws -> [String: Any] {
        let views = try queries.views()
        let status = StatusAnswer(views, monitorRunning: queries.monitorRunning)
        let outages = OutageQuery().answer(views)
        var values = bigStates(status, outages, now: now, staleAfter: staleAfter)
        if let open = status.openOutage {
            values["open"] = ["duration": NumberText.duration(open.duration), "cause": open.cause.inWords]
        }
        values["availability"] = AvailabilityRows.recent(views, outages: outages)
        values["outages"] = outages.suffix(20).reversed().map { o -> [String: Any] in
            var row = PageText.outageRow(o)
            row["id"] = nil
            return row
        }
        values["as_of"] = PageText.time(status.asOf) ?? "–"
        return values
    }

    /// One hour (or day) of `ispmon latency`, as the chart takes it.
    static func period(_ row: LatencyQuery.Row) -> LatencyChart.Period {
        let s = row.stats
        return LatencyChart.Period(start: row.start, end: row.start + 3_600_000_000, sent: s.sent, lost: s.lost,
                                   minMs: s.minMs, p50Ms: s.percentileMs(50), p95Ms: s.percentileMs(95), maxMs: s.maxMs)
    }

    /// The two big states, `internet` and `dns`: up or down and since when, or, when nothing
    /// watches the store now, grey "Not monitoring" (docs/web.md, "freshness first").
    static func bigStates(_ status: StatusAnswer, _ outages: [Outage], now: Int64, staleAfter: Int64?) -> [String: Any] {
        guard status.isMonitoring(now: now, staleAfter: staleAfter) else {
            return ["internet": notMonitoring(status), "dns": notMonitoring(status)]
        }
        return ["internet": since(PageText.state(status.connectivity), status.connectivity, kind: .connectivity, outages),
                "dns": since(PageText.state(status.dns), status.dns, kind: .dns, outages)]
    }

    /// The big state when nothing watches the store (or its newest result is old): grey, and
    /// since the newest result, for what was up or down then is history now.
    static func notMonitoring(_ status: StatusAnswer) -> [String: Any] {
        var state: [String: Any] = ["state": "unmonitored", "word": "Not monitoring"]
        state["since"] = PageText.time(status.lastResult)
        return state
    }

    /// Since when the state holds: a down layer since its open outage began, an up one since
    /// its last outage ended.
    static func since(_ state: [String: Any], _ condition: Projection.Condition, kind: Outage.Kind, _ outages: [Outage]) -> [String: Any] {
        var state = state
        let mine = outages.filter { $0.kind == kind }
        switch condition {
        case .down: state["since"] = PageText.time(mine.last { $0.end == nil }?.start)
        case .up: state["since"] = PageText.time(mine.compactMap(\.end).max())
        case .unknown: break
        }
        return state
    }
}
