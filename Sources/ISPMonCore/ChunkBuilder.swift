/// Events laid out by column in log order, ready to encode as a chunk (or any
/// range of it as a segment). Appending an event is a handful of array appends;
/// builders concatenate cheaply, so the writer keeps the unsealed tail as one
/// builder and seals it without decoding anything.
public struct ChunkBuilder: Sendable {
    struct SeriesKey: Hashable, Sendable {
        var target: String
        var role: Role
        var method: ProbeMethod
    }

    static let otherMarker = UInt32.max

    var strings = StringTable()
    /// Series number → its key.
    var seriesKeys: [SeriesKey] = []
    /// Used once there are too many series to compare one by one.
    var seriesIndex: [SeriesKey: Int] = [:]
    /// Per series: its last detail and that detail's code (skips hashing repeats).
    var lastDetail: [(text: String, code: UInt32)?] = []

    // One entry per event, in log order.
    /// The event's series, or `otherMarker` for an event that is not a probe.
    var stream: [UInt32] = []
    var times: [Int64] = []
    /// 0 when ok, else 1 + string number of the error code (0 for non-probes).
    var outcome: [UInt32] = []
    /// RTT of an ok probe in µs, else 0.
    var rtt: [Int64] = []
    /// 0 when none, else 1 + string number of the detail.
    var detail: [UInt32] = []
    /// The events that are not probes, in log order.
    var others: [Event] = []

    public init() {}

    public var count: Int { stream.count }
    public var isEmpty: Bool { stream.isEmpty }

    public mutating func reserveCapacity(_ n: Int) {
        stream.reserveCapacity(n)
        times.reserveCapacity(n)
        outcome.reserveCapacity(n)
        rtt.reserveCapacity(n)
        detail.reserveCapacity(n)
    }

    /// Room for `n` more events, growing geometrically: a builder that grows by many small
    /// appends (the writer's in-memory tail, a commit of many probe results) would copy all
    /// its columns on each one if it reserved just what it needs.
    mutating func reserveRoom(forMore n: Int) {
        guard stream.capacity < count + n else { return }
        reserveCapacity(Swift.max(count + n, 2 * count))
    }

    public mutating func append(contentsOf events: ArraySlice<Event>) {
        guard !events.isEmpty else { return }
        reserveRoom(forMore: events.count)
        // The columns grow by the batch at once and are written through their buffers, moved
        // out of `self` meanwhile (the loop changes the series and strings): appending to each
        // column per event paid a uniqueness and a capacity check five times an event.
        let first = count
        var st = stream, tm = times, oc = outcome, rt = rtt, dt = detail
        stream = []; times = []; outcome = []; rtt = []; detail = []
        defer { stream = st; times = tm; outcome = oc; rtt = rt; detail = dt }
        st.append(contentsOf: repeatElement(0, count: events.count))
        tm.append(contentsOf: repeatElement(0, count: events.count))
        oc.append(contentsOf: repeatElement(0, count: events.count))
        rt.append(contentsOf: repeatElement(0, count: events.count))
        dt.append(contentsOf: repeatElement(0, count: events.count))
        st.withUnsafeMutableBufferPointer { st in
        tm.withUnsafeMutableBufferPointer { tm in
        oc.withUnsafeMutableBufferPointer { oc in
        rt.withUnsafeMutableBufferPointer { rt in
        dt.withUnsafeMutableBufferPointer { dt in
            var row = first
            for i in events.indices {
                tm[row] = events[i].time.microseconds
                if case .probe(let p) = events[i].body {
                    let s = seriesNumber(p.target, p.role, p.method)
                    st[row] = UInt32(s)
                    switch p.outcome {
                    case .ok(let r): rt[row] = r
                    case .failed(let code): oc[row] = strings.index(code) + 1
                    }
                    if let d = p.detail { dt[row] = detailCode(d, series: s) }
                } else {
                    st[row] = ChunkBuilder.otherMarker
                    others.append(events[i])
                }
                row += 1
            }
        }}}}}
    }

    /// The code of `d`, a detail of series `s`: details repeat (the same resolver answer, the
    /// same status), so the series' last one is compared before the table is asked.
    @inline(__always)
    mutating func detailCode(_ d: String, series s: Int) -> UInt32 {
        if let last = lastDetail[s], last.text == d { return last.code }
        let code = strings.index(d) + 1
        lastDetail[s] = (d, code)
        return code
    }

