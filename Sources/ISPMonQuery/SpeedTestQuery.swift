public import ISPMonCore

/// `ispmon speedtests`: the tests as recorded, newest first, or summarized per UTC
/// day, ISO week or UTC month.
public struct SpeedTestQuery: Sendable, Hashable {
    public enum Period: String, Sendable, Hashable, CaseIterable {
        /// Every test on its own.
        case test
        case day, week, month
    }

    /// One period: how many tests, how many failed, and min / median / max of the
    /// successful ones' down and up rates. The median of an even count is the mean
    /// of the middle two.
    public struct Summary: Sendable, Hashable {
        /// `2026-03-01`, `2026-W09`, `2026-03`.
        public var period: String
        public var count: Int
        public var failures: Int
        public var down: Spread?
        public var up: Spread?
    }

    public struct Spread: Sendable, Hashable {
        public var min: Double
        public var median: Double
        public var max: Double

        init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            let v = values.sorted()
            min = v[0]
            max = v[v.count - 1]
            median = v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
        }
    }

    public enum Answer: Sendable, Hashable {
        case tests([Projection.SpeedTestRecord])
        case summaries([Summary])
    }

    public var window: TimeWindow
    public var period: Period

    public init(window: TimeWindow = TimeWindow(), period: Period = .test) {
        self.window = window
        self.period = period
    }

    public func answer(_ p: Projection) -> Answer {
        let tests = p.speedTests.filter { window.contains($0.time) }
        guard period != .test else { return .tests(tests.reversed()) }
        var groups: [(String, [Projection.SpeedTestRecord])] = []
        for r in tests.sorted(by: { $0.time < $1.time }) {
            let key = label(r.time)
            if groups.last?.0 == key { groups[groups.count - 1].1.append(r) } else { groups.append((key, [r])) }
        }
        return .summaries(groups.map { key, list in
            var downs: [Double] = [], ups: [Double] = []
            for r in list { if case let .ok(d, u) = r.test.outcome { downs.append(d); ups.append(u) } }
            return Summary(period: key, count: list.count, failures: list.count - downs.count, down: Spread(downs), up: Spread(ups))
        })
    }

    /// The UTC period a time falls in, as a label: `2026-03-01`, `2026-W09`, `2026-03`.
    public func label(_ t: Int64) -> String {
        let day = t.floorDivided(by: 86_400_000_000).0
        let date = String(Timestamp(microseconds: day * 86_400_000_000).description.prefix(10))
        switch period {
        case .test, .day: return date
        case .month: return String(date.prefix(7))
        case .week:
            // ISO week: the week with the year's first Thursday is week 1. 1970-01-01 was a Thursday.
            let weekday = (day + 3).floorDivided(by: 7).1  // 0 = Monday
            let thursday = day - weekday + 3
            let year = String(Timestamp(microseconds: thursday * 86_400_000_000).description.prefix(4))
            let jan1 = Timestamp.parseDay(year + "-01-01")
            let week = (thursday - jan1) / 7 + 1
            return year + "-W" + (week < 10 ? "0" : "") + String(week)
        }
    }
}

extension Queries {
    public func speedTests(_ q: SpeedTestQuery = SpeedTestQuery(), asOf: Timestamp? = nil) throws -> SpeedTestQuery.Answer {
        q.answer(try views([.speedtests], asOf: asOf))
    }
}
