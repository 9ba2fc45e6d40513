public import ISPMonCore

/// Availability (docs/reports.md): `100 × (monitored time − outage time within it) / monitored
/// time`, for connectivity (its outages) and DNS (the DNS outages), over a window or per
/// calendar day, ISO week or month of a zone. Monitored time is ``Projection/monitored``:
/// unmonitored time (the monitor stopped, the machine off) counts neither way and is stated.
/// Beside it, the ISP's share: only the connectivity outages whose cause lies past this home's
/// router (``Outage/Cause/isp``, ``Outage/Cause/upstream``), what an ISP answers for.
public struct AvailabilityQuery: Sendable, Hashable {
    public enum Period: String, Sendable, Hashable, CaseIterable {
        /// The whole window, one answer.
        case whole
        case hour, day, week, month
    }

    public var window: TimeWindow
    public var period: Period
    /// Whose calendar the days, weeks and months follow.
    public var zone: CalendarPeriods.Zone

    public init(window: TimeWindow = TimeWindow(), period: Period = .whole, zone: CalendarPeriods.Zone = .utc) {
        self.window = window
        self.period = period
        self.zone = zone
    }

    /// One period's numbers, all in microseconds. `end` is the period's end or, for a period
    /// not over yet, the newest event: nothing after it is known.
    public struct Answer: Sendable, Hashable {
        /// `2026-03-01`, `2026-W09`, `2026-03`; for the whole window, empty.
        public var label: String
        public var start: Int64
        public var end: Int64
        public var monitored: Int64
        /// Connectivity outage time within the monitored time.
        public var connectivityDown: Int64
        /// DNS outage time within the monitored time.
        public var dnsDown: Int64
        /// Time of the connectivity outages the ISP answers for, within the monitored time.
        public var ispDown: Int64

        public var unmonitored: Int64 { max(0, end - start - monitored) }
        /// nil without monitored time.
        public var connectivityPercent: Percent? { Percent(up: monitored - connectivityDown, of: monitored) }
        public var dnsPercent: Percent? { Percent(up: monitored - dnsDown, of: monitored) }
        public var ispPercent: Percent? { Percent(up: monitored - ispDown, of: monitored) }
    }

    /// A share in hundredths of a percent, exactly: `99.88 %` is 9988. Rounded half away from
    /// zero from the integer microseconds, so the same log always gives the same digits.
    public struct Percent: Sendable, Hashable, CustomStringConvertible {
        public var hundredths: Int64

        init?(up: Int64, of total: Int64) {
            guard total > 0 else { return nil }
            let up = min(max(up, 0), total)
            // round(10000 · up / total), all in integers; a year of µs × 20000 fits in Int64.
            hundredths = (20_000 * up + total) / (2 * total)
        }

        public var value: Double { Double(hundredths) / 100 }
        /// `99.88`: exactly two decimals.
        public var description: String {
            let fraction = hundredths % 100
            return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
        }
    }

    /// The answers from the views `p`: one for the whole window, or one per period that
    /// meets it, oldest first. The window's open ends are the first monitored moment and
    /// the newest event; an empty log has no answer.
    public func answer(_ p: Projection) -> [Answer] { answer(p, outages: p.outages()) }

    /// The same, with `p`'s outages already diagnosed (a page that shows them too).
    public func answer(_ p: Projection, outages: [Outage]) -> [Answer] {
        let newest = p.newestTime ?? 0
        // A run still open lasts to the newest event the monitor recorded: a note is no result.
        let recorded = p.newestRecorded ?? newest
        let monitored = Self.merged(p.monitored.intervals.map { ($0.start, $0.end ?? max(recorded, $0.start)) })
        guard let first = monitored.first?.0 ?? p.newestTime else { return [] }
        let start = window.since ?? first
        let end = min(window.until ?? newest, newest)
        guard end > start else { return [] }
        let connectivity = Self.merged(outages.filter { $0.kind == .connectivity }.map { ($0.start, $0.end ?? newest) })
        let dns = Self.merged(outages.filter { $0.kind == .dns }.map { ($0.start, $0.end ?? newest) })
        let isp = Self.merged(outages.filter { $0.kind == .connectivity && Self.ispCauses.contains($0.cause) }.map { ($0.start, $0.end ?? newest) })
        let ranges: [(String, Int64, Int64)] = period == .whole
            ? [("", start, end)]
            : CalendarPeriods.periods(unit, from: start, to: end, zone: zone)
                .map { ($0.label, max($0.start, start), min($0.end, end)) }
        return ranges.map { label, a, b in
            Answer(label: label, start: a, end: b, monitored: Self.overlap(monitored, a, b),
                   connectivityDown: Self.overlap(connectivity, monitored, a, b), dnsDown: Self.overlap(dns, monitored, a, b),
                   ispDown: Self.overlap(isp, monitored, a, b))
        }
    }

    /// The calendar's unit of a period (not for ``Period/whole``).
    var unit: CalendarPeriods.Unit {
        switch period {
        case .hour: .hour
        case .whole, .day: .day
        case .week: .week
        case .month: .month
        }
    }

    /// The causes past this home's router (docs/reports.md, "The ISP's share").
    public static let ispCauses: Set<Outage.Cause> = [.isp, .upstream]

    /// Sorted and disjoint: a clock set back can make a track's intervals overlap, and no
    /// moment may count twice.
    static func merged(_ intervals: [(Int64, Int64)]) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for (s, e) in intervals.sorted(by: { $0.0 < $1.0 }) {
            if let last = out.last, s <= last.1 { out[out.count - 1].1 = max(last.1, e) } else { out.append((s, e)) }
        }
        return out
    }

    /// Time of sorted, disjoint `intervals` within [a, b).
    static func overlap(_ intervals: [(Int64, Int64)], _ a: Int64, _ b: Int64) -> Int64 {
        intervals.reduce(0) { $0 + max(0, min($1.1, b) - max($1.0, a)) }
    }

    /// Time of `down` (sorted, disjoint) that is also in `monitored` (sorted, disjoint), within [a, b).
    static func overlap(_ down: [(Int64, Int64)], _ monitored: [(Int64, Int64)], _ a: Int64, _ b: Int64) -> Int64 {
        var total: Int64 = 0
        var j = 0
        for (s, e) in down where e > a && s < b {
            while j < monitored.count && monitored[j].1 <= s { j += 1 }
            var k = j
            while k < monitored.count && monitored[k].0 < e {
                total += max(0, min(e, monitored[k].1, b) - max(s, monitored[k].0, a))
                k += 1
            }
        }
        return total
    }
}

extension Queries {
    public func availability(_ q: AvailabilityQuery = AvailabilityQuery(), asOf: Timestamp? = nil) throws -> [AvailabilityQuery.Answer] {
        q.answer(try views(asOf: asOf))
    }
}
