import Foundation
public import ISPMonCore

/// The CSV of `--csv` (docs/cli.md) and of the API's `format=csv`: one header line with the
/// JSON field names, then one line per row, times in UTC, numbers as in JSON. Fields holding a
/// comma, a quote or a line break are quoted (RFC 4180), so no stored text can add a column.
public enum CSVForms {
    public static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func lines(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }

    static func number(_ v: Double?) -> String { v.map { NumberText.format($0) } ?? "" }
    static func time(_ us: Int64?) -> String { us.map { Timestamp(microseconds: $0).description } ?? "" }

    public static func outages(_ list: [Outage]) -> String {
        lines(["id", "kind", "start", "end", "duration_s", "cause", "culprits", "notes"], list.map { o in
            [o.id, o.kind.rawValue, time(o.start), time(o.end), NumberText.format(Double(o.duration) / 1e6, decimals: 6),
             o.cause.rawValue, o.culprits.joined(separator: ";"), o.notes.map(\.text).joined(separator: "; ")]
        })
    }

    public static func latency(_ rows: [LatencyQuery.Row], _ q: LatencyQuery) -> String {
        lines(["target", q.period.rawValue] + JSONForms.latencyFields, rows.map { r in
            [r.target, q.label(r.start), String(r.stats.sent), String(r.stats.lost)] + JSONForms.latencyValues(r.stats).map(number)
        })
    }

    public static func speedTests(_ answer: SpeedTestQuery.Answer, _ q: SpeedTestQuery) -> String {
        switch answer {
        case .tests(let tests):
            return lines(["time", "server", "ok", "down_mbps", "up_mbps", "rtt_ms", "error"], tests.map { r in
                let f = SpeedTestFields(r.test)
                return [time(r.time), r.test.server, f.ok ? "true" : "false", number(f.down), number(f.up),
                        number(r.test.rtt.map { Double($0) / 1000 }), f.error ?? ""]
            })
        case .summaries(let summaries):
            return lines([q.period.rawValue] + JSONForms.summaryFields, summaries.map { s in
                [s.period, String(s.count), String(s.failures)] + JSONForms.summaryValues(s).map(number)
            })
        }
    }

    /// The log's events, one row each whatever the type: the columns a type has are filled, the
    /// others empty (`target` is a probe's target or a link's interface; `state` a monitor's,
    /// job's or link's state; `text` a note's text, a speed test's server, a trace's
    /// destination, a job's name or the names a reload removed, comma-separated). NDJSON (`ispmon export`) keeps every field; this is for spreadsheets.
    public static let eventFields = ["seq", "time", "type", "target", "role", "method", "ok", "rtt_ms", "error", "detail",
                                     "down_mbps", "up_mbps", "outage", "state", "text"]

    public static func events(_ list: [LoggedEvent]) -> String {
        lines(eventFields, list.map { e in
            var c = [String](repeating: "", count: eventFields.count)
            c[0] = String(e.seq)
            c[1] = e.event.time.description
            c[2] = e.event.type.rawValue
            switch e.event.body {
            case .probe(let p):
                c[3] = p.target
                c[4] = p.role.name
                c[5] = p.method.name
                switch p.outcome {
                case .ok(let rtt):
                    c[6] = "true"
                    c[7] = number(Double(rtt) / 1000)
                case .failed(let error):
                    c[6] = "false"
                    c[8] = error
                }
                c[9] = p.detail ?? ""
            case .speedtest(let s):
                let f = SpeedTestFields(s)
                c[6] = f.ok ? "true" : "false"
                c[7] = number(s.rtt.map { Double($0) / 1000 })
                c[8] = f.error ?? ""
                c[10] = number(f.down)
                c[11] = number(f.up)
                c[14] = s.server
            case .link(let l):
                c[3] = l.interface
                c[13] = l.up ? "up" : "down"
            case .trace(let t): c[14] = t.destination
            case .monitor(let m):
                c[13] = m.state.rawValue
                c[14] = m.removed.joined(separator: ",")
            case .job(let j):
                c[13] = j.state.rawValue
                c[14] = j.job
            case .note(let n):
                c[12] = n.outage
                c[14] = n.text
            case .clock(let k): c[13] = k.synchronized ? "synchronized" : "unsynchronized"
            }
            return c
        })
    }
}
