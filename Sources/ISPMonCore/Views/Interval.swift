/// A span of time [start, end) in microseconds; `end == nil` while it lasts.
public struct Interval: Hashable, Sendable {
    public var start: Int64
    public var end: Int64?

    public init(start: Int64, end: Int64? = nil) {
        self.start = start
        self.end = end
    }

    /// Microseconds this interval shares with [a, b), an open end counting up to `now`.
    func overlap(_ a: Int64, _ b: Int64, now: Int64) -> Int64 {
        let e = end ?? max(now, start)
        return max(0, min(e, b) - max(start, a))
    }

    /// On at some moment of [a, b) (at the instant `a` when a == b); an open interval is still on.
    func touches(_ a: Int64, _ b: Int64) -> Bool {
        let e = end ?? Int64.max
        if a == b { return start <= a && e > a }
        return start < b && e > a
    }
}

/// The history of one on/off condition: the intervals it was on, in order.
public struct IntervalTrack: Hashable, Sendable {
    public private(set) var intervals: [Interval] = []

    public var isOn: Bool { intervals.last.map { $0.end == nil } ?? false }

    /// Turns on from `start` (no-op when already on).
    mutating func begin(at start: Int64) {
        guard !isOn else { return }
        intervals.append(Interval(start: start))
    }

    /// Turns off at `end` (no-op when off).
    mutating func finish(at end: Int64) {
        guard isOn else { return }
        intervals[intervals.count - 1].end = max(end, intervals[intervals.count - 1].start)
    }

    /// Total on-time within [a, b).
    func time(in a: Int64, _ b: Int64, now: Int64) -> Int64 {
        intervals.reduce(0) { $0 + $1.overlap(a, b, now: now) }
    }

    /// On at some moment of [a, b].
    func any(in a: Int64, _ b: Int64) -> Bool {
        intervals.contains { $0.touches(a, b) }
    }
}
