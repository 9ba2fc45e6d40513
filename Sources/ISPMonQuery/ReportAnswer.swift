public import ISPMonCore

/// What a report of a period says (docs/reports.md): the period's snapshot (``PeriodSnapshot``),
/// who and what it is for (the site, the plan), when it was made, and the SHA-256 of the period's
/// export with the command that prints those bytes, so that anyone can check the report against
/// the log. Every number is one the commands also give (`availability`, `outages`, `speedtests`,
/// `export`).
public struct ReportAnswer: Sendable {
    public var site: String
    public var plan: ServicePlan?
    /// When the report was made, µs.
    public var made: Int64
    public var version: String
    public var snapshot: PeriodSnapshot
    /// Lowercase hex.
    public var exportSHA256: String
    /// `ispmon export --since START --until END`: the period's events, whose bytes hash to
    /// ``exportSHA256`` while nothing is added to the period (`--until` is inclusive, so it is
    /// the period's end less a microsecond).
    public var exportCommand: String
}

/// A report's period and what it is for.
public struct ReportQuery: Sendable {
    public var period: PeriodQuery
    public var site: String
    public var made: Int64

    public init(period: PeriodQuery, site: String, made: Int64) {
        self.period = period
        self.site = site
        self.made = made
    }
}

extension Queries {
    /// The report of `q`: the snapshot, then the digest of the events it counted (the same
    /// selection, up to the same commit: a commit between the two reads changes neither).
    public func report(_ q: ReportQuery) throws -> ReportAnswer {
        // The views once; then the period's events once, for their counts and the digest of their
        // export together, up to the commit the views reflect.
        let p = try views([.outages, .latency, .speedtests], hours: q.period.latency.hours)
        var snapshot = q.period.answer(p, events: .none)
        let since = Timestamp(microseconds: q.period.start).description
        let until = Timestamp(microseconds: q.period.end - 1).description
        let digest = try SHA256Hex()
        if q.period.end > q.period.start {
            snapshot.events = try exportPass(window: TimeWindow(since: q.period.start, until: q.period.end - 1), through: p.lastSeq) {
                digest.update($0)
            }
        }
        return ReportAnswer(site: q.site, plan: q.period.plan, made: q.made, version: ISPMonVersion.current, snapshot: snapshot,
                            exportSHA256: digest.finish(), exportCommand: "ispmon export --since \(since) --until \(until)")
    }
}
