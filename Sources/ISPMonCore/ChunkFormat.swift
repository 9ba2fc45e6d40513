/// The binary form of a run of consecutive events in the store: a *chunk*.
///
/// Probe results dominate the log and are very regular, so a chunk stores them
/// by column, per target ("series"), encoded to suit the data:
/// - times as deviations from the target's schedule: each series gets a grid
///   (first time + k × interval), and each probe stores how many grid steps it
///   skipped (almost always 0) and its offset from its grid point (the
///   scheduling jitter, a few tens of milliseconds);
/// - RTTs as the distance to the series' smallest RTT;
/// - the error code and detail as indexes into a per-chunk string table;
/// - the interleaving of series in log order as a correction to a prediction
///   (the stream whose next event is earliest comes next), almost always 0.
/// Every integer column is split into byte planes (all low bytes, then all
/// next bytes, …), and each plane is compressed with zstd on its own, so each
/// gets an entropy coder fitted to its own statistics. The rare other events
/// (speed tests, links, traces, monitor, jobs, notes) are stored as rows.
///
/// Layout: `version u8 | crc32c u32le | firstSeq varint | count varint |
/// nSections varint | sections`, each section `rawLength varint | encoding u8
/// (0 raw, 1 zstd) | storedLength varint | bytes`. The CRC covers everything
/// after itself, so any damage is caught before decoding.
public enum ChunkFormat {
    /// Version of the chunk encoding. A reader refuses chunks of a newer version.
    public static let version: UInt8 = 1
    /// Largest number of events a chunk may hold (a bound for damaged input, too).
    public static let maxEvents = 1 << 22
    /// Above this many streams the interleaving is stored as plain stream numbers.
    static let maxPredictedStreams = 64
    /// Where the CRC-32C (little-endian u32) sits, and where the bytes it covers start.
    public static let headerCRCOffset = 1
    public static let crcCoveredOffset = 5
}

/// The cheap-to-read front of a chunk: where it sits in the log.
public struct ChunkHeader: Sendable, Equatable {
    public var firstSeq: UInt64
    public var count: Int
    public var lastSeq: UInt64 { firstSeq + UInt64(count) - 1 }

    /// Reads the header and checks the version and checksum of the whole blob.
    public static func read(_ blob: UnsafeRawBufferPointer, verifyChecksum: Bool = true) throws(CorruptData) -> ChunkHeader {
        var r = ByteReader(blob)
        let version = try r.byte()
        guard version >= 1 else { throw CorruptData("bad chunk format version \(version)") }
        guard version <= ChunkFormat.version else {
            throw CorruptData("chunk format \(version) is newer than this ispmon reads (\(ChunkFormat.version))")
        }
        let crc = try r.uint32LE()
        if verifyChecksum {
            let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: blob[ChunkFormat.crcCoveredOffset...]))
            guard actual == crc else {
                throw CorruptData("checksum mismatch (stored \(hex(crc)), computed \(hex(actual)))")
            }
        }
        let first = try r.varint()
        let count = try r.count(max: ChunkFormat.maxEvents)
        guard first >= 1, count >= 1 else { throw CorruptData("empty chunk or sequence 0") }
        // The last sequence number must exist (and fit the signed integers the store counts with).
        guard first <= UInt64(Int64.max) - UInt64(count) else {
            throw CorruptData("sequence numbers \(first)… of \(count) events are out of range")
        }
        return ChunkHeader(firstSeq: first, count: count)
    }
}

func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
}

/// The integer columns of a chunk, in stored order.
enum ColumnKind: Int, CaseIterable {
    case order, steps, residual, outcome, rtt, detail
}

func byteWidth(_ v: UInt64) -> Int { v == 0 ? 0 : (64 - v.leadingZeroBitCount + 7) / 8 }

/// The schedule of one series: `origin + k × interval`.
struct Grid {
    var origin: Int64
    var interval: Int64

