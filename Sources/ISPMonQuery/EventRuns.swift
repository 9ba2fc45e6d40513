import ISPMonCore

/// Events folded for people (an outage's page): a run of the same result of the same thing is one
/// row. A run is per thing (a target, an interface …): the other targets' results in between do
/// not break it, a different result of its own does. The words are ``EventWords``', without the
/// numbers that differ from one event to the next, so that a run of successes folds.
public struct EventRun: Sendable, Hashable {
    public var first: Int64
    public var last: Int64
    public var subject: String
    public var outcome: String
    public var bad: Bool
    public var count: Int

    /// The runs of `events`, in the order their first events come.
    public static func runs(_ events: [LoggedEvent]) -> [EventRun] {
        var runs: [EventRun] = []
        var open: [String: Int] = [:]
        for e in events {
            let words = EventWords(e.event)
            let time = e.event.time.microseconds
            if let i = open[words.subject], runs[i].outcome == words.outcome {
                runs[i].last = time
                runs[i].count += 1
            } else {
                open[words.subject] = runs.count
                runs.append(EventRun(first: time, last: time, subject: words.subject, outcome: words.outcome, bad: words.bad, count: 1))
            }
        }
        return runs
    }
}

extension Queries {
    /// The events of an outage's window (``OutageDetail/margin`` either side), folded into runs.
    public func eventRuns(of detail: OutageDetail) throws -> [EventRun] {
        let o = detail.outage
        let window = TimeWindow(since: o.start - OutageDetail.margin, until: (o.end ?? Int64.max / 2) + OutageDetail.margin)
        return EventRun.runs(try events(EventQuery(window: window, limit: EventQuery.maxLimit, order: .asc)))
    }
}