    public mutating func append(_ e: Event) {
        times.append(e.time.microseconds)
        guard case .probe(let p) = e.body else {
            stream.append(ChunkBuilder.otherMarker)
            outcome.append(0)
            rtt.append(0)
            detail.append(0)
            others.append(e)
            return
        }
        let s = seriesNumber(p.target, p.role, p.method)
        stream.append(UInt32(s))
        switch p.outcome {
        case .ok(let r):
            outcome.append(0)
            rtt.append(r)
        case .failed(let code):
            outcome.append(strings.index(code) + 1)
            rtt.append(0)
        }
        detail.append(p.detail.map { detailCode($0, series: s) } ?? 0)
    }

    mutating func seriesNumber(_ target: String, _ role: Role, _ method: ProbeMethod) -> Int {
        // A home network has a handful of targets: comparing a few short strings beats hashing one.
        if seriesKeys.count <= 16 {
            for i in seriesKeys.indices
            where seriesKeys[i].role == role && seriesKeys[i].method == method && seriesKeys[i].target == target {
                return i
            }
        } else if let found = seriesIndex[SeriesKey(target: target, role: role, method: method)] {
            return found
        }
        return addSeries(SeriesKey(target: target, role: role, method: method))
    }

    mutating func addSeries(_ key: SeriesKey) -> Int {
        let s = seriesKeys.count
        seriesKeys.append(key)
        lastDetail.append(nil)
        if s == 16 {  // switching to the index
            for (i, k) in seriesKeys.enumerated() { seriesIndex[k] = i }
        } else if s > 16 {
            seriesIndex[key] = s
        }
        return s
    }

    mutating func seriesNumber(_ key: SeriesKey) -> Int { seriesNumber(key.target, key.role, key.method) }

    /// Appends all of `other` after this builder's events.
    public mutating func append(contentsOf other: ChunkBuilder) {
        let stringMap = other.strings.strings.map { strings.index($0) + 1 }
        let seriesMap = other.seriesKeys.map { UInt32(seriesNumber($0)) }
        reserveRoom(forMore: other.count)
        // The renumbered columns are written through their buffers (the writer joins each
        // commit's batches into its tail this way, on the commit's path).
        let first = count
        stream.append(contentsOf: repeatElement(0, count: other.count))
        outcome.append(contentsOf: repeatElement(0, count: other.count))
        detail.append(contentsOf: repeatElement(0, count: other.count))
        seriesMap.withUnsafeBufferPointer { series in
        stringMap.withUnsafeBufferPointer { strings in
        other.stream.withUnsafeBufferPointer { from in
        stream.withUnsafeMutableBufferPointer { to in
            for j in from.indices { to[first + j] = from[j] == ChunkBuilder.otherMarker ? from[j] : series[Int(from[j])] }
        }}
        other.outcome.withUnsafeBufferPointer { from in
        outcome.withUnsafeMutableBufferPointer { to in
            for j in from.indices { to[first + j] = from[j] == 0 ? 0 : strings[Int(from[j]) - 1] }
        }}
        other.detail.withUnsafeBufferPointer { from in
        detail.withUnsafeMutableBufferPointer { to in
            for j in from.indices { to[first + j] = from[j] == 0 ? 0 : strings[Int(from[j]) - 1] }
        }}
        }}
        times.append(contentsOf: other.times)
        rtt.append(contentsOf: other.rtt)
        others.append(contentsOf: other.others)
    }

    /// A builder holding the events of a decoded chunk.
    public init(_ chunk: DecodedChunk) {
        var seriesMap: [UInt32] = []
        var stringMaps: [[UInt32]] = []
        for s in chunk.series {
            seriesMap.append(UInt32(seriesNumber(s.target, s.role, s.method)))
            var map: [UInt32] = []
            for str in s.strings { map.append(strings.index(str) + 1) }
            stringMaps.append(map)
        }
        reserveCapacity(chunk.count)
        let otherStream = UInt32(chunk.series.count)
        for i in 0..<chunk.count {
            let s = chunk.streamOfEvent[i]
            let k = Int(chunk.indexInStream[i])
            if s == otherStream {
                let e = chunk.others[k]
                stream.append(ChunkBuilder.otherMarker)
                times.append(e.time.microseconds)
                outcome.append(0)
                rtt.append(0)
                detail.append(0)
                others.append(e)
            } else {
                let series = chunk.series[Int(s)]
                let map = stringMaps[Int(s)]
                stream.append(seriesMap[Int(s)])
                times.append(series.times[k])
                let o = series.outcome[k]
                outcome.append(o == 0 ? 0 : map[Int(o) - 1])
                rtt.append(o == 0 ? series.rtt[k] : 0)
                let d = series.detail[k]
                detail.append(d == 0 ? 0 : map[Int(d) - 1])
            }
        }
    }
}
