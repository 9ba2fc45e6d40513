import ISPMonCharts
import ISPMonCore
import ISPMonQuery

/// `/outages` (every outage, newest first, filtered like `GET /api/v1/outages`, and narrowed by
/// kind and cause) and `/outages/{id}` (one outage: its facts, explanation, timeline chart, notes
/// and the events of its window, runs of identical results folded). The query layer's
/// ``OutageList`` and ``OutageDetail`` in words and charts.
enum OutagePages {
    /// Outages on a page of the list.
    static let pageSize = 100

    struct ListValues {
        var since: String
        var until: String
        var minDuration: String
        var per: String
        var kinds: [Option]
        var causes: [Option]
        var error: String?
        var availability: AvailabilityValues?
        var count: Int
        var one: Bool
        var shown: String?
        var outages: [OutageRow]
        /// The id is what people quote to the ISP and what `ispmon note` takes: the full list shows it.
        var withIds = true
        var newer: String?
        var older: String?
        var csv: String
        /// The report buttons (PDF of a week or month).
        var reports: [ChoiceLink]
    }

    struct AvailabilityValues {
        var whole: AvailabilityRow
        var per: String
        var chart: String
        var rows: [AvailabilityRow]
        var units: [ChoiceLink]
    }

    /// The page's form as it was sent (`since`, `until`, `min_duration`, `kind`, `cause`, `per`).
    struct Form {
        var fields: [String: String]
        subscript(_ name: String) -> String { fields[name] ?? "" }
        /// The fields that are set, for links that keep them.
        var set: [String: String] { fields.filter { !$0.value.isEmpty } }
    }

    /// `list` nil: the form has an error (`error`), and no list is shown. `page`: 1 is the newest hundred.
    static func list(_ list: OutageList?, page: Int, form: Form, error: String?, reports: [ChoiceLink]) -> ListValues {
        let newestFirst = Array((list?.outages ?? []).reversed())
        let from = min((page - 1) * pageSize, newestFirst.count)
        let shown = newestFirst[from..<min(from + pageSize, newestFirst.count)]
        // The API takes the time range and the duration; kind and cause are the page's own.
        var csv = form.set.filter { ["since", "until", "min_duration"].contains($0.key) }
        csv["format"] = "csv"
        var values = ListValues(
            since: form["since"], until: form["until"], minDuration: form["min_duration"], per: form["per"],
            kinds: [("connectivity", "internet"), ("dns", "DNS")].map { Option(name: $0.0, label: $0.1, selected: form["kind"] == $0.0) },
            causes: Outage.Cause.allCases.map { Option(name: $0.rawValue, label: $0.inWords, selected: form["cause"] == $0.rawValue) },
            error: error, availability: list?.availability.map { availability($0, form: form) },
            count: newestFirst.count, one: newestFirst.count == 1, outages: shown.map { OutageRow($0) },
            csv: "/api/v1/outages" + PageText.link(csv), reports: reports)
        if newestFirst.count > pageSize {
            values.shown = shown.isEmpty ? "none on this page" : "\(from + 1)–\(from + shown.count) shown"
            var link = form.set
            if page > 1 {
                link["page"] = String(page - 1)
                values.newer = "/outages" + PageText.link(link)
            }
            if from + pageSize < newestFirst.count {
                link["page"] = String(page + 1)
                values.older = "/outages" + PageText.link(link)
            }
        }
        return values
    }

    /// Availability per day, week or month over the list's range, as bars and a table.
    static func availability(_ a: OutageList.Availability, form: Form) -> AvailabilityValues {
        let bars = AvailabilityBars(bars: a.periods.map {
            AvailabilityBars.Bar(label: $0.label, upMicroseconds: $0.monitored - $0.connectivityDown, downMicroseconds: $0.connectivityDown)
        }, label: "internet availability per \(a.unit.rawValue)")
        var keep = form.set
        return AvailabilityValues(
            whole: AvailabilityRow(a.whole, label: "The whole range"), per: a.unit.rawValue,
            chart: ChartPair.html { bars.svg(width: $0, height: $0 < 500 ? 140 : 160) },
            rows: a.periods.reversed().map { AvailabilityRow($0, label: $0.label) },
            units: [AvailabilityQuery.Period.day, .week, .month].map { u in
                keep["per"] = u.rawValue
                return ChoiceLink(label: "per " + u.rawValue, href: "/outages" + PageText.link(keep), current: u == a.unit)
            })
    }

    struct DetailValues {
        struct Note {
            var time: String
            var text: String
        }

        struct EventRow {
            var time: String
            var what: String
            var result: String
            var resultClass: String
            var count: String
        }

        var id: String
        var kind: String
        var start: String
        /// nil while under way.
        var end: String?
        var duration: String
        var cause: String
        var culprits: [String]
        var explanation: String
        var timeline: String
        var notes: [Note]
        var events: [EventRow]
    }

    static func detail(_ d: OutageDetail, runs: [EventRun]) -> DetailValues {
        let o = d.outage
        let end = d.timelineEnd
        let from = o.start - OutageDetail.margin
        let lanes = d.timelineInPathOrder.map { lane in
            TimelineChart.Lane(name: lane.name, kind: lane.role, spans: lane.intervals.map {
                TimelineChart.Span(start: $0.start, end: $0.end ?? end, state: TimelineChart.State(rawValue: $0.state.rawValue) ?? .unknown)
            })
        }
        let chart = TimelineChart(start: from, end: max(end, from + 1), lanes: lanes, outageStart: o.start, outageEnd: o.end,
                                  label: "the states of each target and interface around the outage \(o.id)")
        return DetailValues(
            id: o.id, kind: o.kind == .connectivity ? "internet (connectivity)" : "DNS",
            start: LocalTime.format(o.start), end: PageText.time(o.end), duration: NumberText.duration(o.duration),
            cause: o.cause.inWords, culprits: o.culprits, explanation: d.explanation,
            timeline: ChartPair.html { chart.svg(width: $0) },
            notes: o.notes.map { .init(time: LocalTime.format($0.time), text: $0.text) },
            events: runs.map { r in
                .init(time: LocalTime.format(r.first) + (r.count > 1 ? " – " + LocalTime.format(r.last) : ""), what: r.subject,
                      result: r.outcome, resultClass: r.bad ? "error" : "", count: r.count > 1 ? "×\(r.count)" : "")
            })
    }
}
