public import Foundation
import ISPMonCore

/// Calendar days, ISO weeks (Monday to Monday, week 1 holds the year's first Thursday) and
/// months, as [start, end) in µs, in a zone given as a parameter (an IANA name, UTC, or this
/// machine's): a day of a daylight-saving change is 23 or 25 hours. The same log and zone give
/// the same periods on every machine, whatever its `TZ`.
public enum CalendarPeriods {
    /// Whose calendar the days, weeks and months follow.
    public struct Zone: Sendable, Hashable, CustomStringConvertible {
        public let timeZone: TimeZone

        public init(_ timeZone: TimeZone) { self.timeZone = timeZone }

        /// An IANA zone (`Europe/Berlin`, `UTC`); nil when there is no zone of that name.
        public init?(identifier: String) {
            guard !identifier.isEmpty, identifier.utf8.count <= 64, let zone = TimeZone(identifier: identifier) else { return nil }
            timeZone = zone
        }

        public static let utc = Zone(TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .gmt)
        /// This machine's zone (`TZ`, else /etc/localtime): the pages', which show local time.
        public static var local: Zone { Zone(TimeZone.current) }

        /// The IANA name; `UTC` for UTC (Foundation names it `GMT` on some systems).
        public var description: String { timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier }

        /// The Gregorian calendar in this zone, with ISO 8601's weeks.
        var calendar: Calendar {
            var c = Calendar(identifier: .gregorian)
            c.timeZone = timeZone
            c.firstWeekday = 2
            c.minimumDaysInFirstWeek = 4
            return c
        }
    }

    public enum Unit: Sendable, Hashable { case hour, day, week, month }

    public struct Period: Sendable, Hashable {
        /// `2026-03-01T13` (an hour of the zone), `2026-03-01`, `2026-W09`, `2026-03`.
        public var label: String
        public var start: Int64
        public var end: Int64
    }

    /// Every period of `unit` that meets [from, to), oldest first.
    public static func periods(_ unit: Unit, from: Int64, to: Int64, zone: Zone) -> [Period] {
        let calendar = zone.calendar
        var out: [Period] = []
        var start = self.start(of: unit, containing: from, calendar)
        while start < to, out.count < 100_000 {
            let end = next(unit, after: start, calendar)
            out.append(Period(label: label(unit, start, calendar), start: start, end: end))
            start = end
        }
        return out
    }

    /// The start of the period of `unit` that holds `t`.
    public static func start(of unit: Unit, containing t: Int64, zone: Zone) -> Int64 {
        start(of: unit, containing: t, zone.calendar)
    }

    static func start(of unit: Unit, containing t: Int64, _ calendar: Calendar) -> Int64 {
        let component: Calendar.Component = switch unit {
        case .hour: .hour
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        }
        guard let interval = calendar.dateInterval(of: component, for: date(t)) else { return t }
        return micros(interval.start)
    }

    static func next(_ unit: Unit, after start: Int64, _ calendar: Calendar) -> Int64 {
        if unit == .hour {
            // The next hour of the zone: an hour later, whatever the calendar says of it.
            return CalendarPeriods.start(of: .hour, containing: start + 3_600_000_000, calendar)
        }
        let step: DateComponents = switch unit {
        case .hour, .day: DateComponents(day: 1)
        case .week: DateComponents(day: 7)
        case .month: DateComponents(month: 1)
        }
        // The next period's first moment: the same calendar date one step on, at its start of day.
        guard let later = calendar.date(byAdding: step, to: date(start)) else { return start + 86_400_000_000 }
        return max(micros(calendar.startOfDay(for: later)), start + 3_600_000_000)
    }

    static func label(_ unit: Unit, _ start: Int64, _ calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .yearForWeekOfYear, .weekOfYear], from: date(start))
        let year = c.year ?? 0, month = c.month ?? 0, day = c.day ?? 0
        switch unit {
        case .hour:
            return LocalTime.pad(year, 4) + "-" + LocalTime.pad(month, 2) + "-" + LocalTime.pad(day, 2) + "T" + LocalTime.pad(c.hour ?? 0, 2)
        case .day: return LocalTime.pad(year, 4) + "-" + LocalTime.pad(month, 2) + "-" + LocalTime.pad(day, 2)
        case .month: return LocalTime.pad(year, 4) + "-" + LocalTime.pad(month, 2)
        case .week: return LocalTime.pad(c.yearForWeekOfYear ?? year, 4) + "-W" + LocalTime.pad(c.weekOfYear ?? 0, 2)
        }
    }

    static func date(_ us: Int64) -> Date {
        let (seconds, fraction) = us.floorDivided(by: 1_000_000)
        return Date(timeIntervalSince1970: Double(seconds) + Double(fraction) / 1e6)
    }

    /// Period bounds are whole seconds (zone offsets are), so rounding loses nothing.
    static func micros(_ d: Date) -> Int64 { Int64(d.timeIntervalSince1970.rounded()) * 1_000_000 }
}
