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

/// Events gathered by column, ready to encode as one chunk. Builders merge
/// cheaply (per series, not per event), so the writer can keep the unsealed
/// tail as a builder and seal it without decoding anything.
public struct ChunkBuilder: Sendable {
    struct SeriesKey: Hashable {
        var target: String
        var role: Role
        var method: ProbeMethod
    }

    struct SeriesBuild {
        var key: SeriesKey
        var times: [Int64] = []
        /// 0 when ok, else 1 + string index of the error code.
        var outcome: [UInt64] = []
        /// RTTs of the ok probes only.
        var rtt: [Int64] = []
        /// 0 when none, else 1 + string index.
        var detail: [UInt64] = []
        /// The last detail appended and its code (a cache for `append`).
        var lastDetail: (text: String, code: UInt64)?
    }

    var strings = StringTable()
    var seriesIndex: [SeriesKey: Int] = [:]
    var series: [SeriesBuild] = []
    /// Per event in log order: its series, or `otherMarker`.
    var eventStream: [UInt32] = []
    var others: [Event] = []
    static let otherMarker = UInt32.max

    public init() {}

    public var count: Int { eventStream.count }
    public var isEmpty: Bool { eventStream.isEmpty }

    public mutating func reserveCapacity(_ n: Int) { eventStream.reserveCapacity(n) }

    public mutating func append(contentsOf events: ArraySlice<Event>) {
        eventStream.reserveCapacity(eventStream.count + events.count)
        for i in events.indices { append(events[i]) }
    }

    public mutating func append(_ e: Event) {
        guard case .probe(let p) = e.body else {
            eventStream.append(ChunkBuilder.otherMarker)
            others.append(e)
            return
        }
        let s = seriesNumber(SeriesKey(target: p.target, role: p.role, method: p.method))
        eventStream.append(UInt32(s))
        series[s].times.append(e.time.microseconds)
        switch p.outcome {
        case .ok(let rtt):
            series[s].outcome.append(0)
            series[s].rtt.append(rtt)
        case .failed(let code):
            series[s].outcome.append(UInt64(strings.index(code)) + 1)
        }
        if let d = p.detail {
            // Details repeat (the same resolver answer, the same status): skip the hash when
            // this series' previous detail was the same string.
            if let last = series[s].lastDetail, last.text == d {
                series[s].detail.append(last.code)
            } else {
                let code = UInt64(strings.index(d)) + 1
                series[s].lastDetail = (d, code)
                series[s].detail.append(code)
            }
        } else {
            series[s].detail.append(0)
        }
    }

    mutating func seriesNumber(_ key: SeriesKey) -> Int {
        // A home network has a handful of targets: comparing a few short strings
        // beats hashing one.
        if series.count <= 16 {
            for i in series.indices where series[i].key == key { return i }
        } else if let found = seriesIndex[key] {
            return found
        }
        let s = series.count
        seriesIndex[key] = s
        series.append(SeriesBuild(key: key))
        return s
    }

    /// Appends all of `other` after this builder's events.
    public mutating func append(contentsOf other: ChunkBuilder) {
        let stringMap = other.strings.strings.map { UInt64(strings.index($0)) }
        func remap(_ v: UInt64) -> UInt64 { v == 0 ? 0 : stringMap[Int(v - 1)] + 1 }
        var seriesMap: [UInt32] = []
        for o in other.series {
            let s = seriesNumber(o.key)
            seriesMap.append(UInt32(s))
            series[s].times.append(contentsOf: o.times)
            series[s].rtt.append(contentsOf: o.rtt)
            series[s].outcome.append(contentsOf: o.outcome.lazy.map(remap))
            series[s].detail.append(contentsOf: o.detail.lazy.map(remap))
        }
        eventStream.append(contentsOf: other.eventStream.lazy.map { $0 == ChunkBuilder.otherMarker ? $0 : seriesMap[Int($0)] })
        others.append(contentsOf: other.others)
    }

    /// A builder holding the events of a decoded chunk (columns copied, not events).
    public init(_ chunk: DecodedChunk) {
        for (n, s) in chunk.series.enumerated() {
            var b = SeriesBuild(key: SeriesKey(target: s.target, role: s.role, method: s.method))
            b.times = s.times
            let map = s.strings.map { UInt64(strings.index($0)) + 1 }
            b.outcome = s.outcome.map { $0 == 0 ? 0 : map[Int($0) - 1] }
            b.detail = s.detail.map { $0 == 0 ? 0 : map[Int($0) - 1] }
            b.rtt.reserveCapacity(s.times.count)
            for k in 0..<s.times.count where s.outcome[k] == 0 { b.rtt.append(s.rtt[k]) }
            seriesIndex[b.key] = n
            series.append(b)
        }
        let otherStream = UInt32(chunk.series.count)
        eventStream = chunk.streamOfEvent.map { $0 == otherStream ? ChunkBuilder.otherMarker : $0 }
        others = chunk.others
    }
}

