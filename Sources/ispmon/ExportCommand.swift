import ArgumentParser
import ISPMonCore
import ISPMonStore

/// `--since` / `--until`, shared by every command that selects a time range.
struct TimeRange: ParsableArguments {
    @Option(help: ArgumentHelp("From this time (RFC 3339, or a span back from now: 90m, 24h, 7d, 4w).", valueName: "TIME"))
    var since: TimeValue?

    @Option(help: ArgumentHelp("Until this time.", valueName: "TIME"))
    var until: TimeValue?

    /// Whether [start, end] meets the range (a point in time when start == end).
    func overlaps(_ start: Int64, _ end: Int64) -> Bool {
        if let since, end < since.timestamp.microseconds { return false }
        if let until, start > until.timestamp.microseconds { return false }
        return true
    }

    func contains(_ t: Int64) -> Bool { overlaps(t, t) }
}

/// Selection shared by `export` and `events`.
struct EventFilter: ParsableArguments {
    @OptionGroup var range: TimeRange

    @Option(help: ArgumentHelp("Only events of this type (probe, speedtest, link, trace, monitor, job, note).", valueName: "T"))
    var type: EventTypeArgument?

    func matches(_ e: Event) -> Bool {
        if !range.contains(e.time.microseconds) { return false }
        if let type, e.type != type.value { return false }
        return true
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
            let log = try store.open(create: false)
            var out = OutputBuffer()
            try log.forEach { seq, event in
                if filter.matches(event) {
                    EventJSON.append(event, seq: seq, to: &out.bytes)
                    out.flushIfFull()
                }
                return true
            }
            out.flush()
        }
    }
}
