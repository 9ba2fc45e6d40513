import Foundation
import ISPMonCharts
import ISPMonCore
import ISPMonQuery
import ISPMonStore

/// `/latency`, `/speedtests`, `/events` and `/path` (docs/web.md): each takes the parameters of
/// the API route it shows, and shows the query layer's answer with a chart.
enum ViewPages {
    static let day: Int64 = 86_400_000_000

    /// Links to the last 24 h, 7 d and 30 d before the newest event (`asOf`), as explicit times.
    static func ranges(path: String, asOf: Int64, keep: [String: String], current: TimeWindow) -> [[String: Any]] {
        [("24 h", day), ("7 d", 7 * day), ("30 d", 30 * day)].map { label, span in
            var q = keep
            q["since"] = Timestamp(microseconds: asOf - span).description
            q["until"] = Timestamp(microseconds: asOf).description
            let href = path + PageText.link(q)
            return ["label": label, "href": href, "current": current.since == asOf - span && current.until == asOf]
        }
    }

    static func ms(_ v: Double?) -> String { v.map { NumberText.format($0, decimals: 1) + " ms" } ?? "–" }

    // MARK: /latency

    static func latency(_ queries: Queries, target: String?, window given: TimeWindow?, period: LatencyQuery.Period?,
                        form: [String: String]) throws -> [String: Any] {
        let status = try queries.status()
        let asOf = status.asOf ?? 0
        let window = given ?? TimeWindow(since: asOf - day, until: asOf)
        let chosen = target ?? status.targets.first { $0.role == .internet }?.name ?? status.targets.first?.name
        let span = (window.until ?? asOf) - (window.since ?? (asOf - 30 * day))
        let period = period ?? (span > 8 * day ? .day : .hour)
        var values: [String: Any] = form
        values["targets"] = status.targets.map { ["name": $0.name, "role": $0.role.name, "selected": $0.name == chosen] }
        values["hourly"] = period == .hour
        values["ranges"] = ranges(path: "/latency", asOf: asOf, keep: chosen.map { ["target": $0] } ?? [:], current: window)
        guard let chosen else { return values }
        let q = LatencyQuery(target: chosen, window: window, period: period)
        let rows = try queries.latency(q)
        let start = window.since ?? rows.first?.start ?? (asOf - day)
        let end = window.until ?? asOf
        let length: Int64 = period == .day ? day : 3_600_000_000
        let outages = try queries.outages(OutageQuery(window: TimeWindow(since: start, until: end)))
            .filter { $0.kind == .connectivity }
            .map { LatencyChart.Shade(start: $0.start, end: $0.end ?? end, title: "outage: " + $0.cause.inWords + ", " + NumberText.duration($0.duration)) }
        let chart = LatencyChart(start: start, end: max(end, start + 1), periods: rows.map { r in
            let s = r.stats
            return LatencyChart.Period(start: r.start, end: r.start + length, sent: s.sent, lost: s.lost, minMs: s.minMs,
                                       p50Ms: s.percentileMs(50), p95Ms: s.percentileMs(95), maxMs: s.maxMs)
        }, outages: outages, label: "latency and loss of \(chosen)")
        values["target"] = chosen
        values["chart"] = ChartPair.html { chart.svg(width: $0, height: $0 < 500 ? 200 : 260) }
        values["period"] = period == .day ? "Day" : "Hour"
        var json = ["target": chosen, "period": period.rawValue]
        if let s = window.since { json["since"] = Timestamp(microseconds: s).description }
        if let u = window.until { json["until"] = Timestamp(microseconds: u).description }
        values["json"] = "/api/v1/latency" + PageText.link(json)
        json["format"] = "csv"
        values["csv"] = "/api/v1/latency" + PageText.link(json)
        values["rows"] = rows.reversed().map { r -> [String: Any] in
            let s = r.stats
            return ["start": LocalTime.format(r.start), "sent": s.sent, "lost": s.lost, "loss": NumberText.format(s.lossPercent, decimals: 2) + " %",
                    "p50": ms(s.percentileMs(50)), "p95": ms(s.percentileMs(95)), "min": ms(s.minMs), "max": ms(s.maxMs)]
        }
        return values
    }

    // MARK: /speedtests

    static func mbps(_ v: Double) -> String { NumberText.format(v, decimals: 1) + " Mb/s" }

    /// Tests in the list of /speedtests.
    static let listedTests = 100

