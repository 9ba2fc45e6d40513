#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The ticks of a time axis in the machine's local time (`TZ`): at round local times (every
/// 10 minutes, hour, 6 hours, midnight …), as many as fit, labelled as people read a clock
/// (`14:00`, and the day at midnight: `Tue 3`; `Mar 3` for ticks a day or more apart).
/// Daylight-saving changes move the ticks with the clock, not with UTC.
public struct TimeAxis: Sendable, Equatable {
    public struct Tick: Sendable, Equatable {
        /// µs since the epoch (UTC), where it is drawn.
        public var time: Int64
        public var label: String
    }

    public var start: Int64
    public var end: Int64
    public var ticks: [Tick]

    /// A time zone as the axis needs it: the offset from UTC (seconds) in force at a time
    /// (seconds since the epoch). The machine's (`TZ`) unless a test gives another.
    public struct Zone: Sendable {
        public var offset: @Sendable (Int64) -> Int64
        public init(offset: @escaping @Sendable (Int64) -> Int64) { self.offset = offset }

        public static let local = Zone { t in
            var secs = time_t(t)
            var tm = tm()
            localtime_r(&secs, &tm)
            return Int64(tm.tm_gmtoff)
        }

        public static func fixed(_ seconds: Int64) -> Zone { Zone { _ in seconds } }
    }

    /// Steps between ticks, in seconds: the first that gives at most `maxTicks` is taken.
    static let steps: [Int64] = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172_800, 604_800, 2_592_000]

    public init(start: Int64, end: Int64, maxTicks: Int = 8, zone: Zone = .local) {
        self.start = start
        self.end = max(end, start + 1)
        let span = (self.end - start) / 1_000_000
        let step = TimeAxis.steps.first { span / $0 + 1 <= Int64(max(2, maxTicks)) } ?? TimeAxis.steps[TimeAxis.steps.count - 1]
        ticks = TimeAxis.ticks(from: start, to: self.end, step: step, zone: zone)
    }

    static func ticks(from start: Int64, to end: Int64, step: Int64, zone: Zone) -> [Tick] {
        let offset = zone.offset
        var out: [Tick] = []
        let first = (start + 999_999) / 1_000_000
        // Candidates on the local clock every `base` seconds (a day at most); ticks days apart
        // keep the local midnights whose day number is a multiple of theirs.
        let base = min(step, 86400)
        let days = max(1, step / 86400)
        var local = ceilTo(first + offset(first), step: base)
        while out.count < 1000 {
            let t = local - offset(local - offset(local))
            if t * 1_000_000 > end { break }
            // A local time that does not exist or comes twice (daylight saving) gives no second tick.
            if t >= first, out.last.map({ t * 1_000_000 > $0.time }) ?? true, days == 1 || (local / 86400) % days == 0 {
                out.append(Tick(time: t * 1_000_000, label: label(t, step: step, zone: zone)))
            }
            local += base
        }
        return out
    }

    static func ceilTo(_ v: Int64, step: Int64) -> Int64 {
        let r = ((v % step) + step) % step
        return r == 0 ? v : v + step - r
    }

    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `14:00`, `Tue 3` at midnight; `Mar 3` for steps of a day or more.
    public static func label(_ t: Int64, step: Int64, zone: Zone = .local) -> String {
        var secs = time_t(t + zone.offset(t))
        var tm = tm()
        gmtime_r(&secs, &tm)
        if step >= 86400 { return "\(months[Int(tm.tm_mon)]) \(tm.tm_mday)" }
        if tm.tm_hour == 0 && tm.tm_min == 0 { return "\(weekdays[Int(tm.tm_wday)]) \(tm.tm_mday)" }
        return two(Int(tm.tm_hour)) + ":" + two(Int(tm.tm_min))
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Where `time` falls between `x0` and `x1`.
    public func x(_ time: Int64, from x0: Double, to x1: Double) -> Double {
        x0 + (x1 - x0) * Double(time - start) / Double(end - start)
    }
}
