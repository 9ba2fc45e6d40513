import Foundation
import ISPMonCharts
import ISPMonCore
import ISPMonQuery

/// `/latency`, `/speedtests`, `/events` and `/path` (docs/web.md): each takes the parameters of
/// the API route it shows, and shows the query layer's answer with a chart.
enum ViewPages {
    static let day: Int64 = 86_400_000_000
    static let hour: Int64 = 3_600_000_000

    /// Links to the last 24 h, 7 d and 30 d before the newest event (`asOf`), as explicit times.
    static func ranges(path: String, asOf: Int64, keep: [String: String], current: TimeWindow) -> [ChoiceLink] {
        [("24 h", day), ("7 d", 7 * day), ("30 d", 30 * day)].map { label, span in
            var q = keep
            q["since"] = Timestamp(microseconds: asOf - span).description
            q["until"] = Timestamp(microseconds: asOf).description
            return ChoiceLink(label: label, href: path + PageText.link(q), current: current.since == asOf - span && current.until == asOf)
        }
    }

    static func ms(_ v: Double?) -> String { v.map { NumberText.format($0, decimals: 1) + " ms" } ?? "–" }

    static func mbps(_ v: Double) -> String { NumberText.format(v, decimals: 1) + " Mb/s" }

    // MARK: /latency

    struct LatencyValues {
        struct Target {
            var name: String
            var role: String
            var selected: Bool
        }

        struct Row {
            var start: String
            var sent: Int
            var lost: Int
            var loss: String
            var p50: String
            var p95: String
            var min: String
            var max: String
        }

        var since: String
        var until: String
        var error: String?
        var targets: [Target]
        var hourly: Bool
        var ranges: [ChoiceLink]
        /// nil without targets: the rest is then absent too.
        var target: String?
        var chart: String?
        var period: String?
        var json: String?
        var csv: String?
        var rows: [Row]
    }

    /// `target` nil: the status's default; `window` nil: the last day before the newest event.
    static func latency(_ queries: Queries, target: String?, window given: TimeWindow?, period: LatencyQuery.Period?,
                        form: (since: String, until: String), error: String?) throws -> LatencyValues {
        let status = try queries.status()
        let asOf = status.asOf ?? 0
        let window = given ?? TimeWindow(since: asOf - day, until: asOf)
        let chosen = target ?? status.defaultLatencyTarget
        let period = period ?? .suiting(span: (window.until ?? asOf) - (window.since ?? (asOf - 30 * day)))
        var values = LatencyValues(
            since: form.since, until: form.until, error: error,
            targets: status.targets.map { .init(name: $0.name, role: $0.role.name, selected: $0.name == chosen) },
            hourly: period == .hour,
            ranges: ranges(path: "/latency", asOf: asOf, keep: chosen.map { ["target": $0] } ?? [:], current: window), rows: [])
        guard let chosen else { return values }
        let rows = try queries.latency(LatencyQuery(target: chosen, window: window, period: period))
        let start = window.since ?? rows.first?.start ?? (asOf - day)
        let end = window.until ?? asOf
        let outages = try queries.outages(OutageQuery(window: TimeWindow(since: start, until: end), kind: .connectivity))
        let chart = LatencyChart(start: start, end: max(end, start + 1),
                                 periods: rows.map { OverviewPage.period($0, length: period == .day ? day : hour) },
                                 outages: outages.map(OverviewPage.shade(end: end)), label: "latency and loss of \(chosen)")
        values.target = chosen
        values.chart = ChartPair.html { chart.svg(width: $0, height: $0 < 500 ? 200 : 260) }
        values.period = period == .day ? "Day" : "Hour"
        var json = ["target": chosen, "period": period.rawValue]
        if let s = window.since { json["since"] = Timestamp(microseconds: s).description }
        if let u = window.until { json["until"] = Timestamp(microseconds: u).description }
        values.json = "/api/v1/latency" + PageText.link(json)
        json["format"] = "csv"
        values.csv = "/api/v1/latency" + PageText.link(json)
        values.rows = rows.reversed().map { r in
            let s = r.stats
            return .init(start: LocalTime.format(r.start), sent: Int(s.sent), lost: Int(s.lost), loss: NumberText.format(s.lossPercent, decimals: 2) + " %",
                         p50: ms(s.percentileMs(50)), p95: ms(s.percentileMs(95)), min: ms(s.minMs), max: ms(s.maxMs))
        }
        return values
    }

