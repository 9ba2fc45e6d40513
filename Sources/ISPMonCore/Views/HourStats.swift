/// Latency of one target in one UTC hour (views.md "Hourly latency"), kept so
/// that hours merge exactly into days, weeks and months.
public struct HourStats: Hashable, Sendable {
    public var sent: UInt64 = 0
    public var lost: UInt64 = 0
    public var minRTT: Int64 = .max
    public var maxRTT: Int64 = .min
    public var sumRTT: Int64 = 0
    public var sketch = LatencySketch()
    /// First and last successful RTT, and the sum and number of absolute
    /// differences between consecutive successful RTTs.
    public var firstRTT: Int64?
    public var lastRTT: Int64?
    public var jitterSum: Int64 = 0
    public var jitterCount: UInt64 = 0

    public init() {}

    public var okCount: UInt64 { sent - lost }

    mutating func add(rtt: Int64?) {
        addCounts(rtt: rtt)
        if let rtt { sketch.add(rtt) }
    }

    /// Everything `add` does but file the RTT in the sketch (the caller does, in bulk).
    @inline(__always)
    mutating func addCounts(rtt: Int64?) {
        sent += 1
        guard let rtt else {
            lost += 1
            return
        }
        minRTT = min(minRTT, rtt)
        maxRTT = max(maxRTT, rtt)
        sumRTT += rtt
        if let last = lastRTT {
            jitterSum += abs(rtt - last)
            jitterCount += 1
        }
        if firstRTT == nil { firstRTT = rtt }
        lastRTT = rtt
    }

    /// Appends a later period: the result is what one period holding both would be
    /// (consecutive successes across the boundary count for jitter).
    public mutating func append(_ later: HourStats) {
        pool(later)
        if let last = lastRTT, let first = later.firstRTT {
            jitterSum += abs(first - last)
            jitterCount += 1
        }
        jitterSum += later.jitterSum
        jitterCount += later.jitterCount
        if firstRTT == nil { firstRTT = later.firstRTT }
        if later.lastRTT != nil { lastRTT = later.lastRTT }
    }

    /// Pools another target's probes of the same period into these (a layer's numbers): counts,
    /// extremes and the RTT distribution add up; jitter and the first and last RTT, which belong to
    /// one target's sequence, are left as they are.
    public mutating func pool(_ other: HourStats) {
        sent += other.sent
        lost += other.lost
        minRTT = min(minRTT, other.minRTT)
        maxRTT = max(maxRTT, other.maxRTT)
        sumRTT += other.sumRTT
        sketch.merge(other.sketch)
    }

    // The published numbers, in milliseconds.
    public var lossPercent: Double { sent == 0 ? 0 : 100 * Double(lost) / Double(sent) }
    public var minMs: Double? { okCount == 0 ? nil : Double(minRTT) / 1000 }
    public var maxMs: Double? { okCount == 0 ? nil : Double(maxRTT) / 1000 }
    public var avgMs: Double? { okCount == 0 ? nil : Double(sumRTT) / Double(okCount) / 1000 }
    public var jitterMs: Double? { jitterCount == 0 ? nil : Double(jitterSum) / Double(jitterCount) / 1000 }
    public func percentileMs(_ p: Double) -> Double? {
        sketch.percentile(p, min: minRTT, max: maxRTT).map { Double($0) / 1000 }
    }
}
