import ISPMonCore

/// Availability over the spans the overview and the public status page show: today, this week
/// (from Monday) and the last 30 days, each up to the newest event and from the log's first
/// monitored moment at the earliest (a young log's "30 days" are not mostly unmonitored time).
public struct RecentAvailability: Sendable, Hashable {
    public enum Span: String, Sendable, Hashable, CaseIterable {
        case today, thisWeek, last30Days
    }

    public var span: Span
    public var answer: AvailabilityQuery.Answer

    static let day: Int64 = 86_400_000_000

    /// The spans of `p` (its outages diagnosed once: `outages`), days and weeks of `zone`.
    static func answers(_ p: Projection, outages: [Outage], zone: CalendarPeriods.Zone) -> [RecentAvailability] {
        guard let newest = p.newestTime else { return [] }
        let first = p.monitored.intervals.first?.start ?? newest
        return Span.allCases.compactMap { span in
            let since = switch span {
            case .today: CalendarPeriods.start(of: .day, containing: newest, zone: zone)
            case .thisWeek: CalendarPeriods.start(of: .week, containing: newest, zone: zone)
            case .last30Days: newest - 30 * day
            }
            return AvailabilityQuery(window: TimeWindow(since: max(since, first), until: newest)).answer(p, outages: outages).first
                .map { RecentAvailability(span: span, answer: $0) }
        }
    }
}

extension AvailabilityQuery.Period {
    /// The unit that gives a readable number of periods for a span: days up to a month, weeks up
    /// to half a year, then months.
    public static func suiting(span: Int64) -> AvailabilityQuery.Period {
        span <= 31 * RecentAvailability.day ? .day : span <= 183 * RecentAvailability.day ? .week : .month
    }
}
