import CZstd

/// A chunk decoded into columns. Views can read the columns directly;
/// ``event(at:)`` materializes one event.
public struct DecodedChunk: Sendable {
    public let firstSeq: UInt64
    public let count: Int
    public let series: [Series]
    public let others: [Event]
    /// For each event in log order: its stream (a series index, or `series.count`
    /// for the other events) and its position in that stream.
    public let streamOfEvent: [UInt32]
    public let indexInStream: [UInt32]

    public struct Series: Sendable {
        public let target: String
        public let role: Role
        public let method: ProbeMethod
        public let times: [Int64]
        /// 0 when ok, else 1 + the index of the error code in `strings`.
        public let outcome: [UInt32]
        /// RTT in microseconds for ok probes (0 for failures).
        public let rtt: [Int64]
        /// 0 when no detail, else 1 + the index of the detail in `strings`.
        public let detail: [UInt32]
        public let strings: [String]

        public func probe(at k: Int) -> Probe {
            let o = Int(outcome[k])
            let d = Int(detail[k])
            return Probe(
                target: target, role: role, method: method,
                outcome: o == 0 ? .ok(rtt: rtt[k]) : .failed(error: strings[o - 1]),
                detail: d == 0 ? nil : strings[d - 1])
        }
    }

    public var lastSeq: UInt64 { firstSeq + UInt64(count) - 1 }

    /// The event at position `i` (0-based) of the chunk.
    public func event(at i: Int) -> Event {
        let s = Int(streamOfEvent[i])
        let k = Int(indexInStream[i])
        if s == series.count { return others[k] }
        return Event(time: Timestamp(microseconds: series[s].times[k]), body: .probe(series[s].probe(at: k)))
    }

    public func events() -> [Event] { (0..<count).map(event(at:)) }

    /// The recorded time and type of the event at `i`, without making the event (the event
    /// index's work: a probe is only a time in its series' column).
    public func timeAndType(at i: Int) -> (time: Int64, type: EventType) {
        let s = Int(streamOfEvent[i])
        let k = Int(indexInStream[i])
        if s == series.count { return (others[k].time.microseconds, others[k].type) }
        return (series[s].times[k], .probe)
    }
}

/// Decodes chunks. Holds a zstd context: one per thread.
public final class ChunkDecoder {
    let zstd = ZstdDecompressor()

    public init() {}

