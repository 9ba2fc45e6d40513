public import ISPMonCore

/// The one writer of the JSON answers (docs/cli.md): `ispmon … --json` prints these
/// bytes, and the HTTP API answers with them. Keys in the documented order; times
/// in UTC with microseconds; milliseconds with at most three decimals.
public enum JSONForms {
    public static func status(_ s: StatusAnswer) -> [UInt8] {
        var o = JSONObject()
        o.time("as_of", s.asOf)
        o.string("monitor", s.monitor.rawValue)
        o.string("connectivity", s.connectivity.rawValue)
        o.string("dns", s.dns.rawValue)
        o.raw("open_outage", s.openOutage.map(outage) ?? JSONArray.null)
        o.raw("targets", JSONArray.bytes(s.targets.map { t in
            var j = JSONObject()
            j.string("name", t.name)
            j.string("role", t.role.name)
            j.string("method", t.method.name)
            j.string("state", t.state.rawValue)
            j.time("since", t.since)
            j.number("last_rtt_ms", t.lastRTT.map { Double($0) / 1000 })
            return j.finished()
        }, compact: true))
        o.int("last_seq", Int64(s.lastSeq))
        return o.finished()
    }

    public static func outage(_ outage: Outage) -> [UInt8] { outageObject(outage).finished() }

    static func outageObject(_ outage: Outage) -> JSONObject {
        var o = JSONObject()
        o.string("id", outage.id)
        o.string("kind", outage.kind.rawValue)
        o.time("start", outage.start)
        o.time("end", outage.end)
        o.number("duration_s", Double(outage.duration) / 1e6, decimals: 6)
        o.string("cause", outage.cause.rawValue)
        o.strings("culprits", outage.culprits)
        o.raw("notes", JSONArray.bytes(outage.notes.map { n in
            var j = JSONObject()
            j.time("time", n.time)
            j.string("text", n.text)
            return j.finished()
        }, compact: true))
        return o
    }

    /// The array of `ispmon outages --json`, one outage a line.
    public static func outages(_ list: [Outage]) -> [UInt8] { JSONArray.bytes(list.map(outage)) }

    /// The outage with `explanation` and `timeline`.
    public static func outageDetail(_ d: OutageDetail) -> [UInt8] {
        var o = outageObject(d.outage)
        o.string("explanation", d.explanation)
        o.raw("timeline", JSONArray.bytes(d.timeline.map { lane in
            var j = JSONObject()
            j.string("target", lane.name)
            j.string("role", lane.role)
            j.raw("intervals", JSONArray.bytes(lane.intervals.map { span in
                var s = JSONObject()
                s.time("start", span.start)
                s.time("end", span.end)
                s.string("state", span.state.rawValue)
                return s.finished()
            }, compact: true))
            return j.finished()
        }, compact: true))
        return o.finished()
    }

    /// The names of a latency row's fields after `target` and the period, in order.
    public static let latencyFields = ["sent", "lost", "loss_pct", "min_ms", "avg_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms", "jitter_ms"]

    /// loss_pct … jitter_ms of a row (nil: no successful probe).
    public static func latencyValues(_ h: HourStats) -> [Double?] {
        [h.lossPercent, h.minMs, h.avgMs, h.maxMs, h.percentileMs(50), h.percentileMs(95), h.percentileMs(99), h.jitterMs]
    }

    public static func latency(_ rows: [LatencyQuery.Row], _ q: LatencyQuery) -> [UInt8] {
        JSONArray.bytes(rows.map { row in
            var o = JSONObject()
            o.string("target", row.target)
            o.string(q.period.rawValue, q.label(row.start))
            o.int("sent", Int64(row.stats.sent))
            o.int("lost", Int64(row.stats.lost))
            for (k, v) in zip(latencyFields.dropFirst(2), latencyValues(row.stats)) { o.number(k, v) }
            return o.finished()
        })
    }

    /// The names of a summary's fields after the period, in order.
    public static let summaryFields = ["count", "failures", "down_min_mbps", "down_median_mbps", "down_max_mbps",
                                       "up_min_mbps", "up_median_mbps", "up_max_mbps"]

    public static func summaryValues(_ s: SpeedTestQuery.Summary) -> [Double?] {
        [s.down?.min, s.down?.median, s.down?.max, s.up?.min, s.up?.median, s.up?.max]
    }

    public static func speedTests(_ answer: SpeedTestQuery.Answer, _ q: SpeedTestQuery) -> [UInt8] {
        switch answer {
        case .tests(let tests):
            return JSONArray.bytes(tests.map { speedTest($0.test, time: $0.time) })
        case .summaries(let summaries):
            return JSONArray.bytes(summaries.map { s in
                var o = JSONObject()
                o.string(q.period.rawValue, s.period)
                o.int("count", Int64(s.count))
                o.int("failures", Int64(s.failures))
                for (k, v) in zip(summaryFields.dropFirst(2), summaryValues(s)) { o.number(k, v) }
                return o.finished()
            })
        }
    }

    /// One test as an element of `ispmon speedtests --json` (a notification carries it too).
    public static func speedTest(_ test: SpeedTest, time: Int64) -> [UInt8] {
        let f = SpeedTestFields(test)
        var o = JSONObject()
        o.time("time", time)
        o.string("server", test.server)
        o.bool("ok", f.ok)
        o.number("down_mbps", f.down)
        o.number("up_mbps", f.up)
        o.number("rtt_ms", test.rtt.map { Double($0) / 1000 })
        o.string("error", f.error)
        return o.finished()
    }

    /// Events as NDJSON lines (events.md, with `seq`): the export form.
    public static func ndjson(_ events: [LoggedEvent]) -> [UInt8] {
        var out: [UInt8] = []
        for e in events { EventJSON.append(e.event, seq: e.seq, to: &out) }
        return out
    }

    /// Events as a JSON array of their NDJSON objects (the traces answer).
    public static func eventArray(_ events: [LoggedEvent]) -> [UInt8] {
        JSONArray.bytes(events.map(eventObject))
    }

    /// One event as its NDJSON object, with `seq`, without the line break.
    public static func eventObject(_ e: LoggedEvent) -> [UInt8] {
        var line: [UInt8] = []
        EventJSON.append(e.event, seq: e.seq, to: &line)
        if line.last == 0x0A { line.removeLast() }
        return line
    }
}

/// A speed test's outcome as flat fields.
public struct SpeedTestFields: Sendable {
    public var ok: Bool
    public var down: Double?
    public var up: Double?
    public var error: String?

    public init(_ test: SpeedTest) {
        switch test.outcome {
        case let .ok(d, u): (ok, down, up, error) = (true, d, u, nil)
        case let .failed(e): (ok, down, up, error) = (false, nil, nil, e)
        }
    }
}
