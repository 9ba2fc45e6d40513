import ArgumentParser
import ISPMonCore
import ISPMonQuery
import ISPMonStore

/// `--since` / `--until`, shared by every command that selects a time range.
struct TimeRange: ParsableArguments {
    @Option(help: ArgumentHelp("From this time (RFC 3339, or a span back from now: 90m, 24h, 7d, 4w).", valueName: "TIME"))
    var since: TimeValue?

    @Option(help: ArgumentHelp("Until this time.", valueName: "TIME"))
    var until: TimeValue?

    /// The range as the query layer takes it.
    var window: TimeWindow { TimeWindow(since: since?.timestamp.microseconds, until: until?.timestamp.microseconds) }
}

/// Selection shared by `export` and `events`.
struct EventFilter: ParsableArguments {
    @OptionGroup var range: TimeRange

    @Option(help: ArgumentHelp("Only events of this type (probe, speedtest, link, trace, monitor, job, note).", valueName: "T"))
    var type: EventTypeArgument?

    /// The selection as an event query, oldest first, optionally only probes of `target`.
    func query(target: String? = nil) -> EventQuery {
        EventQuery(window: range.window, type: type?.value, target: target, order: .asc)
    }
}

struct EventTypeArgument: ExpressibleByArgument {
    let value: EventType
    init?(argument: String) {
        guard let t = EventType(rawValue: argument) else { return nil }
        value = t
    }
    static var allValueStrings: [String] { EventType.allCases.map(\.rawValue) }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print the log as NDJSON (docs/events.md); `ispmon import` of it is lossless.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var filter: EventFilter

    func run() throws {
        try ispmon.run {
            let queries = Queries(store: try store.open(create: false))
            var out = OutputBuffer()
            // The event index reads only the hours of --since/--until and the events of a --type.
            try queries.forEachEvent(filter.query()) { e in
                EventJSON.append(e.event, seq: e.seq, to: &out.bytes)
                out.flushIfFull()
                return true
            }
            out.flush()
        }
    }
}
