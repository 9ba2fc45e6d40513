import ISPMonCharts
import ISPMonCore
import ISPMonQuery

/// `/outages` (every outage, newest first, filtered like `GET /api/v1/outages`) and
/// `/outages/{id}` (one outage: its facts, explanation, timeline chart, notes and the events
/// of its window, runs of identical results folded).
enum OutagePages {
    /// Outages on a page of the list.
    static let pageSize = 100

    /// `page`: 1 is the newest hundred.
    static func list(_ outages: [Outage], page: Int, form: [String: String], error: String?) -> [String: Any] {
        var values: [String: Any] = form
        values["kinds"] = [("connectivity", "internet"), ("dns", "DNS")].map { ["name": $0.0, "label": $0.1, "selected": form["kind"] == $0.0] }
        values["causes"] = Outage.Cause.allCases.map { ["name": $0.rawValue, "label": $0.inWords, "selected": form["cause"] == $0.rawValue] }
        values["error"] = error
        values["count"] = outages.count
        values["one"] = outages.count == 1
        let newestFirst = Array(outages.reversed())
        let from = min((page - 1) * pageSize, newestFirst.count)
        let shown = newestFirst[from..<min(from + pageSize, newestFirst.count)]
        values["outages"] = shown.map(PageText.outageRow)
        // The id is what people quote to the ISP and what `ispmon note` takes: the full list shows it.
        values["with_ids"] = true
        if newestFirst.count > pageSize {
            values["shown"] = shown.isEmpty ? "none on this page" : "\(from + 1)–\(from + shown.count) shown"
            var link = form.filter { !$0.value.isEmpty }
            if page > 1 {
                link["page"] = String(page - 1)
                values["newer"] = "/outages" + PageText.link(link)
            }
            if from + pageSize < newestFirst.count {
                link["page"] = String(page + 1)
                values["older"] = "/outages" + PageText.link(link)
            }
        }
        // The API takes the time range and the duration; kind and cause are the page's own.
        var csv = form.filter { !$0.value.isEmpty && ["since", "until", "min_duration"].contains($0.key) }
        csv["format"] = "csv"
        values["csv"] = "/api/v1/outages" + PageText.link(csv)
        return values
    }

    /// Availability per day, week or month over the list's range (local calendar), as bars and
    /// a table; `per` nil: the unit that suits the range's length.
    static func availability(_ views: Projection, outages: [Outage], window: TimeWindow, per: AvailabilityQuery.Period?,
                             form: [String: String]) -> [String: Any] {
        let whole = AvailabilityQuery(window: window).answer(views, outages: outages).first
        guard let whole else { return [:] }
        let unit = per ?? AvailabilityRows.unit(for: whole.end - whole.start)
        let answers = AvailabilityQuery(window: window, period: unit, zone: .local).answer(views, outages: outages)
        let bars = AvailabilityRows.bars(answers, label: "internet availability per \(unit.rawValue)")
        var keep = form.filter { !$0.value.isEmpty }
        return [
            "per": unit.rawValue,
            "whole": AvailabilityRows.row(whole, label: "The whole range"),
            "chart": ChartPair.html { bars.svg(width: $0, height: $0 < 500 ? 140 : 160) },
            "rows": answers.reversed().map { AvailabilityRows.row($0, label: $0.label) },
            "units": [AvailabilityQuery.Period.day, .week, .month].map { u -> [String: Any] in
                keep["per"] = u.rawValue
                return ["label": "per " + u.rawValue, "href": "/outages" + PageText.link(keep), "current": u == unit]
            },
        ]
    }

    static func detail(_ d: OutageDetail, events: [LoggedEvent]) -> [String: Any] {
        let o = d.outage
        let end = d.timeline.flatMap(\.intervals).compactMap(\.end).max() ?? (o.end ?? o.start)
        let from = o.start - OutageDetail.margin
        // In path order (this machine's link first, the internet and DNS last), as on the overview.
        let order = ["interface", "device", "gateway", "isp", "internet", "dns"]
        let sorted = d.timeline.enumerated().sorted { a, b in
            (order.firstIndex(of: a.element.role) ?? 9, a.offset) < (order.firstIndex(of: b.element.role) ?? 9, b.offset)
        }.map(\.element)
        let lanes = sorted.map { lane in
            TimelineChart.Lane(name: lane.name, kind: lane.role, spans: lane.intervals.map {
                TimelineChart.Span(start: $0.start, end: $0.end ?? end, state: TimelineChart.State(rawValue: $0.state.rawValue) ?? .unknown)
            })
        }
        let chart = TimelineChart(start: from, end: max(end, from + 1), lanes: lanes, outageStart: o.start, outageEnd: o.end,
                                  label: "the states of each target and interface around the outage \(o.id)")
        var values: [String: Any] = [
            "id": o.id, "kind": o.kind == .connectivity ? "internet (connectivity)" : "DNS",
            "start": LocalTime.format(o.start), "duration": NumberText.duration(o.duration),
            "cause": o.cause.inWords, "culprits": o.culprits, "explanation": d.explanation,
            "timeline": ChartPair.html { chart.svg(width: $0) },
            "notes": o.notes.map { ["time": LocalTime.format($0.time), "text": $0.text] },
            "events": folded(events),
        ]
        // Absent while under way (a nil as `Any` would be shown as the word "nil").
        values["end"] = PageText.time(o.end)
        return values
    }

    /// The events as table rows, a run of the same result of the same thing in one row.
    static func folded(_ events: [LoggedEvent]) -> [[String: Any]] {
        // A run is per thing (a target, an interface …): the other targets' results in between
        // do not break it, a different result of its own does.
        var rows: [(first: Int64, last: Int64, what: String, result: String, bad: Bool, count: Int)] = []
        var open: [String: Int] = [:]
        for e in events {
            let (what, result, bad) = describe(e.event)
            let time = e.event.time.microseconds
            if let i = open[what], rows[i].result == result {
                rows[i].last = time
                rows[i].count += 1
            } else {
                open[what] = rows.count
                rows.append((time, time, what, result, bad, 1))
            }
        }
        return rows.map { r in
            ["time": LocalTime.format(r.first) + (r.count > 1 ? " – " + LocalTime.format(r.last) : ""), "what": r.what,
             "result": r.result, "result_class": r.bad ? "error" : "", "count": r.count > 1 ? "×\(r.count)" : ""]
        }
    }

    /// What an event is about and what it says, in a table's words (the query layer's: without
    /// the numbers that differ from one event to the next, so that a run of successes folds).
    static func describe(_ e: Event) -> (String, String, Bool) {
        let words = EventWords(e)
        return (words.subject, words.outcome, words.bad)
    }
}
