import Foundation
import ISPMonCore

extension CalendarPeriods {
    /// The ISO week (`2026-W09`) or month (`2026-03`) of `zone` named by `label`, as [start, end)
    /// in µs: a week across a daylight-saving change is 167 or 169 hours. Nil when the label is
    /// not such a period (`2026-W54`, `2026-13`, a typo).
    public static func period(_ unit: Unit, labelled label: String, zone: Zone) -> Period? {
        let calendar = zone.calendar
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), year >= 1970, year <= 9998 else { return nil }
        var first: Int64
        switch unit {
        case .week:
            guard parts[1].first == "W", parts[1].count == 3, let week = Int(parts[1].dropFirst()), week >= 1, week <= 53,
                  // 4 January is always in week 1 of its year (ISO 8601).
                  let january4 = calendar.date(from: DateComponents(year: year, month: 1, day: 4)) else { return nil }
            first = start(of: .week, containing: micros(january4), calendar)
            for _ in 1..<week { first = next(.week, after: first, calendar) }
        case .month:
            guard parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month),
                  let day1 = calendar.date(from: DateComponents(year: year, month: month, day: 1)) else { return nil }
            first = micros(calendar.startOfDay(for: day1))
        case .hour, .day:
            return nil
        }
        // A week 53 that the year does not have is the next year's week 1: refused by its label.
        guard CalendarPeriods.label(unit, first, calendar) == label else { return nil }
        return Period(label: label, start: first, end: next(unit, after: first, calendar))
    }
}
