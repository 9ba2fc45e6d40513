/// Encodes builders (or a range of one) into chunks (see ``ChunkFormat``).
/// Holds a zstd context and scratch buffers: one encoder per thread.
public final class ChunkEncoder {
    let zstd = ZstdCompressor()
    public let level: Int32
    /// Predict the interleaving (smaller chunks) or store stream numbers as they are (faster).
    public let predictOrder: Bool

    // Scratch space kept between calls: fresh large arrays cost page faults.
    var columns = [[UInt64]](repeating: [], count: ColumnKind.allCases.count)
    var groupedTimes: [Int64] = []
    var groupedOutcome: [UInt32] = []
    var groupedRTT: [Int64] = []
    var groupedDetail: [UInt32] = []
    var plane: [UInt8] = []

    public init(level: Int32 = 3, predictOrder: Bool = true) {
        self.level = level
        self.predictOrder = predictOrder
    }

    /// Encodes `events` (consecutive, the first at `firstSeq`) into one chunk.
    public func encode(_ events: [Event], firstSeq: UInt64) -> [UInt8] { encode(events[...], firstSeq: firstSeq) }

    public func encode(_ events: ArraySlice<Event>, firstSeq: UInt64) -> [UInt8] {
        var b = ChunkBuilder()
        b.append(contentsOf: events)
        return encode(b, firstSeq: firstSeq)
    }

    public func encode(_ b: ChunkBuilder, firstSeq: UInt64) -> [UInt8] {
        encode(b, range: 0..<b.count, firstSeq: firstSeq)
    }

