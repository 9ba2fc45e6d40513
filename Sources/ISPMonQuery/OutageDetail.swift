public import ISPMonCore

/// One outage as the outage page and `GET /api/v1/outages/{id}` show it: the
/// outage, the diagnosis in plain words, and every target's and interface's states
/// around it.
public struct OutageDetail: Sendable, Hashable {
    public var outage: Outage
    /// Which layers answered, which did not and from when, and what that makes the cause.
    public var explanation: String
    /// One lane per target (by name), then per interface (by name), from
    /// ``margin`` before the start to ``margin`` after the end (or the newest event).
    public var timeline: [Lane]

    /// 10 minutes, in µs.
    public static let margin: Int64 = 600_000_000

    public struct Lane: Sendable, Hashable {
        /// The target's name, or the interface's.
        public var name: String
        /// The target's role, or `interface`.
        public var role: String
        public var intervals: [Span]
    }

    public struct Span: Sendable, Hashable {
        public var start: Int64
        /// Nil while the state lasts (it reaches the newest event).
        public var end: Int64?
        public var state: Projection.Condition
    }

    /// `time` writes the explanation's times: UTC (RFC 3339) for the API and the CLI's JSON,
    /// local time for a page.
    public init?(id: String, in p: Projection, time: (Int64) -> String = { Timestamp(microseconds: $0).description }) {
        guard let o = p.outages().first(where: { $0.id == id }) else { return nil }
        outage = o
        let now = p.newestTime ?? o.start
        let from = o.start - OutageDetail.margin
        let to = min(now, (o.end ?? now) + OutageDetail.margin)
        var lanes: [Lane] = []
        for t in p.targets.values.sorted(by: { $0.name < $1.name }) {
            let layer = Projection.Layer(t.role)
            // Unknown where nothing of its layer was known, and since the target itself
            // became unknown (a stopped monitor); down in its down intervals; else up.
            var unknown = p.layers[layer]?.known.complement(from: from, to: to) ?? [Interval(start: from, end: to)]
            if t.state == .unknown, let since = t.since { unknown.append(Interval(start: since, end: nil)) }
            let spans = OutageDetail.spans(from: from, to: to, now: now, down: t.down.intervals, unknown: unknown)
            lanes.append(Lane(name: t.name, role: t.role.name, intervals: spans))
        }
        for i in p.interfaces.values.sorted(by: { $0.name < $1.name }) {
            var unknown = p.layers[.local]?.known.complement(from: from, to: to) ?? [Interval(start: from, end: to)]
            if i.up == nil { unknown.append(Interval(start: now, end: nil)) }
            let spans = OutageDetail.spans(from: from, to: to, now: now, down: i.down.intervals, unknown: unknown)
            lanes.append(Lane(name: i.name, role: "interface", intervals: spans))
        }
        timeline = lanes
        explanation = OutageDetail.explain(o, p, now: now, time: time)
    }

    /// The states of one lane over [from, to]: down wins over unknown, unknown over up;
    /// neighbouring spans of one state are merged.
    static func spans(from: Int64, to: Int64, now: Int64, down: [Interval], unknown: [Interval]) -> [Span] {
        var cuts: Set<Int64> = [from, to]
        for i in down + unknown {
            for t in [i.start, i.end ?? to] where t > from && t < to { cuts.insert(t) }
        }
        let points = cuts.sorted()
        func covers(_ list: [Interval], _ t: Int64) -> Bool {
            list.contains { $0.start <= t && t < ($0.end ?? .max) }
        }
        var result: [Span] = []
        for (a, b) in zip(points, points.dropFirst()) {
            let state: Projection.Condition = covers(down, a) ? .down : covers(unknown, a) ? .unknown : .up
            if let last = result.last, last.state == state {
                result[result.count - 1].end = b
            } else {
                result.append(Span(start: a, end: b, state: state))
            }
        }
        if to >= now, !result.isEmpty { result[result.count - 1].end = nil }  // it lasts
        return result
    }