    // MARK: /speedtests

    /// Tests in the list of /speedtests.
    static let listedTests = 100

    struct SpeedTestValues {
        struct Plan {
            var down: String
            var up: String
            var below: String
        }

        struct Test {
            var time: String
            var server: String
            var rtt: String
            var down: String
            var up: String
            var slow: Bool
            var resultClass: String
        }

        struct Summary {
            var period: String
            var count: Int
            var failures: Int
            var down: String
            var up: String
        }

        var error: String?
        var ranges: [ChoiceLink]
        var csv: String
        var plan: Plan?
        var chart: String?
        /// Tests beyond the listed hundred (in the chart and the CSV); nil when all are listed.
        var moreTests: Int?
        var tests: [Test]
        var summaryPeriod: String
        var periods: [ChoiceLink]
        var summaries: [Summary]
        /// The report buttons (PDF of a week or month).
        var reports: [ChoiceLink]
    }

    static func speedTests(_ queries: Queries, window given: TimeWindow?, summary: SpeedTestQuery.Period, plan: ServicePlan?,
                           error: String?, now: Int64) throws -> SpeedTestValues {
        let asOf = try queries.status().asOf ?? 0
        let window = given ?? TimeWindow(since: asOf - 30 * day, until: asOf)
        let since = Timestamp(microseconds: window.since ?? 0).description
        let until = Timestamp(microseconds: window.until ?? asOf).description
        var values = SpeedTestValues(
            error: error, ranges: ranges(path: "/speedtests", asOf: asOf, keep: [:], current: window),
            csv: "/api/v1/speedtests" + PageText.link(["format": "csv", "since": since, "until": until]),
            plan: plan.map { .init(down: mbps($0.downMbps), up: mbps($0.upMbps), below: NumberText.format($0.belowPercent, decimals: 1)) },
            tests: [], summaryPeriod: summary.rawValue,
            periods: [SpeedTestQuery.Period.day, .week, .month].map { p in
                ChoiceLink(label: p.rawValue, href: "/speedtests?summary=\(p.rawValue)" + (given == nil ? "" : "&since=\(PageText.query(since))&until=\(PageText.query(until))"),
                           current: p == summary)
            }, summaries: [], reports: ReportRoutes.links(now: now))
        guard case .tests(let tests) = try queries.speedTests(SpeedTestQuery(window: window, period: .test)) else { return values }
        // Without a range the chart starts at the oldest test (the answer is newest first), if that is within the 30 days.
        let start = given == nil ? max(window.since ?? 0, (tests.last?.time ?? asOf) - hour) : window.since ?? tests.last?.time ?? (asOf - 30 * day)
        let end = window.until ?? asOf
        let chart = SpeedTestChart(start: start, end: max(end, start + 1), tests: tests.map { r in
            switch r.test.outcome {
            case .ok(let down, let up): SpeedTestChart.Test(time: r.time, downMbps: down, upMbps: up)
            case .failed(let error): SpeedTestChart.Test(time: r.time, downMbps: nil, upMbps: nil, error: error)
            }
        }, plan: plan.map { SpeedTestChart.Plan(downMbps: $0.downMbps, upMbps: $0.upMbps, belowPercent: $0.belowPercent) },
           label: "download and upload of each speed test" + (plan.map { " against the plan of \(mbps($0.downMbps)) / \(mbps($0.upMbps))" } ?? ""))
        values.chart = ChartPair.html { chart.svg(width: $0, height: $0 < 500 ? 200 : 240, hover: $0 >= 500) }
        // The newest hundred in the list; the CSV has them all.
        values.moreTests = tests.count > listedTests ? tests.count - listedTests : nil
        values.tests = tests.prefix(listedTests).map { r in
            let rtt = r.test.rtt.map { ms(Double($0) / 1000) } ?? "–"
            switch r.test.outcome {
            case .ok(let down, let up):
                let slow = plan?.isSlow(downMbps: down, upMbps: up) == true
                return SpeedTestValues.Test(time: LocalTime.format(r.time), server: r.test.server, rtt: rtt, down: mbps(down), up: mbps(up),
                            slow: slow, resultClass: slow ? "slow" : "")
            case .failed(let error):
                return SpeedTestValues.Test(time: LocalTime.format(r.time), server: r.test.server, rtt: rtt, down: "failed: " + error, up: "",
                            slow: false, resultClass: "error")
            }
        }
        if case .summaries(let list) = try queries.speedTests(SpeedTestQuery(window: window, period: summary)) {
            func spread(_ s: SpeedTestQuery.Spread?) -> String {
                s.map { "\(NumberText.format($0.median, decimals: 1)) (\(NumberText.format($0.min, decimals: 1))–\(NumberText.format($0.max, decimals: 1))) Mb/s" } ?? "–"
            }
            values.summaries = list.reversed().map { .init(period: $0.period, count: $0.count, failures: $0.failures, down: spread($0.down), up: spread($0.up)) }
        }
        return values
    }

