/// A span of time [start, end) in microseconds; `end == nil` while it lasts.
public struct Interval: Hashable, Sendable {
    public var start: Int64
    public var end: Int64?

    public init(start: Int64, end: Int64? = nil) {
        self.start = start
        self.end = end
    }

    /// Microseconds this interval shares with [a, b), an open end counting up to `now`.
    public func overlap(_ a: Int64, _ b: Int64, now: Int64) -> Int64 {
        let e = end ?? max(now, start)
        return max(0, min(e, b) - max(start, a))
    }

    /// On at some moment of [a, b) (at the instant `a` when a == b); an open interval is still on.
    public func touches(_ a: Int64, _ b: Int64) -> Bool {
        let e = end ?? Int64.max
        if a == b { return start <= a && e > a }
        return start < b && e > a
    }
}

/// The history of one on/off condition: the intervals it was on, in order.
///
/// A writer that has stored the older intervals may drop them from memory
/// (``dropStored()``): `base` counts the dropped ones, so every interval keeps
/// its position (its key in the store) for good.
public struct IntervalTrack: Hashable, Sendable {
    public private(set) var intervals: [Interval] = []
    /// Intervals dropped from the front after being stored.
    public private(set) var base = 0
    /// Position of the first interval begun or ended since the last ``takeChanged()``.
    var changedFrom: Int?

    public init() {}

    /// Restores a track from stored intervals, the first one at position `base`.
    public init(intervals: [Interval], base: Int = 0) {
        self.intervals = intervals
        self.base = base
    }

    public var isOn: Bool { intervals.last.map { $0.end == nil } ?? false }
    /// How many intervals the track has had, counting dropped ones.
    public var count: Int { base + intervals.count }

    /// Turns on from `start` (no-op when already on).
    mutating func begin(at start: Int64) {
        guard !isOn else { return }
        changedFrom = min(changedFrom ?? count, count)
        intervals.append(Interval(start: start))
    }

    /// Turns off at `end` (no-op when off).
    mutating func finish(at end: Int64) {
        guard isOn else { return }
        changedFrom = min(changedFrom ?? count - 1, count - 1)
        intervals[intervals.count - 1].end = max(end, intervals[intervals.count - 1].start)
    }

    /// Ends the newest interval at `t` when it holds `t`, closed or not (a late result can
    /// fall inside a closed one); older intervals stay as they are.
    mutating func cut(at t: Int64) {
        guard let last = intervals.last, last.start <= t, t < last.end ?? .max else { return }
        changedFrom = min(changedFrom ?? count - 1, count - 1)
        intervals[intervals.count - 1].end = t
    }

    /// On during the whole of [a, b): one interval holds it.
    func covers(_ a: Int64, _ b: Int64) -> Bool {
        intervals.contains { $0.start <= a && b <= $0.end ?? .max }
    }

    /// The intervals begun or ended since the last call, with their positions.
    mutating func takeChanged() -> [(position: Int, interval: Interval)] {
        guard let from = changedFrom else { return [] }
        changedFrom = nil
        return (max(from, base)..<count).map { ($0, intervals[$0 - base]) }
    }

    /// Forgets all but the newest interval (the only one that can still change).
    mutating func dropStored() {
        guard intervals.count > 1, changedFrom == nil else { return }
        base += intervals.count - 1
        intervals.removeFirst(intervals.count - 1)
    }

    /// Total on-time within [a, b).
    func time(in a: Int64, _ b: Int64, now: Int64) -> Int64 {
        intervals.reduce(0) { $0 + $1.overlap(a, b, now: now) }
    }

    /// On at some moment of [a, b].
    func any(in a: Int64, _ b: Int64) -> Bool {
        intervals.contains { $0.touches(a, b) }
    }

    // Equal when they hold the same history; what is pending for the store does not count.
    public static func == (a: IntervalTrack, b: IntervalTrack) -> Bool {
        a.base == b.base && a.intervals == b.intervals
    }

    public func hash(into h: inout Hasher) {
        h.combine(base)
        h.combine(intervals)
    }
}
