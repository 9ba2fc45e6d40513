/// A mergeable histogram of RTTs in microseconds for percentiles within 1 %.
///
/// Buckets use integer arithmetic only (no logarithms), so every machine files
/// every value in the same bucket: values below 128 µs are exact; above, each
/// power of two is split into 128 buckets, so a bucket's midpoint is within
/// 0.4 % of any value in it.
public struct LatencySketch: Hashable, Sendable {
    /// Bucket index → count.
    public private(set) var buckets: [UInt16: UInt32] = [:]
    public private(set) var count: UInt64 = 0

    public init() {}

    static func index(_ v: Int64) -> UInt16 {
        let u = UInt64(max(0, v))
        if u < 128 { return UInt16(u) }
        let e = 63 - u.leadingZeroBitCount  // >= 7
        let mantissa = (u >> UInt64(e - 7)) & 127
        return UInt16((e - 6) * 128 + Int(mantissa))
    }

    /// The smallest and largest value filed in bucket `i`.
    static func bounds(_ i: UInt16) -> (Int64, Int64) {
        let i = Int(i)
        if i < 128 { return (Int64(i), Int64(i)) }
        let e = i / 128 + 6
        let mantissa = Int64(i % 128)
        let low = (128 + mantissa) << Int64(e - 7)
        return (low, low + (Int64(1) << Int64(e - 7)) - 1)
    }

    public mutating func add(_ v: Int64) {
        buckets[LatencySketch.index(v), default: 0] += 1
        count += 1
    }

    /// Restores a stored bucket.
    mutating func set(_ i: UInt16, count c: UInt32) {
        count -= UInt64(buckets[i] ?? 0)
        buckets[i] = c == 0 ? nil : c
        count += UInt64(c)
    }

    public mutating func merge(_ other: LatencySketch) {
        for (i, c) in other.buckets { buckets[i, default: 0] += c }
        count += other.count
    }

    /// The nearest-rank percentile `p` (0 < p <= 100): the value of rank ⌈p/100 × n⌉,
    /// estimated by its bucket's midpoint and kept within [min, max].
    public func percentile(_ p: Double, min lo: Int64, max hi: Int64) -> Int64? {
        guard count > 0 else { return nil }
        let rank = Swift.max(1, UInt64((p / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for i in buckets.keys.sorted() {
            seen += UInt64(buckets[i]!)
            if seen >= rank {
                let (a, b) = LatencySketch.bounds(i)
                return Swift.min(hi, Swift.max(lo, (a + b) / 2))
            }
        }
        return hi
    }
}
