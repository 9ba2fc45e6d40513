import ISPMonCore

/// When each target is due, on the monotonic clock: pure logic, so that it is
/// tested with a clock it is handed.
///
/// The first probes are spread over the first interval so that they do not all go
/// at once; each next probe is due an interval after the last one (on a fixed grid),
/// with up to 1 % (at most 100 ms) of jitter; a schedule that fell behind (a suspended
/// machine) skips what it missed and never bursts.
public struct ProbeSchedule: Sendable {
    /// Each target's interval (µs), in config order.
    public let intervals: [Int64]
    /// When each target is next due.
    public private(set) var due: [Int64]
    /// Each target's grid: when it would be due without jitter. Jitter is added to
    /// the grid, so it never accumulates (no drift, no random walk).
    var grid: [Int64]

    public init(intervals: [Int64], start: Int64) {
        self.intervals = intervals
        let n = Int64(max(intervals.count, 1))
        grid = intervals.enumerated().map { i, interval in start + interval * Int64(i) / n % max(interval, 1) }
        due = grid
    }

    /// The schedule of a changed list of targets (a reload): target `i` keeps the place it
    /// had in `old` at index `from[i]` when its interval is the same; the others are spread
    /// over their first interval from `start`, as at a start.
    public init(intervals: [Int64], start: Int64, carrying old: ProbeSchedule, from: [Int?]) {
        self.init(intervals: intervals, start: start)
        for (i, j) in from.enumerated() where i < intervals.count {
            guard let j, j < old.intervals.count, old.intervals[j] == intervals[i] else { continue }
            grid[i] = old.grid[j]
            due[i] = old.due[j]
        }
    }

    /// The largest jitter of a target's interval, in µs.
    public static func jitter(_ interval: Int64) -> Int64 { min(interval / 100, 100_000) }

    /// The targets due at `now` (those `eligible` allows), each moved to its next time;
    /// `random(j)` gives a jitter in -j...j.
    public mutating func take(at now: Int64, eligible: (Int) -> Bool = { _ in true },
                              random: (Int64) -> Int64 = { $0 > 0 ? Int64.random(in: -$0...$0) : 0 }) -> [Int] {
        var launched: [Int] = []
        for i in due.indices where due[i] <= now && eligible(i) {
            launched.append(i)
            grid[i] += intervals[i]
            if grid[i] < now { grid[i] = now + intervals[i] }  // fell behind: skip, never burst
            due[i] = grid[i] + random(ProbeSchedule.jitter(intervals[i]))
        }
        return launched
    }

    /// When the next target is due (nil with no targets).
    public var next: Int64? { due.min() }

    /// When the next of the targets `eligible` allows is due (nil: none). A target that is due
    /// but may not go yet (its name has not resolved, its hop is unknown) keeps its place, so a
    /// scheduler waiting for `next` would not wait at all: it waits for this, and looks at the
    /// others again when something else wakes it.
    public func next(eligible: (Int) -> Bool) -> Int64? {
        due.indices.filter(eligible).map { due[$0] }.min()
    }
}