    /// Encodes the builder's events in `range` (the first at `firstSeq`) into one chunk.
    public func encode(_ b: ChunkBuilder, range: Range<Int>, firstSeq: UInt64) -> [UInt8] {
        precondition(!range.isEmpty && range.count <= ChunkFormat.maxEvents && range.upperBound <= b.count,
                     "chunk range out of bounds")
        let n = range.count

        // Which series occur, how often, and which other events: in series-number order.
        var counts = [Int](repeating: 0, count: b.seriesKeys.count)
        var otherCount = 0
        b.stream.withUnsafeBufferPointer { st in
            for i in range {
                let s = st[i]
                if s == ChunkBuilder.otherMarker { otherCount += 1 } else { counts[Int(s)] += 1 }
            }
        }
        var compact = [Int](repeating: -1, count: b.seriesKeys.count)
        var present: [Int] = []
        var starts: [Int] = [0]
        for s in counts.indices where counts[s] > 0 {
            compact[s] = present.count
            present.append(s)
            starts.append(starts[starts.count - 1] + counts[s])
        }
        let probeCount = n - otherCount
        let firstOther = b.others.isEmpty || otherCount == 0 ? 0 : b.firstOther(atOrAfter: range.lowerBound)

        // Strings this range uses, renumbered in order of first use.
        var strings = StringTable()
        var stringMap = [UInt32](repeating: 0, count: b.strings.strings.count + 1)
        func remap(_ code: UInt32) -> UInt32 {
            guard code != 0 else { return 0 }
            if stringMap[Int(code)] == 0 { stringMap[Int(code)] = strings.index(b.strings.strings[Int(code) - 1]) + 1 }
            return stringMap[Int(code)]
        }
        let targetCodes = present.map { strings.index(b.seriesKeys[$0].target) }

        // Codes of the strings used, remapped once each in order of first use (in log order,
        // outcome before detail), so that the loops below only look codes up.
        b.outcome.withUnsafeBufferPointer { o in
            b.detail.withUnsafeBufferPointer { d in
                for i in range {
                    if o[i] != 0 { _ = remap(o[i]) }
                    if d[i] != 0 { _ = remap(d[i]) }
                }
            }
        }

        // Group the probes by series (a counting sort), keeping log order within each.
        // Scratch arrays are moved into locals: a class property in a hot loop pays
        // an exclusivity check on every access.
        var gTimes = groupedTimes, gOutcome = groupedOutcome, gRTT = groupedRTT, gDetail = groupedDetail
        groupedTimes = []; groupedOutcome = []; groupedRTT = []; groupedDetail = []
        defer { groupedTimes = gTimes; groupedOutcome = gOutcome; groupedRTT = gRTT; groupedDetail = gDetail }
        resize(&gTimes, probeCount)
        resize(&gOutcome, probeCount)
        resize(&gRTT, probeCount)
        resize(&gDetail, probeCount)
        var cursor = Array(starts.dropLast())
        b.stream.withUnsafeBufferPointer { st in
        b.times.withUnsafeBufferPointer { times in
        b.rtt.withUnsafeBufferPointer { rtt in
        b.outcome.withUnsafeBufferPointer { outcome in
        b.detail.withUnsafeBufferPointer { detail in
        stringMap.withUnsafeBufferPointer { sm in
        gTimes.withUnsafeMutableBufferPointer { gt in
        gRTT.withUnsafeMutableBufferPointer { gr in
        gOutcome.withUnsafeMutableBufferPointer { go in
        gDetail.withUnsafeMutableBufferPointer { gd in
        compact.withUnsafeBufferPointer { cmp in
        cursor.withUnsafeMutableBufferPointer { cur in
            for i in range {
                let s = st[i]
                if s == ChunkBuilder.otherMarker { continue }
                let c = cmp[Int(s)]
                let pos = cur[c]
                cur[c] = pos + 1
                gt[pos] = times[i]
                gr[pos] = rtt[i]
                go[pos] = sm[Int(outcome[i])]  // code 0 (none) maps to 0
                gd[pos] = sm[Int(detail[i])]
            }
        }}}}}}}}}}}}

        var cols = columns
        columns = []
        defer { columns = cols }
        for k in cols.indices { cols[k].removeAll(keepingCapacity: true) }

        // Per series, in place: the columns hold the series one after the other, so a probe's
        // row in steps, residuals, outcomes and details is its grouped position.
        var steps = cols[ColumnKind.steps.rawValue], residuals = cols[ColumnKind.residual.rawValue]
        var outcomes = cols[ColumnKind.outcome.rawValue], details = cols[ColumnKind.detail.rawValue]
        var rtts = cols[ColumnKind.rtt.rawValue]
        for k in [ColumnKind.steps, .residual, .outcome, .detail, .rtt] { cols[k.rawValue] = [] }
        resize(&steps, probeCount)
        resize(&residuals, probeCount)
        resize(&outcomes, probeCount)
        resize(&details, probeCount)
        resize(&rtts, probeCount)
        var rttCount = 0
        var seriesMeta: [UInt8] = []
        seriesMeta.appendVarint(UInt64(present.count))
        gTimes.withUnsafeBufferPointer { gt in
        gRTT.withUnsafeBufferPointer { gr in
        gOutcome.withUnsafeBufferPointer { go in
        gDetail.withUnsafeBufferPointer { gd in
        steps.withUnsafeMutableBufferPointer { stp in
        residuals.withUnsafeMutableBufferPointer { res in
        outcomes.withUnsafeMutableBufferPointer { oc in
        details.withUnsafeMutableBufferPointer { dt in
        rtts.withUnsafeMutableBufferPointer { rt in
            for (c, s) in present.enumerated() {
                let key = b.seriesKeys[s]
                let span = starts[c]..<starts[c + 1]
                let grid = Grid(times: gTimes[span])
                var residualBase = Int64.max
                var previousStep: Int64 = -1
                var rttBase = Int64.max
                for p in span {
                    let t = gt[p]
                    // Almost every probe is on the step after the previous one.
                    let step = grid.step(of: t, likely: previousStep &+ 1)
                    stp[p] = zigzag(step &- previousStep &- 1)
                    previousStep = step
                    let r = t &- grid.origin &- step &* grid.interval
                    residualBase = min(residualBase, r)
                    res[p] = UInt64(bitPattern: r)
                    if go[p] == 0 { rttBase = min(rttBase, gr[p]) }
                    oc[p] = UInt64(go[p])
                    dt[p] = UInt64(gd[p])
                }
                let base = UInt64(bitPattern: residualBase)
                for p in span { res[p] &-= base }
                if rttBase == Int64.max { rttBase = 0 }
                for p in span where go[p] == 0 {
                    rt[rttCount] = UInt64(bitPattern: gr[p] &- rttBase)
                    rttCount += 1
                }
                seriesMeta.appendVarint(UInt64(targetCodes[c]))
                seriesMeta.append(key.role.rawValue)
                seriesMeta.append(key.method.rawValue)
                seriesMeta.appendVarint(UInt64(span.count))
                seriesMeta.appendZigzag(grid.origin)
                seriesMeta.appendVarint(UInt64(grid.interval))
                seriesMeta.appendZigzag(residualBase)
                seriesMeta.appendZigzag(rttBase)
            }
        }}}}}}}}}
        rtts.removeLast(probeCount - rttCount)
        cols[ColumnKind.steps.rawValue] = steps
        cols[ColumnKind.residual.rawValue] = residuals
        cols[ColumnKind.outcome.rawValue] = outcomes
        cols[ColumnKind.detail.rawValue] = details
        cols[ColumnKind.rtt.rawValue] = rtts

        // Interleaving: predict the stream with the earliest next event; store the correction.
        let otherStream = present.count
        let streamCount = present.count + (otherCount > 0 ? 1 : 0)
        let predicted = predictOrder && streamCount <= ChunkFormat.maxPredictedStreams
        var order = cols[ColumnKind.order.rawValue]
        cols[ColumnKind.order.rawValue] = []
        if predicted && streamCount > 1 {
            var mergeTimes = Array(gTimes.prefix(probeCount))
            var mergeStarts = starts
            if otherCount > 0 {
                for k in firstOther..<(firstOther + otherCount) { mergeTimes.append(b.others[k].time.microseconds) }
                mergeStarts.append(probeCount + otherCount)
            }
            resize(&order, n)
            b.stream.withUnsafeBufferPointer { st in
            compact.withUnsafeBufferPointer { cmp in
            order.withUnsafeMutableBufferPointer { out in
                StreamMerge.corrections(times: mergeTimes, starts: mergeStarts, count: n) { j in
                    let marked = st[range.lowerBound + j]
                    return marked == ChunkBuilder.otherMarker ? otherStream : cmp[Int(marked)]
                } into: { j, correction in out[j] = UInt64(correction) }
            }}}
        } else if !predicted {
            resize(&order, n)
            b.stream.withUnsafeBufferPointer { st in
            compact.withUnsafeBufferPointer { cmp in
            order.withUnsafeMutableBufferPointer { out in
                for j in 0..<n {
                    let marked = st[range.lowerBound + j]
                    out[j] = UInt64(marked == ChunkBuilder.otherMarker ? otherStream : cmp[Int(marked)])
                }
            }}}
        }
        cols[ColumnKind.order.rawValue] = order
        var others: [UInt8] = []
        var previousTime: Int64 = 0
        for k in firstOther..<(firstOther + otherCount) {
            let e = b.others[k]
            RowCodec.append(e, previousTime: previousTime, to: &others)
            previousTime = e.time.microseconds
        }

        var meta: [UInt8] = []
        strings.write(to: &meta)
        meta.append(contentsOf: seriesMeta)
        meta.appendVarint(UInt64(otherCount))
        meta.append(predicted ? 0 : 1)
        var widths: [Int] = []
        for c in cols {
            // The bytes the largest value needs are those of all values or-ed together (the same
            // highest bit), and an or of 64-bit lanes vectorizes where their unsigned max does not.
            let width = byteWidth(c.withUnsafeBufferPointer { $0.reduce(0, |) })
            meta.append(UInt8(width))
            widths.append(width)
        }

        var out: [UInt8] = [ChunkFormat.version, 0, 0, 0, 0]
        out.reserveCapacity(n * 4 + 1024)
        out.appendVarint(firstSeq)
        out.appendVarint(UInt64(n))
        out.appendVarint(UInt64(2 + widths.reduce(0, +)))
        meta.withUnsafeBytes { appendSection($0, to: &out) }
        for (c, width) in zip(cols, widths) {
            for j in 0..<width {
                let shift = UInt64(8 * j)
                resize(&plane, c.count)
                plane.withUnsafeMutableBufferPointer { dst in
                    c.withUnsafeBufferPointer { src in
                        for i in 0..<src.count { dst[i] = UInt8(truncatingIfNeeded: src[i] >> shift) }
                    }
                }
                plane.withUnsafeBytes { appendSection($0, to: &out) }
            }
        }
        others.withUnsafeBytes { appendSection($0, to: &out) }
        let crc = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[ChunkFormat.crcCoveredOffset...])) }
        for i in 0..<4 { out[ChunkFormat.headerCRCOffset + i] = UInt8(truncatingIfNeeded: crc >> UInt32(8 * i)) }
        return out
    }

    func resize<T: FixedWidthInteger>(_ a: inout [T], _ n: Int) {
        if a.count > n { a.removeLast(a.count - n) } else if a.count < n { a.append(contentsOf: repeatElement(0, count: n - a.count)) }
    }

    func appendSection(_ raw: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.appendVarint(UInt64(raw.count))
        if raw.count >= 64 && level > -100 {
            let mark = out.count
            out.append(1)
            out.appendVarint(UInt64(raw.count))  // room for the length: the compressed one is never longer
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

extension ChunkBuilder {
    /// Index in `others` of the first other event at or after event position `position`.
    func firstOther(atOrAfter position: Int) -> Int {
        var k = 0
        var i = 0
        // Others are rare; count the markers before `position`.
        stream.withUnsafeBufferPointer { st in
            while i < position {
                if st[i] == ChunkBuilder.otherMarker { k += 1 }
                i += 1
            }
        }
        return k
    }
}
