/// One message of the live stream (`GET /api/v1/stream`, docs/stream.md): an
/// event as it is committed, the status when it changed, or what the monitor is
/// doing. ``sse`` is its text/event-stream form, so the server only writes bytes.
public enum LiveMessage: Sendable, Hashable {
    /// An event and its NDJSON line with `seq` (``JSONForms/ndjson(_:)``, ending in a newline).
    case event(seq: UInt64, line: [UInt8])
    /// The status (``JSONForms/status(_:)``).
    case status(StatusAnswer)
    /// What the monitor is doing, as one JSON object. ``LiveFeed`` never makes these:
    /// the server merges them into what it writes (a hook for the activity stream).
    case activity(json: [UInt8])

    public var kind: LiveKinds.Kind {
        switch self {
        case .event: .event
        case .status: .status
        case .activity: .activity
        }
    }

    /// The JSON of the message's `data:` field, on one line.
    public var data: [UInt8] {
        switch self {
        case .event(_, let line): line.last == 0x0A ? Array(line.dropLast()) : line
        case .status(let s): JSONForms.status(s)
        case .activity(let json): json
        }
    }

    /// `event: KIND`, `id: SEQ` for events only (so a browser's `Last-Event-ID` is
    /// always the last event it received, whatever came after it), `data: JSON`, and
    /// the blank line that ends a message.
    public var sse: [UInt8] {
        var out: [UInt8] = []
        write(sse: &out)
        return out
    }

    static let eventHead = Array("event: event\nid: ".utf8)
    static let dataHead = Array("\ndata: ".utf8)

    /// The messages' text/event-stream forms, one after the other (what the server writes at once).
    public static func sse(_ messages: [LiveMessage]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(messages.reduce(0) { n, m in
            if case .event(_, let line) = m { n + line.count + 48 } else { n + 2048 }
        })
        for m in messages { m.write(sse: &out) }
        return out
    }

    func write(sse out: inout [UInt8]) {
        if case .event(let seq, let line) = self, line.last == 0x0A, line.firstIndex(of: 0x0A) == line.count - 1 {
            // The common case, written without making anything on the way (an NDJSON line is one line).
            out += LiveMessage.eventHead
            var digits: [UInt8] = []
            var n = seq
            repeat {
                digits.append(0x30 + UInt8(n % 10))
                n /= 10
            } while n > 0
            out += digits.reversed()
            out += LiveMessage.dataHead
            out += line
            out.append(0x0A)
            return
        }
        out += "event: \(kind.rawValue)\n".utf8
        if case .event(let seq, _) = self { out += "id: \(seq)\n".utf8 }
        // The JSON forms are one line; any newline in one would start a new `data:` line.
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            out += "data: ".utf8
            out += line
            out.append(0x0A)
        }
        out.append(0x0A)
    }
}

/// Which kinds of message a client asked for (`?kinds=event,status`).
public struct LiveKinds: OptionSet, Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case event, status, activity
        var bit: LiveKinds {
            switch self {
            case .event: .events
            case .status: .status
            case .activity: .activity
            }
        }
    }

    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let events = LiveKinds(rawValue: 1)
    public static let status = LiveKinds(rawValue: 2)
    public static let activity = LiveKinds(rawValue: 4)
    public static let all: LiveKinds = [.events, .status, .activity]

    public func contains(_ kind: Kind) -> Bool { contains(kind.bit) }

    /// A comma-separated list of kinds (`event,status`); nil or empty is every kind.
    public init(parsing text: String?) throws(QueryError) {
        guard let text, !text.isEmpty else {
            self = .all
            return
        }
        var kinds: LiveKinds = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let kind = Kind(rawValue: String(name)) else {
                throw QueryError(.invalid(parameter: "types", reason: "\"\(name)\" is not one of event, status, activity"))
            }
            kinds.insert(kind.bit)
        }
        self = kinds
    }
}
