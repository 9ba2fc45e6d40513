public import ISPMonControl
import ISPMonCore

/// What a running monitor says, in JSON: its activity on the live stream and the answers of the
/// tools' checks. Written here, with the views' forms, so that all JSON comes from one writer.
extension JSONForms {
    /// The JSON of an `activity` message (docs/stream.md): `{"probes_in_flight", "speedtest":
    /// null | {"phase", "mbps", "progress"}, "trace": null | {"destination"}, "last_commit"}`.
    public static func activity(_ a: MonitorActivity) -> [UInt8] {
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

    /// The JSON answer of an ad-hoc check (`POST /api/v1/tools/{tool}`, docs/http.md), in the
    /// event log's field names: a try is a probe's `ok`, `rtt_ms`, `error` and `detail`; hops are a
    /// trace's; a speed test's numbers are a `speedtest` event's.
    public static func check(_ report: CheckReport) -> [UInt8] {
        var o = JSONObject()
        o.string("tool", report.check.tool.rawValue)
        o.string("target", report.check.target)
        o.string("address", report.address)
        o.bool("ok", report.ok)
        if let f = report.failure {
            o.string("error", f.error)
            o.string("detail", f.detail)
        }
        switch report.check.tool {
        case .ping, .tcp, .dns, .http:
            o.raw("tries", JSONArray.bytes(report.tries.map(checkTry), compact: true))
            let summary = report.summary
            o.int("sent", Int64(summary.sent))
            o.int("lost", Int64(summary.lost))
            o.number("loss_pct", summary.lossPercent, decimals: 1)
            o.number("min_ms", summary.minMs)
            o.number("avg_ms", summary.avgMs)
            o.number("max_ms", summary.maxMs)
        case .trace:
            o.raw("hops", JSONArray.bytes((report.hops ?? []).map(checkHop), compact: true))
        case .speedtest:
            guard let s = report.speedTest else { break }
            switch s.outcome {
            case .ok(let down, let up):
                o.number("down_mbps", down, decimals: 1)
                o.number("up_mbps", up, decimals: 1)
            case .failed(let error):
                o.string("error", error)
            }
            o.number("rtt_ms", s.rtt.map { Double($0) / 1000 })
        }
        return o.finished()
    }

    /// A line of the streamed form: `{"step": "try", "try": 1, "ok": …}` or `{"step": "hop", "ttl": …}`.
    public static func checkStep(_ step: CheckStep) -> [UInt8] {
        switch step {
        case let .tried(n, result):
            var o = JSONObject()
            o.string("step", "try")
            o.int("try", Int64(n))
            return o.finished().dropLast() + [0x2C] + checkTry(result).dropFirst()
        case .hop(let hop):
            var o = JSONObject()
            o.string("step", "hop")
            return o.finished().dropLast() + [0x2C] + checkHop(hop).dropFirst()
        }
    }

    /// The streamed form's last line: `{"step": "done"}` and the whole answer's fields.
    public static func checkDone(_ report: CheckReport) -> [UInt8] {
        var o = JSONObject()
        o.string("step", "done")
        return o.finished().dropLast() + [0x2C] + check(report).dropFirst()
    }

    static func checkTry(_ result: ProbeResult) -> [UInt8] {
        var o = JSONObject()
        switch result {
        case let .ok(rtt, detail):
            o.bool("ok", true)
            o.number("rtt_ms", Double(rtt) / 1000)
            if let detail { o.string("detail", detail) }
        case let .failed(error, detail):
            o.bool("ok", false)
            o.string("error", error)
            if let detail { o.string("detail", detail) }
        }
        return o.finished()
    }

    static func checkHop(_ hop: Trace.Hop) -> [UInt8] {
        var o = JSONObject()
        o.int("ttl", Int64(hop.ttl))
        o.string("address", hop.address)
        o.number("rtt_ms", hop.rtt.map { Double($0) / 1000 })
        return o.finished()
    }
}
