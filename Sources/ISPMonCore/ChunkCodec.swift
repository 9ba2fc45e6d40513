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
    static let headerCRCOffset = 1
    static let crcCoveredOffset = 5
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

/// Encodes events into chunks. Holds a zstd context: one per thread.
public final class ChunkEncoder {
    let zstd = ZstdCompressor()
    public let level: Int32

    public init(level: Int32 = 3) { self.level = level }

    struct SeriesKey: Hashable {
        var target: String
        var role: Role
        var method: ProbeMethod
    }

    struct SeriesBuild {
        var target: UInt32
        var role: Role
        var method: ProbeMethod
        var times: [Int64] = []
        var outcome: [UInt64] = []
        var rtt: [Int64] = []
        var detail: [UInt64] = []
    }

    /// Encodes `events` (consecutive, the first at `firstSeq`) into one chunk.
    public func encode(_ events: some Collection<Event>, firstSeq: UInt64) -> [UInt8] {
        precondition(!events.isEmpty && events.count <= ChunkFormat.maxEvents, "chunk size out of range")
        var strings = StringTable()
        var seriesIndex: [SeriesKey: Int] = [:]
        var series: [SeriesBuild] = []
        var eventStream: [UInt32] = []
        eventStream.reserveCapacity(events.count)
        var others: [UInt8] = []
        var otherTimes: [Int64] = []

        for e in events {
            guard case .probe(let p) = e.body else {
                eventStream.append(UInt32.max)  // patched below: the "other" stream comes last
                RowCodec.append(e, previousTime: otherTimes.last ?? 0, to: &others)
                otherTimes.append(e.time.microseconds)
                continue
            }
            let key = SeriesKey(target: p.target, role: p.role, method: p.method)
            let s: Int
            if let found = seriesIndex[key] {
                s = found
            } else {
                s = series.count
                seriesIndex[key] = s
                series.append(SeriesBuild(target: strings.index(p.target), role: p.role, method: p.method))
            }
            eventStream.append(UInt32(s))
            series[s].times.append(e.time.microseconds)
            switch p.outcome {
            case .ok(let rtt):
                series[s].outcome.append(0)
                series[s].rtt.append(rtt)
            case .failed(let code):
                series[s].outcome.append(UInt64(strings.index(code)) + 1)
            }
            series[s].detail.append(p.detail.map { UInt64(strings.index($0)) + 1 } ?? 0)
        }

        let otherStream = UInt32(series.count)
        let streamCount = series.count + (otherTimes.isEmpty ? 0 : 1)
        for i in eventStream.indices where eventStream[i] == UInt32.max { eventStream[i] = otherStream }

        // Columns.
        var columns = [[UInt64]](repeating: [], count: ColumnKind.allCases.count)
        var meta: [UInt8] = []
        meta.appendVarint(UInt64(series.count))
        var seriesMeta: [UInt8] = []
        for s in series {
            let grid = Grid(times: s.times)
            var residuals: [Int64] = []
            residuals.reserveCapacity(s.times.count)
            var previousStep: Int64 = -1
            for t in s.times {
                let n = grid.step(of: t)
                columns[ColumnKind.steps.rawValue].append(zigzag(n &- previousStep &- 1))
                previousStep = n
                residuals.append(t &- grid.origin &- n &* grid.interval)
            }
            let residualBase = residuals.min() ?? 0
            for r in residuals { columns[ColumnKind.residual.rawValue].append(UInt64(bitPattern: r &- residualBase)) }
            let rttBase = s.rtt.min() ?? 0
            for r in s.rtt { columns[ColumnKind.rtt.rawValue].append(UInt64(bitPattern: r &- rttBase)) }
            columns[ColumnKind.outcome.rawValue].append(contentsOf: s.outcome)
            columns[ColumnKind.detail.rawValue].append(contentsOf: s.detail)

            seriesMeta.appendVarint(UInt64(s.target))
            seriesMeta.append(s.role.rawValue)
            seriesMeta.append(s.method.rawValue)
            seriesMeta.appendVarint(UInt64(s.times.count))
            seriesMeta.appendZigzag(grid.origin)
            seriesMeta.appendVarint(UInt64(grid.interval))
            seriesMeta.appendZigzag(residualBase)
            seriesMeta.appendZigzag(rttBase)
        }

        // Interleaving: predict the stream with the earliest next event; store the correction.
        let predicted = streamCount <= ChunkFormat.maxPredictedStreams
        if predicted && streamCount > 1 {
            var merge = StreamMerge(streamTimes: series.map(\.times) + (otherTimes.isEmpty ? [] : [otherTimes]))
            for s in eventStream {
                let p = merge.predict()
                columns[ColumnKind.order.rawValue].append(UInt64((Int(s) - p + streamCount) % streamCount))
                merge.consume(Int(s))
            }
        } else if !predicted {
            columns[ColumnKind.order.rawValue] = eventStream.map { UInt64($0) }
        }

        var metaAll: [UInt8] = []
        strings.write(to: &metaAll)
        metaAll.append(contentsOf: meta)
        metaAll.append(contentsOf: seriesMeta)
        metaAll.appendVarint(UInt64(otherTimes.count))
        metaAll.append(predicted ? 0 : 1)
        var planes: [[UInt8]] = []
        for c in columns {
            let width = byteWidth(c.max() ?? 0)
            metaAll.append(UInt8(width))
            for j in 0..<width {
                let shift = UInt64(8 * j)
                planes.append(c.map { UInt8(truncatingIfNeeded: $0 >> shift) })
            }
        }

        var out: [UInt8] = [ChunkFormat.version, 0, 0, 0, 0]
        out.appendVarint(firstSeq)
        out.appendVarint(UInt64(events.count))
        out.appendVarint(UInt64(2 + planes.count))
        appendSection(metaAll, to: &out)
        for p in planes { appendSection(p, to: &out) }
        appendSection(others, to: &out)
        let crc = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[ChunkFormat.crcCoveredOffset...])) }
        for i in 0..<4 { out[ChunkFormat.headerCRCOffset + i] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * i)) }
        return out
    }

    func appendSection(_ raw: [UInt8], to out: inout [UInt8]) {
        out.appendVarint(UInt64(raw.count))
        if raw.count >= 64 {
            var compressed: [UInt8] = []
            raw.withUnsafeBytes { _ = zstd.compress($0, level: level, appendingTo: &compressed) }
            if compressed.count < raw.count {
                out.append(1)
                out.appendVarint(UInt64(compressed.count))
                out.append(contentsOf: compressed)
                return
            }
        }
        out.append(0)
        out.appendVarint(UInt64(raw.count))
        out.append(contentsOf: raw)
    }
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
    init(times: [Int64]) {
        origin = times.first ?? 0
        interval = 0
        guard times.count >= 2 else { return }
        var gaps: [Int64] = []
        gaps.reserveCapacity(times.count - 1)
        for i in 1..<times.count where times[i] > times[i - 1] { gaps.append(times[i] &- times[i - 1]) }
        guard !gaps.isEmpty else { return }
        gaps.sort()
        let rough = gaps[gaps.count / 2]
        var steps: Int64 = 0
        for g in gaps { steps += roundedDivision(g, rough) }
        let span = times.last! &- times.first!
        interval = steps > 0 && span > 0 ? max(1, roundedDivision(span, steps)) : rough
    }

    func step(of t: Int64) -> Int64 { interval > 0 ? roundedDivision(t &- origin, interval) : 0 }
}

/// a / b rounded to the nearest integer (b > 0), halves toward +infinity.
func roundedDivision(_ a: Int64, _ b: Int64) -> Int64 {
    (a &+ b / 2).floorDivided(by: b).0
}

/// Predicts the interleaving of streams: the stream whose next event has the
/// earliest time (the lowest stream number on ties) comes next.
struct StreamMerge {
    let streamTimes: [[Int64]]
    var heads: [Int]

    init(streamTimes: [[Int64]]) {
        self.streamTimes = streamTimes
        heads = Array(repeating: 0, count: streamTimes.count)
    }

    func predict() -> Int {
        var best = -1
        var bestTime = Int64.max
        for s in 0..<streamTimes.count where heads[s] < streamTimes[s].count {
            let t = streamTimes[s][heads[s]]
            if best < 0 || t < bestTime {
                best = s
                bestTime = t
            }
        }
        return max(best, 0)
    }

    func hasMore(_ s: Int) -> Bool { s >= 0 && s < heads.count && heads[s] < streamTimes[s].count }
    mutating func consume(_ s: Int) { heads[s] += 1 }
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
