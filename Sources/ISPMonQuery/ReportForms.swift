import ISPMonCore

/// `ispmon report --format json` (docs/reports.md): the numbers of the header, the summary, the
/// outages and the appendix as one object. Counts are 0 and lists [] when there is nothing;
/// what cannot be computed (availability without monitored time, medians without tests, the
/// sequence range of an empty period) is null. The time it was made is not in it: the same log
/// and period give the same bytes.
extension JSONForms {
    public static func report(_ r: ReportAnswer) -> [UInt8] {
        let s = r.snapshot
        let a = s.availability
        var o = JSONObject()
        o.string("site", r.site)
        o.time("start", s.start)
        o.time("end", s.end)
        o.string("zone", s.zone.description)
        o.number("monitored_s", Double(a?.monitored ?? 0) / 1e6, decimals: 6)
        // Without any monitored moment the whole period is unmonitored.
        o.number("unmonitored_s", Double(a?.unmonitored ?? (s.end - s.start)) / 1e6, decimals: 6)
        for (key, percent) in [("connectivity_availability_pct", a?.connectivityPercent), ("dns_availability_pct", a?.dnsPercent),
                               ("isp_availability_pct", a?.ispPercent)] {
            o.raw(key, percent.map { Array($0.description.utf8) } ?? JSONArray.null)
        }
        o.number("downtime_s", Double(a?.connectivityDown ?? 0) / 1e6, decimals: 6)
        o.number("isp_downtime_s", Double(a?.ispDown ?? 0) / 1e6, decimals: 6)
        o.raw("outages", outages(s.outages))
        var tests = JSONObject()
        tests.int("count", Int64(s.speedTests.count))
        tests.int("failures", Int64(s.speedTests.failures))
        tests.int("slow", Int64(s.speedTests.slow))
        for (key, spread) in [("down_mbps", s.speedTests.down), ("up_mbps", s.speedTests.up)] {
            var j = JSONObject()
            j.number("median", spread?.median)
            j.number("min", spread?.min)
            j.number("max", spread?.max)
            tests.raw(key, j.finished())
        }
        o.raw("speedtests", tests.finished())
        var events = JSONObject()
        events.int("count", Int64(s.events.count))
        events.raw("first_seq", s.events.firstSeq.map { Array(String($0).utf8) } ?? JSONArray.null)
        events.raw("last_seq", s.events.lastSeq.map { Array(String($0).utf8) } ?? JSONArray.null)
        var byType = JSONObject()
        for type in EventType.allCases { byType.int(type.rawValue, Int64(s.events.byType[type] ?? 0)) }
        events.raw("by_type", byType.finished())
        events.string("sha256", r.exportSHA256)
        o.raw("events", events.finished())
        return o.finished()
    }
}

/// `ispmon report --format csv`: the period's outages as `ispmon outages --csv` writes them, an
/// empty line, then its speed tests as `ispmon speedtests --csv` does (newest first, as it lists them),
/// so that each part is byte for byte the command's and a spreadsheet shows both.
extension CSVForms {
    public static func report(_ r: ReportAnswer) -> String {
        let tests = SpeedTestQuery.Answer.tests(r.snapshot.speedTests.tests.reversed())
        return outages(r.snapshot.outages) + "\n" + speedTests(tests, SpeedTestQuery(period: .test))
    }
}
