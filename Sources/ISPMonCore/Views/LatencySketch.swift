/// A mergeable histogram of RTTs in microseconds for percentiles within 1 %.
///
/// Buckets use integer arithmetic only (no logarithms), so every machine files
/// every value in the same bucket: values below 128 µs are exact; above, each
/// power of two is split into 128 buckets, so a bucket's midpoint is within
/// 0.4 % of any value in it.
public struct LatencySketch: Hashable, Sendable {
    /// The buckets in use, ascending, and their counts: a sorted pair of arrays,
    /// so that adding is a binary search, merging a linear merge, and storing
    /// and percentiles a walk in order (no hashing, no sorting).
    public private(set) var indexes: [UInt16] = []
    public private(set) var counts: [UInt32] = []
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

    @inline(__always)
    public mutating func add(_ v: Int64) {
        let i = LatencySketch.index(v)
        count += 1
        // Binary search for the first bucket >= i.
        var lo = 0, hi = indexes.count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if indexes[mid] < i { lo = mid &+ 1 } else { hi = mid }
        }
        if lo < indexes.count && indexes[lo] == i {
            counts[lo] &+= 1
        } else {
            indexes.insert(i, at: lo)
            counts.insert(1, at: lo)
        }
    }

    mutating func reserveCapacity(_ n: Int) {
        indexes.reserveCapacity(n)
        counts.reserveCapacity(n)
    }

    /// Restores a stored bucket; buckets must come in ascending order.
    mutating func appendBucket(_ i: UInt16, count c: UInt32) throws(CorruptData) {
        guard c > 0, indexes.last.map({ $0 < i }) ?? true else { throw CorruptData("latency buckets out of order") }
        indexes.append(i)
        counts.append(c)
        count += UInt64(c)
    }

    public mutating func merge(_ other: LatencySketch) {
        guard !other.indexes.isEmpty else { return }
        guard !indexes.isEmpty else { return self = other }
        var mergedIndexes: [UInt16] = []
        var mergedCounts: [UInt32] = []
        mergedIndexes.reserveCapacity(indexes.count + other.indexes.count)
        mergedCounts.reserveCapacity(indexes.count + other.indexes.count)
        var a = 0, b = 0
        while a < indexes.count || b < other.indexes.count {
            if b == other.indexes.count || (a < indexes.count && indexes[a] < other.indexes[b]) {
                mergedIndexes.append(indexes[a]); mergedCounts.append(counts[a]); a += 1
            } else if a == indexes.count || other.indexes[b] < indexes[a] {
                mergedIndexes.append(other.indexes[b]); mergedCounts.append(other.counts[b]); b += 1
            } else {
                mergedIndexes.append(indexes[a]); mergedCounts.append(counts[a] &+ other.counts[b]); a += 1; b += 1
            }
        }
        indexes = mergedIndexes
        counts = mergedCounts
        count += other.count
    }

    /// The nearest-rank percentile `p` (0 < p <= 100): the value of rank ⌈p/100 × n⌉,
    /// estimated by its bucket's midpoint and kept within [min, max].
    public func percentile(_ p: Double, min lo: Int64, max hi: Int64) -> Int64? {
        guard count > 0 else { return nil }
        let rank = Swift.max(1, UInt64((p / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (k, i) in indexes.enumerated() {
            seen += UInt64(counts[k])
            if seen >= rank {
                let (a, b) = LatencySketch.bounds(i)
                return Swift.min(hi, Swift.max(lo, (a + b) / 2))
            }
        }
        return hi
    }
}

/// Counts for every bucket of a ``LatencySketch``, for filling one hot hour fast
/// (an increment instead of a search); ``drain(into:)`` moves them into a sketch.
struct DenseSketch: Sendable {
    static let bucketCount = Int(LatencySketch.index(.max)) + 1
    var counts: [UInt32] = []
    /// A bit per bucket counted in: making the sketch visits these, 64 buckets a word, rather
    /// than every bucket between the lowest and the highest (RTTs from a millisecond to a
    /// spike of a second span a thousand buckets; a batch's hour of one target fills a hundred).
    var occupied: [UInt64] = []
    var low = Int.max
    var high = -1

    @inline(__always)
    mutating func add(_ v: Int64) {
        if counts.isEmpty {
            counts = Array(repeating: 0, count: DenseSketch.bucketCount)
            occupied = Array(repeating: 0, count: (DenseSketch.bucketCount + 63) / 64)
        }
        let i = Int(LatencySketch.index(v))
        counts[i] &+= 1
        occupied[i >> 6] |= 1 << UInt64(i & 63)
        if i < low { low = i }
        if i > high { high = i }
    }

    var isEmpty: Bool { high < 0 }

    /// The counts as a sketch.
    func sketch() -> LatencySketch {
        var s = LatencySketch()
        guard !isEmpty else { return s }
        for w in (low >> 6)...(high >> 6) {
            var bits = occupied[w]
            while bits != 0 {
                let i = w << 6 + bits.trailingZeroBitCount
                bits &= bits &- 1
                if counts[i] > 0 { try? s.appendBucket(UInt16(i), count: counts[i]) }
            }
        }
        return s
    }

    /// Merges the counts into `sketch` and clears them.
    mutating func drain(into sketch: inout LatencySketch) {
        guard !isEmpty else { return }
        sketch.merge(self.sketch())
        for w in (low >> 6)...(high >> 6) {
            var bits = occupied[w]
            while bits != 0 {
                counts[w << 6 + bits.trailingZeroBitCount] = 0
                bits &= bits &- 1
            }
            occupied[w] = 0
        }
        low = .max
        high = -1
    }
}