    static func speedTests(_ queries: Queries, window given: TimeWindow?, summary: SpeedTestQuery.Period, plan: ServicePlan?) throws -> [String: Any] {
        let asOf = try queries.status().asOf ?? 0
        let window = given ?? TimeWindow(since: asOf - 30 * day, until: asOf)
        var values: [String: Any] = [:]
        values["ranges"] = ranges(path: "/speedtests", asOf: asOf, keep: [:], current: window)
        values["csv"] = "/api/v1/speedtests" + PageText.link(["format": "csv", "since": Timestamp(microseconds: window.since ?? 0).description,
                                                             "until": Timestamp(microseconds: window.until ?? asOf).description])
        guard case .tests(let tests) = try queries.speedTests(SpeedTestQuery(window: window, period: .test)) else { return values }
        // Without a range the chart starts at the oldest test (the answer is newest first), if that is within the 30 days.
        let start = given == nil ? max(window.since ?? 0, (tests.last?.time ?? asOf) - 3_600_000_000) : window.since ?? tests.last?.time ?? (asOf - 30 * day)
        let end = window.until ?? asOf
        let chart = SpeedTestChart(start: start, end: max(end, start + 1), tests: tests.map { r in
            switch r.test.outcome {
            case .ok(let down, let up): SpeedTestChart.Test(time: r.time, downMbps: down, upMbps: up)
            case .failed(let error): SpeedTestChart.Test(time: r.time, downMbps: nil, upMbps: nil, error: error)
            }
        }, plan: plan.map { SpeedTestChart.Plan(downMbps: $0.downMbps, upMbps: $0.upMbps, belowPercent: $0.belowPercent) },
           label: "download and upload of each speed test" + (plan.map { " against the plan of \(mbps($0.downMbps)) / \(mbps($0.upMbps))" } ?? ""))
        if let plan {
            values["plan"] = ["down": mbps(plan.downMbps), "up": mbps(plan.upMbps), "below": NumberText.format(plan.belowPercent, decimals: 1)]
        }
        values["chart"] = ChartPair.html { chart.svg(width: $0, height: $0 < 500 ? 200 : 240, hover: $0 >= 500) }
        // The newest hundred in the list; the CSV has them all.
        values["more_tests"] = tests.count > listedTests ? tests.count - listedTests : nil
        values["tests"] = tests.prefix(listedTests).map { r -> [String: Any] in
            var row: [String: Any] = ["time": LocalTime.format(r.time), "server": r.test.server, "rtt": r.test.rtt.map { ms(Double($0) / 1000) } ?? "–"]
            switch r.test.outcome {
            case .ok(let down, let up):
                row["down"] = mbps(down)
                row["up"] = mbps(up)
                if plan?.isSlow(downMbps: down, upMbps: up) == true {
                    row["slow"] = true
                    row["result_class"] = "slow"
                }
            case .failed(let error):
                row["down"] = "failed: " + error
                row["up"] = ""
                row["result_class"] = "error"
            }
            return row
        }
        values["summary_period"] = summary.rawValue
        values["periods"] = [SpeedTestQuery.Period.day, .week, .month].map { p in
            ["label": p.rawValue, "href": "/speedtests?summary=\(p.rawValue)" + (given == nil ? "" : "&since=\(PageText.query(Timestamp(microseconds: window.since ?? 0).description))&until=\(PageText.query(Timestamp(microseconds: window.until ?? asOf).description))"), "current": p == summary]
        }
        if case .summaries(let list) = try queries.speedTests(SpeedTestQuery(window: window, period: summary)) {
            func spread(_ s: SpeedTestQuery.Spread?) -> String {
                s.map { "\(NumberText.format($0.median, decimals: 1)) (\(NumberText.format($0.min, decimals: 1))–\(NumberText.format($0.max, decimals: 1))) Mb/s" } ?? "–"
            }
            values["summaries"] = list.reversed().map { ["period": $0.period, "count": $0.count, "failures": $0.failures, "down": spread($0.down), "up": spread($0.up)] }
        }
        return values
    }

    // MARK: /events

    static func events(_ queries: Queries, _ q: EventQuery, form: [String: String]) throws -> [String: Any] {
        let list = try queries.events(q)
        var values: [String: Any] = form
        values["types"] = EventType.allCases.map { ["name": $0.rawValue, "selected": $0 == q.type] }
        values["events"] = list.map { e -> [String: Any] in
            // What it is about and what it says; the details (a probe's RTT and detail) are the
            // raw event's, a click away in the NDJSON.
            let words = EventWords(e.event)
            return ["seq": e.seq, "time": LocalTime.format(e.event.time.microseconds), "type": e.event.type.rawValue,
                    "text": words.subject + ": " + words.outcome, "result_class": words.bad ? "error" : ""]
        }
        // Live mode only on the first page of the newest events (new ones belong at its top).
        values["live_possible"] = q.beforeSeq == nil && q.order == .desc
        let lastSeq = try queries.store.lastSeq()
        values["newest_seq"] = lastSeq
        var filter = form.filter { !$0.value.isEmpty }
        var filterJSON = JSONObject()
        for (key, value) in filter.sorted(by: { $0.key < $1.key }) { filterJSON.string(key, value) }
        values["filter_json"] = String(decoding: filterJSON.finished(), as: UTF8.self)
        filter["limit"] = String(q.limit)
        values["ndjson"] = "/api/v1/events" + PageText.link(filter)
        filter["format"] = "csv"
        values["csv"] = "/api/v1/events" + PageText.link(filter)
        if list.count == q.limit, let last = list.last, q.order == .desc {
            var older = form.filter { !$0.value.isEmpty }
            older["before_seq"] = String(last.seq)
            values["older"] = "/events" + PageText.link(older)
        }
        return values
    }

    // MARK: /path

    static func path(_ queries: Queries) throws -> [String: Any] {
        let traces = try queries.traces()
        var values: [String: Any] = [:]
        if let latest = traces.first, case .trace(let t) = latest.event.body {
            let isp = t.ispHop
            let hops = t.hops.map { h in
                HopDiagram.Hop(ttl: h.ttl, address: h.address, rttMs: h.rtt.map { Double($0) / 1000 },
                               role: h.ttl == 1 ? "the router" : h.address != nil && h.address == isp ? "the ISP's first hop" : nil)
            }
            values["trace"] = ["destination": t.destination, "time": LocalTime.format(latest.event.time.microseconds),
                               "diagram": HopDiagram(origin: "this machine", hops: hops, label: "the hops to \(t.destination)").svg()]
        }
        // When the first three hops changed, oldest change last.
        var changes: [[String: Any]] = []
        var previous: [String]?
        for e in traces.reversed() {
            guard case .trace(let t) = e.event.body else { continue }
            let first = t.hops.prefix(3).map { $0.address ?? "*" }
            if first != previous {
                changes.append(["time": LocalTime.format(e.event.time.microseconds), "hops": first.joined(separator: " → ")])
                previous = first
            }
        }
        values["changes"] = Array(changes.reversed().prefix(50))
        return values
    }
}
