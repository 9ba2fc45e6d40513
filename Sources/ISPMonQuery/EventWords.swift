public import ISPMonCore

/// An event in words, the same for every front end: `ispmon events`' table, the log viewer, an
/// outage page's events. The front ends only lay them out.
public struct EventWords: Sendable, Hashable {
    /// What it is about: `router (icmp)`, `link eth0`, `monitor`, `job probes`, `speed test`,
    /// `path discovery to 203.0.113.10`, `clock`, `note`, `notify CHANNEL`.
    public var subject: String
    /// What it says, the same for events that say the same thing (a run of them folds into one
    /// row): `ok`, `timeout`, `up`, `down`, `stopped`, a speed test's rates, a note's text.
    public var outcome: String
    /// What differs from one such event to the next: a round-trip time, a probe's detail, a
    /// speed test's server, the hops, the outage a note is on.
    public var details: String?
    /// Bad news: a failed probe or speed test, a link down.
    public var bad: Bool

    public init(_ e: Event) {
        switch e.body {
        case .probe(let p):
            subject = "\(p.target) (\(p.method.name))"
            var more = [p.role.name]
            switch p.outcome {
            case .ok(let rtt):
                outcome = "ok"
                more.insert(EventWords.milliseconds(rtt) + " ms", at: 0)
                bad = false
            case .failed(let error):
                outcome = error
                bad = true
            }
            if let d = p.detail { more.append(d) }
            details = more.joined(separator: ", ")
        case .speedtest(let s):
            subject = "speed test"
            switch s.outcome {
            case .ok(let down, let up):
                outcome = "\(NumberText.format(down, decimals: 1)) / \(NumberText.format(up, decimals: 1)) Mb/s"
                bad = false
            case .failed(let error):
                outcome = "failed: " + error
                bad = true
            }
            details = s.server + (s.rtt.map { ", idle " + EventWords.milliseconds($0) + " ms" } ?? "")
        case .link(let l):
            subject = "link \(l.interface)"
            outcome = l.up ? "up" : "down"
            details = nil
            bad = !l.up
        case .trace(let t):
            subject = "path discovery to \(t.destination)"
            outcome = "\(t.hops.count) hops"
            details = t.hops.isEmpty ? nil : t.hops.map { "\($0.ttl):\($0.address ?? "*")" }.joined(separator: " ")
            bad = false
        case .monitor(let m):
            subject = "monitor"
            outcome = m.state.rawValue
            let removed = m.state == .reloaded ? "removed " + (m.removed.isEmpty ? "nothing" : m.removed.joined(separator: ", ")) : nil
            let about = [removed, m.version.map { "ispmon \($0)" }, m.clock.map { "clock \($0.rawValue)" }].compactMap { $0 }
            details = about.isEmpty ? nil : about.joined(separator: ", ")
            bad = false
        case .job(let j):
            subject = "job \(j.job)"
            outcome = j.state.rawValue
            details = nil
            bad = false
        case .note(let n):
            subject = "note"
            outcome = n.text
            details = "on \(n.outage)"
            bad = false
        case .clock(let c):
            subject = "clock"
            outcome = c.step == 0 ? "no step" : "stepped \(c.step < 0 ? "back" : "forward") \(NumberText.duration(abs(c.step)))"
            details = EventWords.seconds(c.step) + " s, " + (c.synchronized ? "synchronized" : "not synchronized")
            bad = false
        case .notify(let n):
            subject = "notify \(n.channel)"
            outcome = n.error.map { $0 == "expired" || $0 == "suppressed" ? $0 : "failed: " + $0 } ?? "delivered"
            details = ([n.key, "attempt \(n.attempt)"] + (n.detail.map { [$0] } ?? [])).joined(separator: ", ")
            // Held back on purpose (flap control) is not bad news; a failure or giving up is.
            bad = n.error != nil && n.error != "suppressed"
        }
    }

    /// `outcome`, then the details: one line for a table.
    public var line: String { outcome + (details.map { "  (" + $0 + ")" } ?? "") }

    /// A signed duration in seconds with six decimals: `+7200.000000`, `-0.500000`.
    static func seconds(_ us: Int64) -> String {
        let sign = us < 0 ? "-" : "+"
        let m = us.magnitude
        let fraction = String(m % 1_000_000)
        return sign + String(m / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// Milliseconds as the event format writes them (up to three decimals).
    static func milliseconds(_ us: Int64) -> String {
        var out: [UInt8] = []
        JSONWriter.appendMilliseconds(us, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
