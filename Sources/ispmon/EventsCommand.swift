import ArgumentParser
import Foundation
import ISPMonCore
import ISPMonQuery
import ISPMonStore

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Show the raw log: a table for people, or NDJSON with --json.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var filter: EventFilter

    @Option(help: ArgumentHelp("Only probes of this target.", valueName: "NAME"))
    var target: String?

    @Flag(help: "Keep printing new events as they are appended (Ctrl-C to stop).")
    var follow = false

    @Flag(help: "Print NDJSON (the export form, times in UTC).")
    var json = false

    func run() throws {
        try ispmon.run {
            let log = try store.open(create: false)
            var out = OutputBuffer()
            if !json { out.append(EventTable.header) }
            var next: UInt64 = 1
            let watcher = follow ? CommitWatcher(store: log) : nil
            let query = filter.query(target: target)
            while true {
                try log.forEach(from: next) { seq, event in
                    next = seq + 1
                    guard query.matches(event) else { return true }
                    if json {
                        EventJSON.append(event, seq: seq, to: &out.bytes)
                    } else {
                        out.append(EventTable.row(seq: seq, event))
                    }
                    out.flushIfFull()
                    return true
                }
                out.flush()
                guard let watcher else { return }
                // Sleeps until another process commits (inotify), not a polling loop.
                _ = try watcher.wait(after: next - 1, timeout: 60_000_000)
            }
        }
    }
}

/// One line per event for people: local time, aligned columns, units.
enum EventTable {
    static let header = pad("SEQ", 8) + "  " + pad("TIME (\(LocalTime.zoneName))", 26) + "  " + pad("TYPE", 9) + "  " + pad("SUBJECT", 20) + "  RESULT\n"

    static func row(seq: UInt64, _ e: Event) -> String {
        let (subject, result): (String, String)
        switch e.body {
        case .probe(let p):
            subject = p.target
            var r: String
            switch p.outcome {
            case .ok(let rtt): r = "ok \(milliseconds(rtt)) ms"
            case .failed(let error): r = "FAILED \(error)"
            }
            r += "  (\(p.role.name), \(p.method.name))"
            if let d = p.detail { r += "  \(d)" }
            result = r
        case .speedtest(let s):
            subject = s.server
            switch s.outcome {
            case .ok(let down, let up): result = String(format: "down %.1f Mbps, up %.1f Mbps", down, up) + (s.rtt.map { ", idle \(milliseconds($0)) ms" } ?? "")
            case .failed(let error): result = "FAILED \(error)"
            }
        case .link(let l):
            subject = l.interface
            result = l.up ? "up" : "DOWN"
        case .trace(let t):
            subject = t.destination
            result = t.hops.map { h in "\(h.ttl):\(h.address ?? "*")" }.joined(separator: " ")
        case .monitor(let m):
            subject = "monitor"
            let removed = m.state == .reloaded ? "removed " + (m.removed.isEmpty ? "nothing" : m.removed.joined(separator: ", ")) : nil
            let about = [removed, m.version.map { "ispmon \($0)" }, m.clock.map { "clock \($0.rawValue)" }].compactMap { $0 }
            result = m.state.rawValue + (about.isEmpty ? "" : " (" + about.joined(separator: ", ") + ")")
        case .job(let j):
            subject = j.job
            result = j.state.rawValue
        case .note(let n):
            subject = n.outage
            result = n.text
        case .clock(let c):
            subject = "clock"
            let state = c.synchronized ? "synchronized" : "not synchronized"
            result = c.step == 0 ? "\(state), no step" : "stepped \(seconds(c.step)) s, \(state)"
        }
        return pad(String(seq), 8, right: true) + "  " + pad(LocalTime.format(e.time.microseconds, microseconds: true), 26) + "  " + pad(e.type.rawValue, 9) + "  "
            + pad(subject, 20) + "  " + result + "\n"
    }

    /// A signed duration in seconds with six decimals: `+7200.000000`, `-0.500000`.
    static func seconds(_ us: Int64) -> String {
        let sign = us < 0 ? "-" : "+"
        let m = us.magnitude
        let fraction = String(m % 1_000_000)
        return sign + String(m / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    static func milliseconds(_ us: Int64) -> String {
        var out: [UInt8] = []
        JSONWriter.appendMilliseconds(us, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let n = s.count
        guard n < width else { return s }
        let spaces = String(repeating: " ", count: width - n)
        return right ? spaces + s : s + spaces
    }
}
