import ArgumentParser
import Foundation
import ISPMonCore
import ISPMonStore

/// Options every view command shares.
struct ViewOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Answer as the views did at this time: the log replayed up to and including it.", valueName: "TIME"))
    var asOf: TimeValue?

    @Flag(help: "JSON for programs (times in UTC).")
    var json = false

    func validate() throws {}

    func projection() throws -> Projection {
        let log = try store.open(create: false)
        return try log.project(asOf: asOf?.timestamp)
    }
}

extension Outage.Cause {
    var inWords: String {
        switch self {
        case .local: "this machine's link (cable, Wi-Fi)"
        case .device: "a switch, access point or firewall"
        case .gateway: "the router"
        case .isp: "the ISP (beyond the router)"
        case .upstream: "beyond the ISP's edge"
        case .dns: "the DNS resolvers"
        case .unknown: "unknown (nothing on the path answered)"
        }
    }
}

extension Outage {
    var json: [UInt8] {
        var o = JSONObject()
        o.string("id", id)
        o.string("kind", kind.rawValue)
        o.time("start", start)
        o.time("end", end)
        o.number("duration_s", Double(duration) / 1e6, decimals: 6)
        o.string("cause", cause.rawValue)
        o.strings("culprits", culprits)
        o.raw("notes", Output.jsonArrayBytes(compact: true, notes.map { n in
            var j = JSONObject()
            j.time("time", n.time)
            j.string("text", n.text)
            return j.finished()
        }))
        return o.finished()
    }
}

