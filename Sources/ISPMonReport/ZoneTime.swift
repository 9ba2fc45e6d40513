import Foundation
import ISPMonCore
import ISPMonCharts
public import ISPMonQuery

/// Times as the report writes them: `2026-03-02 07:00` in the report's zone (never the
/// machine's), and the same zone for the charts' axes.
public struct ZoneTime: Sendable {
    let zone: CalendarPeriods.Zone
    let calendar: Calendar

    public init(_ zone: CalendarPeriods.Zone) {
        self.zone = zone
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone.timeZone
        calendar = c
    }

    func parts(_ us: Int64) -> DateComponents {
        let (seconds, _) = us.floorDivided(by: 1_000_000)
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
    }

    static func pad(_ v: Int?, _ width: Int) -> String {
        let s = String(v ?? 0)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    func minute(_ us: Int64) -> String {
        let c = parts(us)
        return "\(Self.pad(c.year, 4))-\(Self.pad(c.month, 2))-\(Self.pad(c.day, 2)) \(Self.pad(c.hour, 2)):\(Self.pad(c.minute, 2))"
    }

    public func second(_ us: Int64) -> String { minute(us) + ":" + Self.pad(parts(us).second, 2) }

    /// The charts' axis in this zone.
    var axis: TimeAxis.Zone {
        let tz = zone.timeZone
        return TimeAxis.Zone { t in Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))) }
    }
}
