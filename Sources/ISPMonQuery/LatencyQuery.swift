public import ISPMonCore

/// `ispmon latency`: per target and UTC hour (or day), merged exactly from the hours.
public struct LatencyQuery: Sendable, Hashable {
    public enum Period: String, Sendable, Hashable, CaseIterable {
        case hour, day
        var microseconds: Int64 { self == .day ? 86_400_000_000 : 3_600_000_000 }
    }

    public struct Row: Sendable, Hashable {
        public var target: String
        /// Start of the UTC hour or day, µs since the epoch.
        public var start: Int64
        public var stats: HourStats
    }

    public var target: String?
    /// Periods that overlap it.
    public var window: TimeWindow
    public var period: Period

    public init(target: String? = nil, window: TimeWindow = TimeWindow(), period: Period = .hour) {
        self.target = target
        self.window = window
        self.period = period
    }

    /// Sorted by target, then time.
    public func answer(_ p: Projection) -> [Row] {
        let length = period.microseconds
        var rows: [Row] = []
        let allHours = p.hours
        for name in allHours.keys.sorted() where target == nil || target == name {
            var merged: [Int64: HourStats] = [:]
            let byHour = allHours[name] ?? [:]
            for hour in byHour.keys.sorted() {  // in time order, so merges are exact
                let start = hour.floorDivided(by: length).0 * length
                guard window.overlaps(start, start + length - 1), let stats = byHour[hour] else { continue }
                merged[start, default: HourStats()].append(stats)
            }
            for (start, stats) in merged.sorted(by: { $0.key < $1.key }) { rows.append(Row(target: name, start: start, stats: stats)) }
        }
        return rows
    }

    /// The hours the answer is made of: those of every period that overlaps the window (a
    /// day's, all 24); nil for an open window.
    var hours: ClosedRange<Int64>? {
        guard window.since != nil || window.until != nil else { return nil }
        let length = period.microseconds
        let from = window.since.map { $0.floorDivided(by: length).0 * length } ?? Int64.min / 2
        let to = window.until.map { $0.floorDivided(by: length).0 * length + length - 1 } ?? Int64.max / 2
        return from <= to ? from...to : nil
    }

    /// What the answer depends on besides the store: the target, the period and which periods
    /// overlap the window (a window that moves by a second mostly overlaps the same hours, and
    /// its answer is the same bytes). A cache of answers keys them by it.
    public var answerKey: String {
        let length = period.microseconds
        func index(_ t: Int64?) -> String { t.map { String($0.floorDivided(by: length).0) } ?? "-" }
        return "latency \(period.rawValue) \(index(window.since)) \(index(window.until)) " + (target.map { "=" + $0 } ?? "*")
    }

    /// `2026-03-01T13:00:00Z` for an hour, `2026-03-01` for a day.
    public func label(_ start: Int64) -> String {
        let s = Timestamp(microseconds: start).description
        return period == .day ? String(s.prefix(10)) : String(s.prefix(19)) + "Z"
    }
}

extension Queries {
    public func latency(_ q: LatencyQuery = LatencyQuery(), asOf: Timestamp? = nil) throws -> [LatencyQuery.Row] {
        q.answer(try views([.latency], hoursOf: q.target, hours: q.hours, asOf: asOf))
    }
}

extension LatencyQuery.Period {
    /// Hours up to 8 days, then days: a readable number of rows and points.
    public static func suiting(span: Int64) -> LatencyQuery.Period {
        span > 8 * 86_400_000_000 ? .day : .hour
    }
}

extension StatusAnswer {
    /// The target a latency page shows when none is asked for: the first internet target, else the first.
    public var defaultLatencyTarget: String? {
        targets.first { $0.role == .internet }?.name ?? targets.first?.name
    }
}