    init(origin: Int64, interval: Int64) {
        self.origin = origin
        self.interval = interval
    }

    /// Fits the grid: the interval is the median gap between probes, refined over
    /// the whole run so that a slightly-off estimate does not drift.
    init(times: ArraySlice<Int64>) {
        origin = times.first ?? 0
        interval = 0
        guard times.count >= 2 else { return }
        // A rough interval: the median of up to 63 evenly spread gaps. Only gaps an Int64 holds
        // count (times decoded from a damaged chunk can be anything), so the interval is positive.
        let stride = max(1, (times.count - 1) / 63)
        var sample: [Int64] = []
        sample.reserveCapacity(64)
        for i in Swift.stride(from: times.startIndex + 1, to: times.endIndex, by: stride) where times[i] > times[i - 1] {
            let (gap, o) = times[i].subtractingReportingOverflow(times[i - 1])
            if !o { sample.append(gap) }
        }
        guard !sample.isEmpty else { return }
        let rough = sample.withUnsafeMutableBufferPointer { Grid.select($0, rank: $0.count / 2) }
        // Times that jump far back and forth (valid ones can span 9999 years) can add up to more
        // steps than an Int64 holds: then the rough interval is the grid's (any grid is exact).
        var steps: Int64 = 0
        var overflow = false
        for i in (times.startIndex + 1)..<times.endIndex where times[i] > times[i - 1] {
            let (gap, o1) = times[i].subtractingReportingOverflow(times[i - 1])
            let (sum, o2) = steps.addingReportingOverflow(roundedDivision(gap, rough, likely: 1))
            if o1 || o2 { overflow = true; break }
            steps = sum
        }
        let (span, o) = times[times.endIndex - 1].subtractingReportingOverflow(times[times.startIndex])
        interval = !overflow && !o && steps > 0 && span > 0 ? max(1, roundedDivision(span, steps)) : rough
    }

    func step(of t: Int64) -> Int64 { interval > 0 ? roundedDivision(t &- origin, interval) : 0 }

    /// The value of rank `rank` (0-based) in ascending order, as `values.sorted()[rank]` is,
    /// found by partitioning (Hoare's selection) rather than sorting: a series of a segment
    /// sorted its 63 gaps for one median. Reorders `values`.
    static func select(_ values: UnsafeMutableBufferPointer<Int64>, rank: Int) -> Int64 {
        var low = 0, high = values.count - 1
        while low < high {
            let pivot = values[low + (high - low) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // low…j holds values <= pivot, i…high values >= pivot, and between them (if any) the pivot.
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                return values[rank]
            }
        }
        return values[low]
    }

    /// ``step(of:)`` when it is likely `guess` (a probe on the step after the previous one).
    @inline(__always)
    func step(of t: Int64, likely guess: Int64) -> Int64 {
        interval > 0 ? roundedDivision(t &- origin, interval, likely: guess) : 0
    }
}

/// a / b rounded to the nearest integer (b > 0), halves toward +infinity.
func roundedDivision(_ a: Int64, _ b: Int64) -> Int64 {
    (a &+ b / 2).floorDivided(by: b).0
}

/// ``roundedDivision(_:_:)`` when the quotient is likely `guess`: a multiplication checks the
/// guess, and the division (tens of cycles, once per event in the encoder's loops) is left for
/// when it is wrong. Same result for every input.
@inline(__always)
func roundedDivision(_ a: Int64, _ b: Int64, likely guess: Int64) -> Int64 {
    let x = a &+ b / 2
    let (low, o1) = guess.multipliedReportingOverflow(by: b)
    if !o1 && low <= x {
        let (rest, o2) = x.subtractingReportingOverflow(low)
        if !o2 && rest < b { return guess }  // guess × b <= x < (guess + 1) × b: the floor
    }
    return x.floorDivided(by: b).0
}

