import ISPMonCharts
import ISPMonCore
import ISPMonQuery

// The typed values that several pages' templates share (partials and repeated rows). Each
// template reads stored properties by name; a property that is nil is absent, as a section.

/// A big state on the overview and the public status page (`big state-{{state}}`).
struct StateBox {
    var state: String
    var word: String
    var since: String?

    init(_ layer: LayerSince) {
        state = layer.state.rawValue
        word = switch layer.state {
        case .up: "Up"
        case .down: "Down"
        case .unknown: "Unknown"
        case .unmonitored: "Not monitoring"
        }
        since = PageText.time(layer.since)
    }
}

/// A row of `outageTable.mustache` (and of the public status page's list, which shows no id).
struct OutageRow {
    var id: String?
    var start: String
    var duration: String
    var open: Bool
    var kind: String
    var cause: String

    init(_ o: Outage, withId: Bool = true) {
        id = withId ? o.id : nil
        start = LocalTime.format(o.start)
        duration = NumberText.duration(o.duration)
        open = o.end == nil
        kind = o.kind == .connectivity ? "internet" : "DNS"
        cause = o.cause.inWords
    }
}

/// A row of availability (`availabilityTable.mustache`, the outages page's table): the query
/// layer's numbers (docs/views.md, monitored time) in words.
struct AvailabilityRow {
    var label: String
    var internet: String
    var internetClass: String
    var dns: String
    var unmonitored: String
    var down: String

    init(_ a: AvailabilityQuery.Answer, label: String) {
        self.label = label
        internet = a.connectivityPercent.map { "\($0) %" } ?? "–"
        internetClass = AvailabilityBars.className(a.connectivityPercent?.value)
        dns = a.dnsPercent.map { "\($0) %" } ?? "–"
        unmonitored = a.unmonitored > 0 ? NumberText.duration(a.unmonitored) : "none"
        down = a.connectivityDown > 0 ? NumberText.duration(a.connectivityDown) : "none"
    }

    /// Today, this week and the last 30 days (the overview's and the public page's table).
    static func recent(_ list: [RecentAvailability]) -> [AvailabilityRow] {
        list.map { r in
            let label = switch r.span {
            case .today: "Today"
            case .thisWeek: "This week"
            case .last30Days: "Last 30 days"
            }
            return AvailabilityRow(r.answer, label: label)
        }
    }
}

/// A link among others, one of them the current (`ranges.mustache`, units, periods).
struct ChoiceLink {
    var label: String
    var href: String
    var current: Bool
}

/// An option of a `<select>`.
struct Option {
    var name: String
    var label: String
    var selected: Bool
}
