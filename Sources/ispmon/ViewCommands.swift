import ArgumentParser
import Foundation
import ISPMonCore
import ISPMonQuery
import ISPMonStore

// The view commands only parse their arguments, ask the query layer and format
// the answer: JSON through `JSONForms` (the bytes the API answers with), CSV and
// tables here.

/// Options every view command shares.
struct ViewOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "Answer as the views did at this time: the log replayed up to and including it.", valueName: "TIME"))
    var asOf: TimeValue?

    @Flag(help: "JSON for programs (times in UTC).")
    var json = false

    /// The store's questions; a stale view is reported on stderr once.
    func queries() throws -> Queries {
        Queries(store: try store.open(create: false)) { Terminal.error($0) }
    }

    var asOfTime: Timestamp? { asOf?.timestamp }
}

func printJSON(_ bytes: [UInt8]) { print(String(decoding: bytes, as: UTF8.self)) }

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
            let list = try view.queries().outages(OutageQuery(window: range.window, minDuration: minDuration), asOf: view.asOfTime)
            if view.json {
                printJSON(JSONForms.outages(list))
            } else if csv {
                print(CSVForms.outages(list), terminator: "")
            } else if list.isEmpty {
                print("no outages")
            } else {
                let rows = list.map { o in
                    [o.id, o.kind == .connectivity ? "internet" : "DNS", LocalTime.format(o.start),
                     o.end.map { LocalTime.format($0) } ?? "ongoing", NumberText.duration(o.duration),
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
        commandName: "status", abstract: "Is the internet up now, is the monitor running, and every target's state.")

    @OptionGroup var view: ViewOptions

    func run() throws {
        try ispmon.run {
            let s = try view.queries().status(asOf: view.asOfTime)
            if view.json {
                printJSON(JSONForms.status(s))
                return
            }
            print("internet: \(s.connectivity.rawValue)   DNS: \(s.dns.rawValue)   monitor: \(s.monitor.rawValue)   as of \(s.asOf.map { LocalTime.format($0) } ?? "-")")
            if let open = s.openOutage {
                print("ONGOING OUTAGE \(open.id): \(NumberText.duration(open.duration)) so far, cause: \(open.cause.inWords)"
                      + (open.culprits.isEmpty ? "" : " (\(open.culprits.joined(separator: ", ")))"))
            }
            let rows = s.targets.map { t in
                [t.name, t.role.name, t.method.name, t.state.rawValue, t.since.map { LocalTime.format($0) } ?? "-",
                 t.lastRTT.map { NumberText.format(Double($0) / 1000) + " ms" } ?? "-"]
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
            let q = LatencyQuery(target: target, window: range.window, period: daily ? .day : .hour)
            let rows = try view.queries().latency(q, asOf: view.asOfTime)
            if view.json {
                printJSON(JSONForms.latency(rows, q))
                return
            }
            if csv {
                print(CSVForms.latency(rows, q), terminator: "")
                return
            }
            func ms(_ v: Double?) -> String { v.map { NumberText.format($0, decimals: 2) } ?? "-" }
            let table = rows.map { r in
                let h = r.stats
                return [r.target, daily ? q.label(r.start) : LocalTime.format(r.start), String(h.sent), String(h.lost),
                        NumberText.format(h.lossPercent, decimals: 2) + " %", ms(h.minMs), ms(h.avgMs), ms(h.maxMs),
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
            let queries = Queries(store: try store.open(create: false)) { Terminal.error($0) }
            let now = WallClock.system.now()
            let noted: LoggedEvent
            do { noted = try queries.addNote(outage: outage, text: text, at: now) } catch let e as QueryError {
                switch e.kind {
                case .invalid(_, let reason): throw ValidationError("the note \(reason)")
                case .notFound: throw ValidationError("no outage \(outage) (see `ispmon outages`)")
                }
            }
            print("noted on \(outage) (seq \(noted.seq))")
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

    func run() throws {
        try ispmon.run {
            let q = SpeedTestQuery(window: range.window, period: daily ? .day : weekly ? .week : monthly ? .month : .test)
            let answer = try view.queries().speedTests(q, asOf: view.asOfTime)
            if view.json {
                printJSON(JSONForms.speedTests(answer, q))
                return
            }
            if csv {
                print(CSVForms.speedTests(answer, q), terminator: "")
                return
            }
            switch answer {
            case .tests(let tests): printTests(tests)
            case .summaries(let summaries): printSummaries(summaries, q)
            }
        }
    }

    func printTests(_ tests: [Projection.SpeedTestRecord]) {
        print(Output.table(["TIME", "DOWN Mbps", "UP Mbps", "IDLE RTT", "SERVER"], tests.map { r in
            let f = SpeedTestFields(r.test)
            return [LocalTime.format(r.time), f.ok ? NumberText.format(f.down ?? 0, decimals: 1) : "FAILED",
                    f.ok ? NumberText.format(f.up ?? 0, decimals: 1) : (f.error ?? ""),
                    r.test.rtt.map { NumberText.format(Double($0) / 1000, decimals: 1) + " ms" } ?? "-", r.test.server]
        }, rightAligned: [1, 2, 3]), terminator: "")
    }

    func printSummaries(_ summaries: [SpeedTestQuery.Summary], _ q: SpeedTestQuery) {
        func f(_ v: Double?) -> String { v.map { NumberText.format($0, decimals: 1) } ?? "-" }
        func spread(_ s: SpeedTestQuery.Spread?) -> String { "\(f(s?.min)) / \(f(s?.median)) / \(f(s?.max))" }
        print(Output.table([q.period.rawValue.uppercased() + " (UTC)", "TESTS", "FAILED", "DOWN min/median/max Mbps", "UP min/median/max Mbps"],
                           summaries.map { s in [s.period, String(s.count), String(s.failures), spread(s.down), spread(s.up)] },
                           rightAligned: [1, 2]), terminator: "")
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
            // Without --view, the event index too: it derives from the log like the views, in the same pass.
            let report = try log.rebuildViews(which, index: view == nil) { progress.update(Int($0), "\($0) events") }
            progress.finish()
            let rate = report.seconds > 0 ? Double(report.events) / report.seconds : 0
            if json {
                print(String(decoding: JSONForms.rebuild(report), as: UTF8.self))
            } else {
                print(String(format: "rebuilt %@ from %llu events in %.3f s (%.0f events/s)",
                             report.views.map(\.rawValue).joined(separator: ", "), report.events, report.seconds, rate))
            }
        }
    }
}