/// Predicts the interleaving of streams: the stream whose next event has the
/// earliest time (the lowest stream number on ties) comes next.
/// Stream `s` holds `times[starts[s]..<starts[s + 1]]`.
struct StreamMerge {
    let times: [Int64]
    let starts: [Int]
    /// Each stream's position of its next event.
    var heads: [Int]
    /// Each stream's next time; Int64.max once exhausted (and then not `live`).
    var next: [Int64]
    var live: [Bool]

    init(times: [Int64], starts: [Int]) {
        self.times = times
        self.starts = starts
        let n = starts.count - 1
        heads = Array(starts.prefix(n))
        next = (0..<n).map { starts[$0] < starts[$0 + 1] ? times[starts[$0]] : Int64.max }
        live = (0..<n).map { starts[$0] < starts[$0 + 1] }
    }

    func predict() -> Int {
        next.withUnsafeBufferPointer { n in
            var best = 0
            var bestTime = n.isEmpty ? Int64.max : n[0]
            for s in 1..<max(1, n.count) where n[s] < bestTime {
                best = s
                bestTime = n[s]
            }
            // All remaining at Int64.max (only with extreme times): the first live one.
            if bestTime == Int64.max, !live.isEmpty, !live[best] { best = live.firstIndex(of: true) ?? 0 }
            return best
        }
    }

    func hasMore(_ s: Int) -> Bool { s >= 0 && s < heads.count && live[s] }

    /// Position (within the stream) of the event `consume` takes next.
    func position(_ s: Int) -> Int { heads[s] - starts[s] }

    mutating func consume(_ s: Int) {
        heads[s] += 1
        if heads[s] < starts[s + 1] {
            next[s] = times[heads[s]]
        } else {
            next[s] = Int64.max
            live[s] = false
        }
    }

    /// The encoder's whole pass: for each of `count` events, whose stream `stream(j)` gives,
    /// hands `store` the correction to the prediction (`(stream - predicted) mod streams`). The
    /// same as ``predict()`` and ``consume(_:)`` event by event, on the stack's buffers (those
    /// pay a uniqueness and a bounds check per access).
    @inline(__always)
    static func corrections(times: [Int64], starts: [Int], count: Int,
                            stream: (Int) -> Int, into store: (Int, Int) -> Void) {
        let n = starts.count - 1
        guard n >= 1 else { return }
        var heads = Array(starts.prefix(n))
        var next = (0..<n).map { starts[$0] < starts[$0 + 1] ? times[starts[$0]] : Int64.max }
        var live = (0..<n).map { starts[$0] < starts[$0 + 1] }
        times.withUnsafeBufferPointer { tm in
        starts.withUnsafeBufferPointer { st in
        heads.withUnsafeMutableBufferPointer { hd in
        next.withUnsafeMutableBufferPointer { nx in
        live.withUnsafeMutableBufferPointer { lv in
            for j in 0..<count {
                var best = 0
                var bestTime = nx[0]
                for s in 1..<Swift.max(1, n) where nx[s] < bestTime {
                    best = s
                    bestTime = nx[s]
                }
                if bestTime == Int64.max, !lv[best] { best = lv.firstIndex(of: true) ?? 0 }
                let s = stream(j)
                store(j, s >= best ? s - best : s - best + n)
                hd[s] += 1
                if hd[s] < st[s + 1] {
                    nx[s] = tm[hd[s]]
                } else {
                    nx[s] = Int64.max
                    lv[s] = false
                }
            }
        }}}}}
    }
}

/// Strings of a chunk, each stored once.
struct StringTable {
    var strings: [String] = []
    var index: [String: UInt32] = [:]

    mutating func index(_ s: String) -> UInt32 {
        if let i = index[s] { return i }
        let i = UInt32(strings.count)
        strings.append(s)
        index[s] = i
        return i
    }

    func write(to out: inout [UInt8]) {
        out.appendVarint(UInt64(strings.count))
        for s in strings { out.appendLengthPrefixed(s) }
    }
}