    // MARK: /events

    struct EventValues {
        struct Row {
            var seq: UInt64
            var time: String
            var type: String
            var text: String
            var resultClass: String
        }

        struct TypeOption {
            var name: String
            var selected: Bool
        }

        var since: String
        var until: String
        var type: String
        var target: String
        var q: String
        var error: String?
        var types: [TypeOption]
        var events: [Row]
        var livePossible: Bool
        var newestSeq: UInt64
        var filterJSON: String
        var ndjson: String
        var csv: String
        var older: String?
    }

    /// `q` nil: the form has an error (`error`), and no events are listed.
    static func events(_ queries: Queries, _ q: EventQuery?, form: [String: String], error: String?) throws -> EventValues {
        let list = try q.map { try queries.events($0) } ?? []
        let shown = q ?? EventQuery()
        var filter = form.filter { !$0.value.isEmpty }
        var filterJSON = JSONObject()
        for (key, value) in filter.sorted(by: { $0.key < $1.key }) { filterJSON.string(key, value) }
        filter["limit"] = String(shown.limit)
        let ndjson = "/api/v1/events" + PageText.link(filter)
        filter["format"] = "csv"
        var values = EventValues(
            since: form["since"] ?? "", until: form["until"] ?? "", type: form["type"] ?? "", target: form["target"] ?? "", q: form["q"] ?? "",
            error: error, types: EventType.allCases.map { .init(name: $0.rawValue, selected: $0 == shown.type) },
            events: list.map { e in
                // What it is about and what it says; the details (a probe's RTT and detail) are the
                // raw event's, a click away in the NDJSON.
                let words = EventWords(e.event)
                return EventValues.Row(seq: e.seq, time: LocalTime.format(e.event.time.microseconds), type: e.event.type.rawValue,
                           text: words.subject + ": " + words.outcome, resultClass: words.bad ? "error" : "")
            },
            // Live mode only on the first page of the newest events (new ones belong at its top).
            livePossible: shown.beforeSeq == nil && shown.order == .desc,
            newestSeq: try queries.lastSeq(), filterJSON: String(decoding: filterJSON.finished(), as: UTF8.self),
            ndjson: ndjson, csv: "/api/v1/events" + PageText.link(filter))
        if list.count == shown.limit, let last = list.last, shown.order == .desc {
            var older = form.filter { !$0.value.isEmpty }
            older["before_seq"] = String(last.seq)
            values.older = "/events" + PageText.link(older)
        }
        return values
    }

    // MARK: /path

    struct PathValues {
        struct Trace {
            var destination: String
            var time: String
            var diagram: String
        }

        struct Change {
            var time: String
            var hops: String
        }

        var trace: Trace?
        var changes: [Change]
    }

    static func path(_ answer: PathAnswer) -> PathValues {
        PathValues(
            trace: answer.latest.map { t in
                let hops = t.hops.map { h in
                    HopDiagram.Hop(ttl: h.ttl, address: h.address, rttMs: h.rtt.map { Double($0) / 1000 },
                                   role: h.place.map { $0 == .router ? "the router" : "the ISP's first hop" })
                }
                return PathValues.Trace(destination: t.destination, time: LocalTime.format(t.time),
                             diagram: HopDiagram(origin: "this machine", hops: hops, label: "the hops to \(t.destination)").svg())
            },
            changes: answer.changes.map { .init(time: LocalTime.format($0.time), hops: $0.firstHops.map { $0 ?? "*" }.joined(separator: " → ")) })
    }
}