    /// The diagnosis in plain words, layer by layer along the path.
    static func explain(_ o: Outage, _ p: Projection, now: Int64, time: (Int64) -> String) -> String {
        let end = o.end ?? now
        let span = "from \(time(o.start)) " + (o.end.map { "to \(time($0))" } ?? "until now")
            + " (\(NumberText.duration(o.duration))" + (o.end == nil ? " so far)" : ")")
        var sentences: [String] = []
        switch o.kind {
        case .connectivity:
            sentences.append("The internet hosts did not answer \(span).")
        case .dns:
            sentences.append("The DNS resolvers did not answer \(span), while the internet hosts did.")
        }
        let layers: [Projection.Layer] = o.kind == .connectivity ? [.local, .device, .gateway, .isp] : [.dns]
        for layer in layers {
            guard let track = p.layers[layer], track.known.intervals.contains(where: { $0.touches(o.start, end) }) else {
                if o.kind == .connectivity { sentences.append("Nothing watched \(layer.inWords) then.") }
                continue
            }
            let downTime = track.down.intervals.reduce(Int64(0)) { $0 + $1.overlap(o.start, end, now: now) }
            let culprits = o.kind == .dns || o.cause.rawValue == layer.rawValue ? o.culprits : []
            let named = culprits.isEmpty ? "" : " (" + culprits.joined(separator: ", ") + ")"
            if downTime == 0 {
                sentences.append("\(layer.inWords.capitalizedFirst) answered throughout.")
            } else if let first = track.down.intervals.first(where: { $0.touches(o.start, end) }), 2 * downTime >= end - o.start {
                sentences.append("\(layer.inWords.capitalizedFirst)\(named) did not answer from \(time(max(first.start, o.start))).")
            } else {
                sentences.append("\(layer.inWords.capitalizedFirst)\(named) did not answer for \(NumberText.duration(downTime)) of it, less than half.")
            }
        }
        // The layers' sentences have said which answered; the last one only draws the conclusion.
        let culprits = o.culprits.isEmpty ? "" : " (" + o.culprits.joined(separator: ", ") + ")"
        switch o.cause {
        case .upstream:
            sentences.append("So the fault lies beyond the ISP's edge.")
        case .isp where o.culprits.isEmpty:  // no ISP hop watched: the fallback rule
            sentences.append("Nothing beyond the router answered, so the cause is the ISP (beyond the router).")
        case .unknown:
            sentences.append("Nothing on the path was watched or answered, so the cause is unknown.")
        case .local where o.culprits.isEmpty:  // rule 0 of the cause
            sentences.append("Every probe failed for want of a route (nothing left this machine: no interface up, "
                             + "no address or no default route), so the cause is \(o.cause.inWords).")
        default:
            sentences.append("So the cause is \(o.cause.inWords)\(culprits).")
        }
        return sentences.joined(separator: " ")
    }
}

extension IntervalTrack {
    /// The parts of [from, to) this track is off.
    func complement(from: Int64, to: Int64) -> [Interval] {
        var result: [Interval] = []
        var cursor = from
        for i in intervals {
            let e = i.end ?? .max
            if e <= cursor { continue }
            if i.start >= to { break }
            if i.start > cursor { result.append(Interval(start: cursor, end: i.start)) }
            cursor = max(cursor, e)
            if cursor >= to { break }
        }
        if cursor < to { result.append(Interval(start: cursor, end: to)) }
        return result
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension OutageDetail {
    /// The lanes in path order (this machine's link first, the internet and DNS last), each role's
    /// lanes by name as in ``timeline``: how the outage page draws them.
    public var timelineInPathOrder: [Lane] {
        timeline.enumerated().sorted { a, b in
            (PathOrder.rank(a.element.role), a.offset) < (PathOrder.rank(b.element.role), b.offset)
        }.map(\.element)
    }

    /// Where the timeline ends: its last known change, else the outage's end (or start, while
    /// under way and nothing after it is known).
    public var timelineEnd: Int64 {
        timeline.flatMap(\.intervals).compactMap(\.end).max() ?? (outage.end ?? outage.start)
    }
}