struct OutagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outages", abstract: "When the internet (or DNS) was down, for how long, and why.")

    @OptionGroup var view: ViewOptions

    @Option(help: ArgumentHelp("Only outages that overlap this range: from…", valueName: "TIME"))
    var since: TimeValue?
    @Option(help: ArgumentHelp("…until.", valueName: "TIME"))
    var until: TimeValue?
    @Option(name: .customLong("min-duration"), help: ArgumentHelp("Only outages lasting at least this long.", valueName: "SECONDS"))
    var minDuration: Double?
    @Flag(help: "CSV for programs (times in UTC).")
    var csv = false

    func run() throws {
        try ispmon.run {
            let p = try view.projection()
            let now = p.newestTime ?? 0
            let list = p.outages().filter { o in
                let end = o.end ?? now
                if let since, end < since.timestamp.microseconds { return false }
                if let until, o.start > until.timestamp.microseconds { return false }
                if let minDuration, Double(o.duration) / 1e6 < minDuration { return false }
                return true
            }
            if view.json {
                print(Output.jsonArray(list.map(\.json)))
            } else if csv {
                print("id,kind,start,end,duration_s,cause,culprits,notes")
                for o in list {
                    let fields = [o.id, o.kind.rawValue, Timestamp(microseconds: o.start).description,
                                  o.end.map { Timestamp(microseconds: $0).description } ?? "",
                                  Output.number(Double(o.duration) / 1e6, decimals: 6), o.cause.rawValue,
                                  o.culprits.joined(separator: ";"), o.notes.map(\.text).joined(separator: "; ")]
                    print(fields.map(Output.csvField).joined(separator: ","))
                }
            } else if list.isEmpty {
                print("no outages")
            } else {
                let rows = list.map { o in
                    [o.id, o.kind == .connectivity ? "internet" : "DNS", Output.localTime(o.start),
                     o.end.map(Output.localTime) ?? "ongoing", Output.duration(o.duration),
                     o.cause.inWords + (o.culprits.isEmpty ? "" : ": " + o.culprits.joined(separator: ", "))
                        + o.notes.map { "\n    note: " + $0.text }.joined()]
                }
                print(Output.table(["ID", "DOWN", "START", "END", "DURATION", "CAUSE"], rows), terminator: "")
            }
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Is the internet up now, and every target's state.")

    @OptionGroup var view: ViewOptions

    func run() throws {
        try ispmon.run {
            let p = try view.projection()
            let monitor = p.monitorState.map { $0 == .started ? "running" : "stopped" } ?? "unknown"
            func layer(_ l: Projection.Layer) -> String {
                guard let track = p.layers[l], track.known.isOn else { return "unknown" }
                return track.down.isOn ? "down" : "up"
            }
            let outages = p.outages()
            let open = outages.last { $0.end == nil && $0.kind == .connectivity } ?? outages.last { $0.end == nil }
            let targets = p.targets.values.sorted { $0.name < $1.name }
            if view.json {
                var o = JSONObject()
                o.time("as_of", p.newestTime)
                o.string("monitor", monitor)
                o.string("connectivity", layer(.internet))
                o.string("dns", layer(.dns))
                if let open { o.raw("open_outage", open.json) } else { o.raw("open_outage", Array("null".utf8)) }
                o.raw("targets", Output.jsonArrayBytes(compact: true, targets.map { t in
                    var j = JSONObject()
                    j.string("name", t.name)
                    j.string("role", t.role.name)
                    j.string("method", t.method.name)
                    j.string("state", t.state.rawValue)
                    j.time("since", t.since)
                    j.number("last_rtt_ms", t.lastRTT.map { Double($0) / 1000 })
                    return j.finished()
                }))
                o.int("last_seq", Int64(p.lastSeq))
                print(String(decoding: o.finished(), as: UTF8.self))
                return
            }
            print("internet: \(layer(.internet))   DNS: \(layer(.dns))   monitor: \(monitor)   as of \(p.newestTime.map(Output.localTime) ?? "-")")
            if let open {
                print("ONGOING OUTAGE \(open.id): \(Output.duration(open.duration)) so far, cause: \(open.cause.inWords)"
                      + (open.culprits.isEmpty ? "" : " (\(open.culprits.joined(separator: ", ")))"))
            }
            let rows = targets.map { t in
                [t.name, t.role.name, t.method.name, t.state.rawValue, t.since.map(Output.localTime) ?? "-",
                 t.lastRTT.map { Output.number(Double($0) / 1000) + " ms" } ?? "-"]
            }
            print(Output.table(["TARGET", "ROLE", "METHOD", "STATE", "SINCE", "LAST RTT"], rows, rightAligned: [5]),
                  terminator: "")
        }
    }
}

struct LatencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency", abstract: "Latency, loss and jitter per target, hour by hour or day by day (UTC).")

    @OptionGroup var view: ViewOptions
    @Option(help: ArgumentHelp("Only this target.", valueName: "NAME"))
    var target: String?
    @Option(help: ArgumentHelp("Only periods starting at or after this time.", valueName: "TIME"))
    var since: TimeValue?
    @Option(help: ArgumentHelp("Only periods starting before this time.", valueName: "TIME"))
    var until: TimeValue?
    @Flag(help: "One row per target and UTC hour (the default).")
    var hourly = false
    @Flag(help: "One row per target and UTC day: hours merged, never averaged.")
    var daily = false
    @Flag(help: "CSV for programs.")
    var csv = false

    func validate() throws {
        if hourly && daily { throw ValidationError("choose --hourly or --daily") }
    }

    func run() throws {
        try ispmon.run {
            let p = try view.projection()
            let period: Int64 = daily ? 86_400_000_000 : 3_600_000_000
            var rows: [(String, Int64, HourStats)] = []
            for name in p.hours.keys.sorted() where target == nil || target == name {
                var merged: [Int64: HourStats] = [:]
                for hour in p.hours[name]!.keys.sorted() {  // in time order, so merges are exact
                    let start = hour.floorDivided(by: period).0 * period
                    if let since, start < since.timestamp.microseconds { continue }
                    if let until, start >= until.timestamp.microseconds { continue }
                    merged[start, default: HourStats()].append(p.hours[name]![hour]!)
                }
                for start in merged.keys.sorted() { rows.append((name, start, merged[start]!)) }
            }
            let key = daily ? "day" : "hour"
            func label(_ t: Int64) -> String {
                let s = Timestamp(microseconds: t).description
                return daily ? String(s.prefix(10)) : String(s.prefix(19)) + "Z"
            }
            if view.json || csv {
                let names = ["target", key, "sent", "lost", "loss_pct", "min_ms", "avg_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms", "jitter_ms"]
                func values(_ h: HourStats) -> [Double?] {
                    [h.lossPercent, h.minMs, h.avgMs, h.maxMs, h.percentileMs(50), h.percentileMs(95), h.percentileMs(99), h.jitterMs]
                }
                if view.json {
                    print(Output.jsonArray(rows.map { name, start, h in
                        var o = JSONObject()
                        o.string("target", name)
                        o.string(key, label(start))
                        o.int("sent", Int64(h.sent))
                        o.int("lost", Int64(h.lost))
                        for (k, v) in zip(names.dropFirst(4), values(h)) { o.number(k, v) }
                        return o.finished()
                    }))
                } else {
                    print(names.joined(separator: ","))
                    for (name, start, h) in rows {
                        print(([Output.csvField(name), label(start), String(h.sent), String(h.lost)]
                               + values(h).map { $0.map { Output.number($0) } ?? "" }).joined(separator: ","))
                    }
                }
                return
            }
            func ms(_ v: Double?) -> String { v.map { Output.number($0, decimals: 2) } ?? "-" }
            let table = rows.map { name, start, h in
                [name, daily ? label(start) : Output.localTime(start), String(h.sent), String(h.lost),
                 Output.number(h.lossPercent, decimals: 2) + " %", ms(h.minMs), ms(h.avgMs), ms(h.maxMs),
                 ms(h.percentileMs(50)), ms(h.percentileMs(95)), ms(h.percentileMs(99)), ms(h.jitterMs)]
            }
            print(Output.table(["TARGET", daily ? "DAY (UTC)" : "HOUR (local)", "SENT", "LOST", "LOSS", "MIN ms", "AVG ms",
                                "MAX ms", "P50 ms", "P95 ms", "P99 ms", "JITTER ms"], table,
                               rightAligned: Set(2...11)), terminator: "")
        }
    }
}

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Annotate an outage (appends a note event; history is never rewritten).")

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The outage id, as `ispmon outages` shows it.", valueName: "OUTAGE_ID"))
    var outage: String
    @Argument(help: "The note (up to 4096 bytes).")
    var text: String

    func run() throws {
        try ispmon.run {
            guard !text.isEmpty, text.utf8.count <= EventJSON.maxNoteBytes else {
                throw ValidationError("the note must be 1 to \(EventJSON.maxNoteBytes) bytes")
            }
            let log = try store.open(create: false)
            guard try log.project().outages().contains(where: { $0.id == outage }) else {
                throw ValidationError("no outage \(outage) (see `ispmon outages`)")
            }
            let now = Timestamp(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
            let range = try log.append([Event(time: now, body: .note(Note(outage: outage, text: text)))])
            print("noted on \(outage) (seq \(range.lowerBound))")
        }
    }
}
