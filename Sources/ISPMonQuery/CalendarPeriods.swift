#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ISPMonCore

/// Calendar days, ISO weeks (Monday to Monday) and months, as [start, end) in µs, in UTC or
/// in the machine's zone (`TZ`): a local day of a daylight-saving change is 23 or 25 hours.
public enum CalendarPeriods {
    public enum Zone: String, Sendable, Hashable { case utc, local }
    public enum Unit: Sendable, Hashable { case day, week, month }

    public struct Period: Sendable, Hashable {
        /// `2026-03-01`, `2026-W09`, `2026-03`.
        public var label: String
        public var start: Int64
        public var end: Int64
    }

    /// Every period of `unit` that meets [from, to), oldest first.
    public static func periods(_ unit: Unit, from: Int64, to: Int64, zone: Zone) -> [Period] {
        var out: [Period] = []
        var start = self.start(of: unit, containing: from, zone: zone)
        while start < to, out.count < 100_000 {
            let end = next(unit, after: start, zone: zone)
            out.append(Period(label: label(unit, start, zone: zone), start: start, end: end))
            start = end
        }
        return out
    }

    /// The start of the period of `unit` that holds `t`.
    public static func start(of unit: Unit, containing t: Int64, zone: Zone) -> Int64 {
        var tm = fields(t, zone)
        tm.tm_hour = 0
        tm.tm_min = 0
        tm.tm_sec = 0
        switch unit {
        case .day: break
        case .week: tm.tm_mday -= (Int32(tm.tm_wday) + 6) % 7  // back to Monday
        case .month: tm.tm_mday = 1
        }
        return seconds(&tm, zone)
    }

    static func next(_ unit: Unit, after start: Int64, zone: Zone) -> Int64 {
        var tm = fields(start, zone)
        switch unit {
        case .day: tm.tm_mday += 1
        case .week: tm.tm_mday += 7
        case .month: tm.tm_mon += 1
        }
        tm.tm_hour = 0
        tm.tm_min = 0
        tm.tm_sec = 0
        return max(seconds(&tm, zone), start + 3_600_000_000)
    }

    static func label(_ unit: Unit, _ start: Int64, zone: Zone) -> String {
        let tm = fields(start, zone)
        let year = Int(tm.tm_year) + 1900, month = Int(tm.tm_mon) + 1, day = Int(tm.tm_mday)
        switch unit {
        case .day: return LocalTime.pad(year, 4) + "-" + LocalTime.pad(month, 2) + "-" + LocalTime.pad(day, 2)
        case .month: return LocalTime.pad(year, 4) + "-" + LocalTime.pad(month, 2)
        case .week:
            // An ISO week is its Thursday's: week 1 holds the year's first Thursday.
            var t = tm
            t.tm_mday += 3
            t.tm_hour = 12
            let th = fields(seconds(&t, zone), zone)
            let week = Int(th.tm_yday) / 7 + 1
            return LocalTime.pad(Int(th.tm_year) + 1900, 4) + "-W" + LocalTime.pad(week, 2)
        }
    }

    static func fields(_ us: Int64, _ zone: Zone) -> tm {
        var secs = time_t(us.floorDivided(by: 1_000_000).0)
        var out = tm()
        switch zone {
        case .utc: gmtime_r(&secs, &out)
        case .local: localtime_r(&secs, &out)
        }
        return out
    }

    /// Broken-down time back to µs; mktime's `tm_isdst = -1` lets it find whether summer time holds.
    static func seconds(_ tm: inout tm, _ zone: Zone) -> Int64 {
        switch zone {
        case .utc: return Int64(timegm(&tm)) * 1_000_000
        case .local:
            tm.tm_isdst = -1
            return Int64(mktime(&tm)) * 1_000_000
        }
    }
}