    /// Decodes `blob` after checking its checksum. Damaged input throws, never traps.
    public func decode(_ blob: UnsafeRawBufferPointer) throws(CorruptData) -> DecodedChunk {
        let header = try ChunkHeader.read(blob)
        var r = ByteReader(blob, offset: ChunkFormat.crcCoveredOffset)
        _ = try r.varint()
        _ = try r.varint()
        let sectionCount = try r.count(max: 2 + ColumnKind.allCases.count * 8)
        guard sectionCount >= 2 else { throw CorruptData("too few sections") }
        var sections: [[UInt8]] = []
        for _ in 0..<sectionCount { sections.append(try readSection(&r)) }
        guard r.isAtEnd else { throw CorruptData("trailing bytes after the last section") }

        return try withBytes(sections[0]) { (metaBytes) throws(CorruptData) -> DecodedChunk in
            var m = ByteReader(metaBytes)
            let n = header.count
            let stringCount = try m.count(max: 3 * n + 1)
            var strings: [String] = []
            strings.reserveCapacity(stringCount)
            for _ in 0..<stringCount { strings.append(try m.string()) }
            let seriesCount = try m.count(max: n)
            struct SeriesMeta { var target: Int; var role: Role; var method: ProbeMethod; var count: Int
                var origin: Int64; var interval: Int64; var residualBase: Int64; var rttBase: Int64 }
            var metas: [SeriesMeta] = []
            var probeCount = 0
            // Each series names its target by an index into the string table, which must not be empty.
            guard seriesCount == 0 || stringCount > 0 else { throw CorruptData("\(seriesCount) series but no strings for their targets") }
            for _ in 0..<seriesCount {
                let target = try m.count(max: stringCount - 1)
                guard let role = Role(rawValue: try m.byte()), let method = ProbeMethod(rawValue: try m.byte()) else {
                    throw CorruptData("bad role or method")
                }
                let c = try m.count(max: n - probeCount)
                probeCount += c
                metas.append(SeriesMeta(
                    target: target, role: role, method: method, count: c, origin: try m.zigzag(),
                    interval: Int64(bitPattern: try m.varint()), residualBase: try m.zigzag(), rttBase: try m.zigzag()))
            }
            let otherCount = try m.count(max: n)
            guard probeCount + otherCount == n else { throw CorruptData("event counts do not add up") }
            let orderMode = try m.byte()
            guard orderMode <= 1 else { throw CorruptData("bad order mode") }

            // Integer columns from their byte planes.
            var nextSection = 1
            func column(_ length: Int) throws(CorruptData) -> [UInt64] {
                let width = Int(try m.byte())
                guard width <= 8, nextSection + width <= sections.count - 1 else { throw CorruptData("bad column width") }
                var values = [UInt64](repeating: 0, count: length)
                for j in 0..<width {
                    let plane = sections[nextSection]
                    nextSection += 1
                    guard plane.count == length else { throw CorruptData("plane length \(plane.count), expected \(length)") }
                    let shift = UInt64(8 * j)
                    values.withUnsafeMutableBufferPointer { v in
                        plane.withUnsafeBufferPointer { p in
                            for i in 0..<length { v[i] |= UInt64(p[i]) << shift }
                        }
                    }
                }
                return values
            }
            let streamCount = seriesCount + (otherCount > 0 ? 1 : 0)
            let order = try column(streamCount > 1 || orderMode == 1 ? n : 0)
            let steps = try column(probeCount)
            let residuals = try column(probeCount)
            let outcomes = try column(probeCount)
            let okCount = outcomes.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
            let rtts = try column(okCount)
            let details = try column(probeCount)
            guard nextSection == sections.count - 1 else { throw CorruptData("section count does not match the columns") }

            // Series.
            var series: [DecodedChunk.Series] = []
            var p = 0
            var ok = 0
            for meta in metas {
                var times = [Int64](repeating: 0, count: meta.count)
                var rtt = [Int64](repeating: 0, count: meta.count)
                var outcome = [UInt32](repeating: 0, count: meta.count)
                var detail = [UInt32](repeating: 0, count: meta.count)
                var step: Int64 = -1
                for k in 0..<meta.count {
                    step = step &+ unzigzag(steps[p]) &+ 1
                    times[k] = meta.origin &+ step &* meta.interval &+ Int64(bitPattern: residuals[p]) &+ meta.residualBase
                    guard outcomes[p] <= UInt64(stringCount), details[p] <= UInt64(stringCount) else {
                        throw CorruptData("string index out of range")
                    }
                    outcome[k] = UInt32(outcomes[p])
                    detail[k] = UInt32(details[p])
                    if outcomes[p] == 0 {
                        rtt[k] = Int64(bitPattern: rtts[ok]) &+ meta.rttBase
                        ok += 1
                    }
                    p += 1
                }
                series.append(DecodedChunk.Series(
                    target: strings[meta.target], role: meta.role, method: meta.method, times: times,
                    outcome: outcome, rtt: rtt, detail: detail, strings: strings))
            }

            // Other events.
            var others: [Event] = []
            others.reserveCapacity(otherCount)
            try withBytes(sections[sections.count - 1]) { (rows) throws(CorruptData) in
                var rr = ByteReader(rows)
                var previous: Int64 = 0
                for _ in 0..<otherCount {
                    let e = try RowCodec.read(&rr, previousTime: previous)
                    previous = e.time.microseconds
                    others.append(e)
                }
                guard rr.isAtEnd else { throw CorruptData("trailing bytes after the last event") }
            }

            // Interleaving.
            var streamOfEvent = [UInt32](repeating: 0, count: n)
            var indexInStream = [UInt32](repeating: 0, count: n)
            var mergeTimes: [Int64] = []
            mergeTimes.reserveCapacity(n)
            var mergeStarts = [0]
            for s in series {
                mergeTimes.append(contentsOf: s.times)
                mergeStarts.append(mergeTimes.count)
            }
            if otherCount > 0 {
                for e in others { mergeTimes.append(e.time.microseconds) }
                mergeStarts.append(mergeTimes.count)
            }
            var merge = StreamMerge(times: mergeTimes, starts: mergeStarts)
            for i in 0..<n {
                let s: Int
                if orderMode == 1 {
                    s = Int(truncatingIfNeeded: order[i])
                } else if streamCount == 1 {
                    s = 0
                } else {
                    guard order[i] < UInt64(streamCount) else { throw CorruptData("bad interleaving") }
                    s = (merge.predict() + Int(order[i])) % streamCount
                }
                guard merge.hasMore(s) else { throw CorruptData("bad interleaving") }
                streamOfEvent[i] = UInt32(s)
                indexInStream[i] = UInt32(merge.position(s))
                merge.consume(s)
            }
            return DecodedChunk(
                firstSeq: header.firstSeq, count: n, series: series, others: others,
                streamOfEvent: streamOfEvent, indexInStream: indexInStream)
        }
    }

    func readSection(_ r: inout ByteReader) throws(CorruptData) -> [UInt8] {
        let rawLength = try r.count(max: 1 << 30)
        let encoding = try r.byte()
        let stored = try r.slice(try r.count(max: r.remaining))
        switch encoding {
        case 0:
            guard stored.count == rawLength else { throw CorruptData("raw section length mismatch") }
            return Array(stored)
        case 1:
            // The buffer is sized from stored lengths: damage must not make it huge. The frame
            // names its content size (the encoder always writes it), and no zstd frame yields more
            // than 32 KiB per stored byte (an RLE block: 4 bytes for 128 KiB).
            let declared = ZSTD_getFrameContentSize(stored.baseAddress, stored.count)
            guard declared == UInt64(rawLength) else {
                throw CorruptData(declared >= UInt64.max - 1
                    ? "zstd section without a frame size" : "zstd frame of \(declared) bytes in a section of \(rawLength)")
            }
            guard rawLength <= stored.count * 32_768 else { throw CorruptData("zstd section of \(rawLength) bytes from \(stored.count)") }
            var raw = [UInt8](repeating: 0, count: rawLength)
            let result: Result<Void, CorruptData> = raw.withUnsafeMutableBytes { dst in
                do throws(CorruptData) { try zstd.decompress(stored, into: dst); return .success(()) } catch { return .failure(error) }
            }
            try result.get()
            return raw
        default:
            throw CorruptData("unknown section encoding \(encoding)")
        }
    }
}
