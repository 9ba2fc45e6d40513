import ISPMonCore
import ISPMonControl
import ISPMonQuery

/// The JSON of an `activity` message (docs/stream.md): `{"probes_in_flight", "speedtest":
/// null | {"phase", "mbps", "progress"}, "trace": null | {"destination"}, "last_commit"}`.
enum ActivityForm {
    static func json(_ a: MonitorActivity) -> [UInt8] {
        var o = JSONObject()
        o.int("probes_in_flight", Int64(a.probesInFlight))
        if let s = a.speedTest {
            var t = JSONObject()
            t.string("phase", s.phase)
            t.number("mbps", s.mbps, decimals: 1)
            t.number("progress", s.progress, decimals: 2)
            o.raw("speedtest", t.finished())
        } else {
            o.raw("speedtest", Array("null".utf8))
        }
        if let d = a.traceDestination {
            var t = JSONObject()
            t.string("destination", d)
            o.raw("trace", t.finished())
        } else {
            o.raw("trace", Array("null".utf8))
        }
        o.time("last_commit", a.lastCommit?.microseconds)
        return o.finished()
    }
}
