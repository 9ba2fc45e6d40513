import Foundation
public import ISPMonCore

/// The CSV of `--csv` (docs/cli.md) and of the API's `format=csv`: one header line with the
/// JSON field names, then one line per row, times in UTC, numbers as in JSON. Fields holding a
/// comma, a quote or a line break are quoted (RFC 4180), so no stored text can add a column; a
/// text field that a spreadsheet would run as a formula starts with `'` (`CSVCell`).
public enum CSVForms {
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// `header`'s line (unless `withHeader` is false: a later piece of an answer written in
    /// pieces), then the rows'.
    static func lines(_ header: [String], withHeader: Bool = true, _ rows: [[CSVCell]]) -> String {
        ((withHeader ? [header] : []) + rows.map { $0.map(\.content) }).map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }

    static func text(_ s: String) -> CSVCell { .text(s) }
    static func count(_ n: some BinaryInteger) -> CSVCell { .number(String(n)) }
    static func number(_ v: Double?) -> CSVCell { .number(v.map { NumberText.format($0) } ?? "") }
    static func time(_ us: Int64?) -> CSVCell { .text(us.map { Timestamp(microseconds: $0).description } ?? "") }
    static func bool(_ b: Bool) -> CSVCell { .text(b ? "true" : "false") }

    public static func outages(_ list: [Outage]) -> String {
        lines(["id", "kind", "start", "end", "duration_s", "cause", "culprits", "notes"], list.map { o in
            [text(o.id), text(o.kind.rawValue), time(o.start), time(o.end), .number(NumberText.format(Double(o.duration) / 1e6, decimals: 6)),
             text(o.cause.rawValue), text(o.culprits.joined(separator: ";")), text(o.notes.map(\.text).joined(separator: "; "))]
        })
    }

    public static func latency(_ rows: [LatencyQuery.Row], _ q: LatencyQuery) -> String {
        lines(["target", q.period.rawValue] + JSONForms.latencyFields, rows.map { r in
            [text(r.target), text(q.label(r.start)), count(r.stats.sent), count(r.stats.lost)] + JSONForms.latencyValues(r.stats).map(number)
        })
    }

    public static func speedTests(_ answer: SpeedTestQuery.Answer, _ q: SpeedTestQuery) -> String {
        switch answer {
        case .tests(let tests):
            return lines(["time", "server", "ok", "down_mbps", "up_mbps", "rtt_ms", "error"], tests.map { r in
                let f = SpeedTestFields(r.test)
                return [time(r.time), text(r.test.server), bool(f.ok), number(f.down), number(f.up),
                        number(r.test.rtt.map { Double($0) / 1000 }), text(f.error ?? "")]
            })
        case .summaries(let summaries):
            return lines([q.period.rawValue] + JSONForms.summaryFields, summaries.map { s in
                [text(s.period), count(s.count), count(s.failures)] + JSONForms.summaryValues(s).map(number)
            })
        }
    }

    /// The log's events, one row each whatever the type: the columns a type has are filled, the
    /// others empty (`target` is a probe's target or a link's interface; `state` a monitor's,
    /// job's or link's state; `text` a note's text, a speed test's server, a trace's
    /// destination, a notification's key (its channel in `target`), a job's name or the names a reload removed, comma-separated). NDJSON (`ispmon export`) keeps every field; this is for spreadsheets.
    public static let eventFields = ["seq", "time", "type", "target", "role", "method", "ok", "rtt_ms", "error", "detail",
                                     "down_mbps", "up_mbps", "outage", "state", "text"]

    /// `withHeader`: false for the pieces after the first of an answer written in pieces.
    public static func events(_ list: [LoggedEvent], withHeader: Bool = true) -> String {
        lines(eventFields, withHeader: withHeader, list.map { e in
            var c = [CSVCell](repeating: text(""), count: eventFields.count)
            c[0] = count(e.seq)
            c[1] = text(e.event.time.description)
            c[2] = text(e.event.type.rawValue)
            switch e.event.body {
            case .probe(let p):
                c[3] = text(p.target)
                c[4] = text(p.role.name)
                c[5] = text(p.method.name)
                switch p.outcome {
                case .ok(let rtt):
                    c[6] = bool(true)
                    c[7] = number(Double(rtt) / 1000)
                case .failed(let error):
                    c[6] = bool(false)
                    c[8] = text(error)
                }
                c[9] = text(p.detail ?? "")
            case .speedtest(let s):
                let f = SpeedTestFields(s)
                c[6] = bool(f.ok)
                c[7] = number(s.rtt.map { Double($0) / 1000 })
                c[8] = text(f.error ?? "")
                c[10] = number(f.down)
                c[11] = number(f.up)
                c[14] = text(s.server)
            case .link(let l):
                c[3] = text(l.interface)
                c[13] = text(l.up ? "up" : "down")
            case .trace(let t): c[14] = text(t.destination)
            case .monitor(let m):
                c[13] = text(m.state.rawValue)
                c[14] = text(m.removed.joined(separator: ","))
            case .job(let j):
                c[13] = text(j.state.rawValue)
                c[14] = text(j.job)
            case .note(let n):
                c[12] = text(n.outage)
                c[14] = text(n.text)
            case .clock(let k): c[13] = text(k.synchronized ? "synchronized" : "unsynchronized")
            case .notify(let n):
                c[3] = text(n.channel)
                c[6] = bool(n.ok)
                c[8] = text(n.error ?? "")
                c[9] = text(n.detail ?? "")
                c[14] = text(n.key)
            }
            return c
        })
    }
}