/// Encodes builders into chunks. Holds a zstd context and scratch space: one per thread.
public final class ChunkEncoder {
    let zstd = ZstdCompressor()
    public let level: Int32
    var scratchColumns = [[UInt64]](repeating: [], count: ColumnKind.allCases.count)
    var plane: [UInt8] = []

    /// Predict the interleaving (smaller chunks) or store stream numbers as they are (faster).
    public let predictOrder: Bool

    public init(level: Int32 = 3, predictOrder: Bool = true) {
        self.level = level
        self.predictOrder = predictOrder
    }

    /// Encodes `events` (consecutive, the first at `firstSeq`) into one chunk.
    public func encode(_ events: [Event], firstSeq: UInt64) -> [UInt8] { encode(events[...], firstSeq: firstSeq) }

    /// Encodes `events` (consecutive, the first at `firstSeq`) into one chunk.
    public func encode(_ events: ArraySlice<Event>, firstSeq: UInt64) -> [UInt8] {
        var b = ChunkBuilder()
        b.append(contentsOf: events)
        return encode(b, firstSeq: firstSeq)
    }

    /// Encodes the builder's events (the first at `firstSeq`) into one chunk.
    public func encode(_ b: ChunkBuilder, firstSeq: UInt64) -> [UInt8] {
        precondition(!b.isEmpty && b.count <= ChunkFormat.maxEvents, "chunk size out of range")
        let probeCount = b.count - b.others.count
        // Column buffers are kept between calls: fresh large arrays cost page faults.
        var columns = scratchColumns
        scratchColumns = []
        defer { scratchColumns = columns }
        for k in columns.indices { columns[k].removeAll(keepingCapacity: true) }
        for k in [ColumnKind.steps, .residual, .outcome, .detail] { columns[k.rawValue].reserveCapacity(probeCount) }
        var seriesMeta: [UInt8] = []
        seriesMeta.appendVarint(UInt64(b.series.count))
        var strings = b.strings
        for s in b.series {
            let grid = Grid(times: s.times)
            var residualBase = Int64.max
            var previousStep: Int64 = -1
            let firstResidual = columns[ColumnKind.residual.rawValue].count
            for t in s.times {
                let n = grid.step(of: t)
                columns[ColumnKind.steps.rawValue].append(zigzag(n &- previousStep &- 1))
                previousStep = n
                let r = t &- grid.origin &- n &* grid.interval
                residualBase = min(residualBase, r)
                columns[ColumnKind.residual.rawValue].append(UInt64(bitPattern: r))
            }
            if s.times.isEmpty { residualBase = 0 }
            let base = UInt64(bitPattern: residualBase)
            columns[ColumnKind.residual.rawValue].withUnsafeMutableBufferPointer { c in
                for i in firstResidual..<c.count { c[i] &-= base }
            }
            let rttBase = s.rtt.min() ?? 0
            for r in s.rtt { columns[ColumnKind.rtt.rawValue].append(UInt64(bitPattern: r &- rttBase)) }
            columns[ColumnKind.outcome.rawValue].append(contentsOf: s.outcome)
            columns[ColumnKind.detail.rawValue].append(contentsOf: s.detail)

            seriesMeta.appendVarint(UInt64(strings.index(s.key.target)))
            seriesMeta.append(s.key.role.rawValue)
            seriesMeta.append(s.key.method.rawValue)
            seriesMeta.appendVarint(UInt64(s.times.count))
            seriesMeta.appendZigzag(grid.origin)
            seriesMeta.appendVarint(UInt64(grid.interval))
            seriesMeta.appendZigzag(residualBase)
            seriesMeta.appendZigzag(rttBase)
        }

        // Interleaving: predict the stream with the earliest next event; store the correction.
        let otherStream = UInt32(b.series.count)
        let streamCount = b.series.count + (b.others.isEmpty ? 0 : 1)
        let predicted = predictOrder && streamCount <= ChunkFormat.maxPredictedStreams
        if predicted && streamCount > 1 {
            columns[ColumnKind.order.rawValue].reserveCapacity(b.count)
            var merge = StreamMerge(streamTimes: b.series.map(\.times) + (b.others.isEmpty ? [] : [b.others.map(\.time.microseconds)]))
            for marked in b.eventStream {
                let s = marked == ChunkBuilder.otherMarker ? Int(otherStream) : Int(marked)
                let p = merge.predict()
                columns[ColumnKind.order.rawValue].append(UInt64(s >= p ? s - p : s - p + streamCount))
                merge.consume(s)
            }
        } else if !predicted {
            columns[ColumnKind.order.rawValue] = b.eventStream.map { UInt64($0 == ChunkBuilder.otherMarker ? otherStream : $0) }
        }

        var others: [UInt8] = []
        var previousTime: Int64 = 0
        for e in b.others {
            RowCodec.append(e, previousTime: previousTime, to: &others)
            previousTime = e.time.microseconds
        }

        var meta: [UInt8] = []
        strings.write(to: &meta)
        meta.append(contentsOf: seriesMeta)
        meta.appendVarint(UInt64(b.others.count))
        meta.append(predicted ? 0 : 1)
        var widths: [Int] = []
        for c in columns {
            let width = byteWidth(c.max() ?? 0)
            meta.append(UInt8(width))
            widths.append(width)
        }

        var out: [UInt8] = [ChunkFormat.version, 0, 0, 0, 0]
        out.reserveCapacity(b.count * 4 + 1024)
        out.appendVarint(firstSeq)
        out.appendVarint(UInt64(b.count))
        out.appendVarint(UInt64(2 + widths.reduce(0, +)))
        meta.withUnsafeBytes { appendSection($0, to: &out) }
        for (c, width) in zip(columns, widths) {
            for j in 0..<width {
                let shift = UInt64(8 * j)
                plane.removeAll(keepingCapacity: true)
                plane.append(contentsOf: c.lazy.map { UInt8(truncatingIfNeeded: $0 >> shift) })
                plane.withUnsafeBytes { appendSection($0, to: &out) }
            }
        }
        others.withUnsafeBytes { appendSection($0, to: &out) }
        let crc = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[ChunkFormat.crcCoveredOffset...])) }
        for i in 0..<4 { out[ChunkFormat.headerCRCOffset + i] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * i)) }
        return out
    }

    func appendSection(_ raw: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.appendVarint(UInt64(raw.count))
        if raw.count >= 64 && level > -100 {
            let mark = out.count
            out.append(1)
            out.appendVarint(UInt64(raw.count))  // placeholder of at least the final length's size
            let lengthAt = out.count
            let n = zstd.compress(raw, level: level, appendingTo: &out)
            if n < raw.count {
                var length: [UInt8] = []
                length.appendVarint(UInt64(n))
                out.replaceSubrange((mark + 1)..<lengthAt, with: length)
                return
            }
            out.removeSubrange(mark...)
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
        // A rough interval: the median of up to 63 evenly spread gaps.
        let stride = max(1, (times.count - 1) / 63)
        var sample: [Int64] = []
        for i in Swift.stride(from: 1, to: times.count, by: stride) where times[i] > times[i - 1] {
            sample.append(times[i] &- times[i - 1])
        }
        guard !sample.isEmpty else { return }
        sample.sort()
        let rough = sample[sample.count / 2]
        var steps: Int64 = 0
        for i in 1..<times.count where times[i] > times[i - 1] { steps += roundedDivision(times[i] &- times[i - 1], rough) }
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
    /// Each stream's next time; exhausted streams hold Int64.max and are not `live`.
    var next: [Int64]
    var live: [Bool]

    init(streamTimes: [[Int64]]) {
        self.streamTimes = streamTimes
        heads = Array(repeating: 0, count: streamTimes.count)
        next = streamTimes.map { $0.first ?? Int64.max }
        live = streamTimes.map { !$0.isEmpty }
    }

    func predict() -> Int {
        next.withUnsafeBufferPointer { n in
            var best = 0
            var bestTime = n.isEmpty ? Int64.max : n[0]
            for s in 1..<max(1, n.count) where n[s] < bestTime {
                best = s
                bestTime = n[s]
            }
            // All remaining at Int64.max (possible only with damaged or extreme times): first live one.
            if bestTime == Int64.max, !live.isEmpty, !live[best] { best = live.firstIndex(of: true) ?? 0 }
            return best
        }
    }

    func hasMore(_ s: Int) -> Bool { s >= 0 && s < heads.count && live[s] }

    mutating func consume(_ s: Int) {
        heads[s] += 1
        if heads[s] < streamTimes[s].count {
            next[s] = streamTimes[s][heads[s]]
        } else {
            next[s] = Int64.max
            live[s] = false
        }
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
