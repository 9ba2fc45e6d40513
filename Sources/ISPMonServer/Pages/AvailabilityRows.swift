import ISPMonCharts
import ISPMonCore
import ISPMonQuery

/// Availability on the pages: the query layer's numbers (docs/views.md, monitored time) as
/// table rows and bars. Days, weeks and months are the machine's local calendar, as every
/// time shown to people is local.
enum AvailabilityRows {
    static let day: Int64 = 86_400_000_000

    /// Today, this week (from Monday) and the last 30 days, each up to the newest event and
    /// from the log's first monitored moment at the earliest (a young log's "30 days" are not
    /// mostly unmonitored time).
    static func recent(_ p: Projection, outages: [Outage]) -> [[String: Any]] {
        guard let newest = p.newestTime else { return [] }
        let first = p.monitored.intervals.first?.start ?? newest
        let spans: [(String, Int64)] = [
            ("Today", CalendarPeriods.start(of: .day, containing: newest, zone: .local)),
            ("This week", CalendarPeriods.start(of: .week, containing: newest, zone: .local)),
            ("Last 30 days", newest - 30 * day),
        ]
        return spans.compactMap { label, since in
            AvailabilityQuery(window: TimeWindow(since: max(since, first), until: newest)).answer(p, outages: outages).first.map { row($0, label: label) }
        }
    }

    static func row(_ a: AvailabilityQuery.Answer, label: String) -> [String: Any] {
        ["label": label,
         "internet": a.connectivityPercent.map { "\($0) %" } ?? "–",
         "internet_class": AvailabilityBars.className(a.connectivityPercent?.value),
         "dns": a.dnsPercent.map { "\($0) %" } ?? "–",
         "unmonitored": a.unmonitored > 0 ? NumberText.duration(a.unmonitored) : "none",
         "down": a.connectivityDown > 0 ? NumberText.duration(a.connectivityDown) : "none"]
    }

    /// The unit that gives a readable number of bars for a span: days up to a month, weeks up to
    /// half a year, then months.
    static func unit(for span: Int64) -> AvailabilityQuery.Period {
        span <= 31 * day ? .day : span <= 183 * day ? .week : .month
    }

    static func bars(_ answers: [AvailabilityQuery.Answer], label: String) -> AvailabilityBars {
        AvailabilityBars(bars: answers.map {
            AvailabilityBars.Bar(label: $0.label, upMicroseconds: $0.monitored - $0.connectivityDown, downMicroseconds: $0.connectivityDown)
        }, label: label)
    }
}
