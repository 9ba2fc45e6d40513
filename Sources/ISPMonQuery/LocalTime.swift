import ISPMonCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Times for people, in the machine's time zone (`TZ`). Programs get UTC (RFC 3339).
public enum LocalTime {
    /// `2026-03-01 13:00:05`, or with `microseconds` `2026-03-01 13:00:05.250000`.
    public static func format(_ us: Int64, microseconds: Bool = false) -> String {
        let seconds = us.floorDivided(by: 1_000_000)
        var secs = time_t(seconds.0)
        var tm = tm()
        localtime_r(&secs, &tm)
        var s = pad(Int(tm.tm_year) + 1900, 4) + "-" + pad(Int(tm.tm_mon) + 1, 2) + "-" + pad(Int(tm.tm_mday), 2) + " "
            + pad(Int(tm.tm_hour), 2) + ":" + pad(Int(tm.tm_min), 2) + ":" + pad(Int(tm.tm_sec), 2)
        if microseconds { s += "." + pad(Int(seconds.1), 6) }
        return s
    }

    /// The local zone as people read it, e.g. `CET` or `UTC+01:00`.
    public static var zoneName: String {
        var now = time(nil)
        var tm = tm()
        localtime_r(&now, &tm)
        if let z = tm.tm_zone { return String(cString: z) }
        let off = Int(tm.tm_gmtoff / 60)
        return "UTC" + (off < 0 ? "-" : "+") + pad(abs(off) / 60, 2) + ":" + pad(abs(off) % 60, 2)
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
