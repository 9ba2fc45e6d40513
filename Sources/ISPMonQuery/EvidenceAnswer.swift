import ISPMonCore

/// One outage as evidence to mail (docs/reports.md, `ispmon evidence`): the outage with its
/// explanation, timeline and notes; the events of its window (10 minutes either side) folded
/// into runs for people, and as the NDJSON that `ispmon export` prints for that window, with the
/// command. From one snapshot of the views and the log up to the same commit.
public struct EvidenceAnswer: Sendable {
    public var detail: OutageDetail
    /// [since, until], inclusive, as `export --since --until` takes it.
    public var since: Int64
    public var until: Int64
    public var runs: [EventRun]
    /// The window's events, byte for byte `ispmon export --since … --until …`.
    public var ndjson: [UInt8]
    public var exportCommand: String
    public var eventCount: Int
}

extension Queries {
    /// The evidence of outage `id`, its explanation's times written by `time`; nil when no outage
    /// has that id.
    public func evidence(id: String, time: (Int64) -> String) throws -> EvidenceAnswer? {
        let p = try views()
        guard let detail = OutageDetail(id: id, in: p, time: time) else { return nil }
        let o = detail.outage
        let since = o.start - OutageDetail.margin
        let until = (o.end ?? p.newestTime ?? o.start) + OutageDetail.margin
        var ndjson: [UInt8] = []
        var events: [LoggedEvent] = []
        try forEachEvent(EventQuery(window: TimeWindow(since: since, until: until), beforeSeq: p.lastSeq &+ 1, order: .asc)) { e in
            EventJSON.append(e.event, seq: e.seq, to: &ndjson)
            events.append(e)
            return true
        }
        return EvidenceAnswer(detail: detail, since: since, until: until, runs: EventRun.runs(events), ndjson: ndjson,
                              exportCommand: "ispmon export --since \(Timestamp(microseconds: since)) --until \(Timestamp(microseconds: until))",
                              eventCount: events.count)
    }
}
