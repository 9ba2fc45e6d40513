public import ISPMonCore

/// `/outages` (docs/web.md): the outages a query selects, and the availability over its window,
/// whole and per day, week or month of a zone, from one snapshot of the views (the outages
/// diagnosed once for both). The availability counts every outage, whatever kind or cause the
/// list is narrowed to: it is the window's.
public struct OutageList: Sendable {
    /// By start.
    public var outages: [Outage]
    /// nil when the log has nothing of the window.
    public var availability: Availability?

    public struct Availability: Sendable {
        public var whole: AvailabilityQuery.Answer
        public var unit: AvailabilityQuery.Period
        /// Oldest first.
        public var periods: [AvailabilityQuery.Answer]
    }
}

extension Queries {
    /// `per` nil: the unit that suits the window's length (``AvailabilityQuery/Period/suiting(span:)``).
    public func outageList(_ q: OutageQuery, per: AvailabilityQuery.Period?, zone: CalendarPeriods.Zone) throws -> OutageList {
        let views = try views()
        let all = views.outages()
        let outages = q.answer(from: all, newest: views.newestTime ?? 0)
        guard let whole = AvailabilityQuery(window: q.window).answer(views, outages: all).first else {
            return OutageList(outages: outages, availability: nil)
        }
        let unit = per ?? .suiting(span: whole.end - whole.start)
        let periods = AvailabilityQuery(window: q.window, period: unit, zone: zone).answer(views, outages: all)
        return OutageList(outages: outages, availability: .init(whole: whole, unit: unit, periods: periods))
    }
}
