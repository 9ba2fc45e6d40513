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
            func print(_ seq: UInt64, _ event: Event) {
                if json {
                    EventJSON.append(event, seq: seq, to: &out.bytes)
                } else {
                    out.append(EventTable.row(seq: seq, event))
                }
                out.flushIfFull()
            }
            // What the log holds now, through the event index; then, with --follow, each commit after it.
            var query = filter.query(target: target)
            let last = try log.lastSeq()
            query.beforeSeq = last &+ 1
            try Queries(store: log).forEachEvent(query) { e in
                print(e.seq, e.event)
                return true
            }
            out.flush()
            guard follow else { return }
            let follower = try LogFollower(store: log, after: last)
            while true {
                // Sleeps until a commit (inotify), not a polling loop.
                guard let batch = try follower.next(timeout: 60_000_000) else { continue }
                for (i, event) in batch.events.enumerated() where query.matches(event) { print(batch.firstSeq + UInt64(i), event) }
                out.flush()
            }
        }
    }
}

/// One line per event for people: local time, aligned columns; the words are the query layer's
/// (``EventWords``), the same as the web UI's.
enum EventTable {
    static let header = pad("SEQ", 8) + "  " + pad("TIME (\(LocalTime.zoneName))", 26) + "  " + pad("TYPE", 9) + "  " + pad("SUBJECT", 24) + "  RESULT\n"

    static func row(seq: UInt64, _ e: Event) -> String {
        let words = EventWords(e)
        return pad(String(seq), 8, right: true) + "  " + pad(LocalTime.format(e.time.microseconds, microseconds: true), 26) + "  "
            + pad(e.type.rawValue, 9) + "  " + pad(words.subject, 24) + "  " + (words.bad ? words.line.uppercasedFirstWord : words.line) + "\n"
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let n = s.count
        guard n < width else { return s }
        let spaces = String(repeating: " ", count: width - n)
        return right ? spaces + s : s + spaces
    }
}

extension String {
    /// Bad news stands out in a terminal: `TIMEOUT  (gateway)`, `DOWN`.
    var uppercasedFirstWord: String {
        let word = prefix { $0 != " " }
        return word.uppercased() + dropFirst(word.count)
    }
}
