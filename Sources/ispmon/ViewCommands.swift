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

    /// The views `which` (the outages view always comes along): the stored ones, or
    /// with `--as-of`, a replay of the log up to that time in memory.
    func projection(_ which: Set<EventStore.View> = [], hoursOf target: String? = nil) throws -> Projection {
        let log = try store.open(create: false)
        if let asOf { return try log.project(asOf: asOf.timestamp) }
        // Views that are not current even after the rebuild at open (e.g. a read-only
        // store from an older ispmon): the log still has the answer.
        return try log.loadViews(which, hoursOf: target) ?? log.project()
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

    /// Outages that overlap the range.
    @OptionGroup var range: TimeRange
    @Option(name: .customLong("min-duration"), help: ArgumentHelp("Only outages lasting at least this long.", valueName: "SECONDS"))
    var minDuration: Double?
    @Flag(help: "CSV for programs (times in UTC).")
    var csv = false

    func run() throws {
        try ispmon.run {
            let p = try view.projection()
            let now = p.newestTime ?? 0
            let list = p.outages().filter { o in
                if !range.overlaps(o.start, o.end ?? now) { return false }
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
    /// Hours (days) that overlap the range.
    @OptionGroup var range: TimeRange
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
            let p = try view.projection([.latency], hoursOf: target)
            let period: Int64 = daily ? 86_400_000_000 : 3_600_000_000
            var rows: [(String, Int64, HourStats)] = []
            let allHours = p.hours
            for name in allHours.keys.sorted() where target == nil || target == name {
                var merged: [Int64: HourStats] = [:]
                let byHour = allHours[name] ?? [:]
                for hour in byHour.keys.sorted() {  // in time order, so merges are exact
                    let start = hour.floorDivided(by: period).0 * period
                    guard range.overlaps(start, start + period - 1) else { continue }
                    merged[start, default: HourStats()].append(byHour[hour] ?? HourStats())
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
            guard try (log.loadViews([]) ?? log.project()).outages().contains(where: { $0.id == outage }) else {
                throw ValidationError("no outage \(outage) (see `ispmon outages`)")
            }
            let now = Timestamp(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
            let range = try log.append([Event(time: now, body: .note(Note(outage: outage, text: text)))])
            print("noted on \(outage) (seq \(range.lowerBound))")
        }
    }
}

struct SpeedTestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speedtests", abstract: "Speed tests as recorded, newest first, or summarized by UTC day, week or month.")

    @OptionGroup var view: ViewOptions
    @OptionGroup var range: TimeRange
    @Flag(help: "Summaries per UTC day.")
    var daily = false
    @Flag(help: "Summaries per ISO week (Monday to Sunday, UTC).")
    var weekly = false
    @Flag(help: "Summaries per UTC month.")
    var monthly = false
    @Flag(help: "CSV for programs.")
    var csv = false

    func validate() throws {
        if [daily, weekly, monthly].filter({ $0 }).count > 1 { throw ValidationError("choose one of --daily, --weekly, --monthly") }
    }

    /// The UTC period a time falls in, as a label: `2026-03-01`, `2026-W09`, `2026-03`.
    func period(_ t: Int64) -> String {
        let day = t.floorDivided(by: 86_400_000_000).0
        let date = String(Timestamp(microseconds: day * 86_400_000_000).description.prefix(10))
        if monthly { return String(date.prefix(7)) }
        guard weekly else { return date }
        // ISO week: the week with the year's first Thursday is week 1. 1970-01-01 was a Thursday.
        let weekday = (day + 3).floorDivided(by: 7).1  // 0 = Monday
        let thursday = day - weekday + 3
        let year = String(Timestamp(microseconds: thursday * 86_400_000_000).description.prefix(4))
        let jan1 = Int64(Timestamp.parseDay(year + "-01-01"))
        let week = (thursday - jan1) / 7 + 1
        return year + "-W" + (week < 10 ? "0" : "") + String(week)
    }

    func run() throws {
        try ispmon.run {
            let p = try view.projection([.speedtests])
            let tests = p.speedTests.filter { range.contains($0.time) }
            guard daily || weekly || monthly else {
                let newestFirst = tests.reversed()
                func fields(_ r: Projection.SpeedTestRecord) -> (Bool, Double?, Double?, String?) {
                    switch r.test.outcome {
                    case let .ok(d, u): (true, d, u, nil)
                    case let .failed(e): (false, nil, nil, e)
                    }
                }
                if view.json {
                    print(Output.jsonArray(newestFirst.map { r in
                        let (ok, d, u, e) = fields(r)
                        var o = JSONObject()
                        o.time("time", r.time)
                        o.string("server", r.test.server)
                        o.key("ok"); o.bytes += Array((ok ? "true" : "false").utf8)
                        o.number("down_mbps", d)
                        o.number("up_mbps", u)
                        o.number("rtt_ms", r.test.rtt.map { Double($0) / 1000 })
                        o.string("error", e)
                        return o.finished()
                    }))
                } else if csv {
                    print("time,server,ok,down_mbps,up_mbps,rtt_ms,error")
                    for r in newestFirst {
                        let (ok, d, u, e) = fields(r)
                        print([Timestamp(microseconds: r.time).description, Output.csvField(r.test.server), ok ? "true" : "false",
                               d.map { Output.number($0) } ?? "", u.map { Output.number($0) } ?? "",
                               r.test.rtt.map { Output.number(Double($0) / 1000) } ?? "", e ?? ""].joined(separator: ","))
                    }
                } else {
                    print(Output.table(["TIME", "DOWN Mbps", "UP Mbps", "IDLE RTT", "SERVER"], newestFirst.map { r in
                        let (ok, d, u, e) = fields(r)
                        return [Output.localTime(r.time), ok ? Output.number(d ?? 0, decimals: 1) : "FAILED",
                                ok ? Output.number(u ?? 0, decimals: 1) : (e ?? ""),
                                r.test.rtt.map { Output.number(Double($0) / 1000, decimals: 1) + " ms" } ?? "-", r.test.server]
                    }, rightAligned: [1, 2, 3]), terminator: "")
                }
                return
            }
            // Summaries: count, failures, min / median / max of down and up.
            var groups: [(String, [Projection.SpeedTestRecord])] = []
            for r in tests.sorted(by: { $0.time < $1.time }) {
                let key = period(r.time)
                if groups.last?.0 == key { groups[groups.count - 1].1.append(r) } else { groups.append((key, [r])) }
            }
            let periodKey = daily ? "day" : weekly ? "week" : "month"
            func stats(_ values: [Double]) -> (Double?, Double?, Double?) {
                guard !values.isEmpty else { return (nil, nil, nil) }
                let v = values.sorted()
                let median = v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
                return (v.first, median, v.last)
            }
            let rows: [(String, Int, Int, (Double?, Double?, Double?), (Double?, Double?, Double?))] = groups.map { key, list in
                var downs: [Double] = [], ups: [Double] = []
                for r in list { if case let .ok(d, u) = r.test.outcome { downs.append(d); ups.append(u) } }
                return (key, list.count, list.count - downs.count, stats(downs), stats(ups))
            }
            let names = [periodKey, "count", "failures", "down_min_mbps", "down_median_mbps", "down_max_mbps",
                         "up_min_mbps", "up_median_mbps", "up_max_mbps"]
            if view.json {
                print(Output.jsonArray(rows.map { key, count, failures, d, u in
                    var o = JSONObject()
                    o.string(periodKey, key)
                    o.int("count", Int64(count))
                    o.int("failures", Int64(failures))
                    for (k, v) in zip(names.dropFirst(3), [d.0, d.1, d.2, u.0, u.1, u.2]) { o.number(k, v) }
                    return o.finished()
                }))
            } else if csv {
                print(names.joined(separator: ","))
                for (key, count, failures, d, u) in rows {
                    print(([key, String(count), String(failures)] + [d.0, d.1, d.2, u.0, u.1, u.2].map { $0.map { Output.number($0) } ?? "" })
                        .joined(separator: ","))
                }
            } else {
                func f(_ v: Double?) -> String { v.map { Output.number($0, decimals: 1) } ?? "-" }
                print(Output.table([periodKey.uppercased() + " (UTC)", "TESTS", "FAILED", "DOWN min/median/max Mbps", "UP min/median/max Mbps"],
                                   rows.map { key, count, failures, d, u in
                                       [key, String(count), String(failures), "\(f(d.0)) / \(f(d.1)) / \(f(d.2))", "\(f(u.0)) / \(f(u.1)) / \(f(u.2))"]
                                   }, rightAligned: [1, 2]), terminator: "")
            }
        }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild the stored views from the log.",
        discussion: """
            The log is replayed in memory while the old views keep answering (a running \
            monitor goes on writing); the new views replace them in one transaction.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("Rebuild only this view: \(EventStore.View.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "NAME"))
    var view: String?
    @Flag(help: "Print {\"events\", \"seconds\", \"events_per_s\"}.")
    var json = false

    func validate() throws {
        if let view, EventStore.View(rawValue: view) == nil {
            throw ValidationError("no view '\(view)': choose \(EventStore.View.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        try ispmon.run {
            let log = try store.open(create: false, rebuildViews: false)
            let which = view.flatMap(EventStore.View.init(rawValue:)).map { Set([$0]) } ?? Set(EventStore.View.allCases)
            var progress = Progress("replaying", total: Int(try log.lastSeq()))
            let report = try log.rebuildViews(which) { progress.update(Int($0), "\($0) events") }
            progress.finish()
            let rate = report.seconds > 0 ? Double(report.events) / report.seconds : 0
            if json {
                print(String(format: "{\"events\":%llu,\"seconds\":%.6f,\"events_per_s\":%.0f}", report.events, report.seconds, rate))
            } else {
                print(String(format: "rebuilt %@ from %llu events in %.3f s (%.0f events/s)",
                             report.views.map(\.rawValue).joined(separator: ", "), report.events, report.seconds, rate))
            }
        }
    }
}
