/// What some events add to the store's event index: for each UTC hour that their recorded
/// times fall in, the smallest and the largest sequence number of those events; and the
/// sequence number of every event that is not a probe, by type. With it a search of a time
/// window reads only the chunks that can hold it, and a search for notes, traces or
/// monitor events only those events, however long the log.
public struct EventIndexPieces: Sendable, Equatable {
    public struct SeqRange: Sendable, Equatable {
        public var min: UInt64
        public var max: UInt64
        public init(min: UInt64, max: UInt64) {
            self.min = min
            self.max = max
        }
    }

    public static let hour: Int64 = 3_600_000_000

    /// By the hour's start (µs since the epoch).
    public var hours: [Int64: SeqRange] = [:]
    /// Events other than probes, in log order.
    public var others: [(type: EventType, seq: UInt64)] = []

    public init() {}

    /// The pieces of a batch whose first event gets `first`.
    public init(_ batch: ChunkBuilder, first: UInt64) {
        // A batch's events are nearly all of one hour: its range grows in locals, and goes into
        // the table when the hour changes (a few times a batch at most).
        var hour = Int64.min, low = UInt64.max, high: UInt64 = 0
        var k = 0
        batch.times.withUnsafeBufferPointer { times in
            for i in 0..<times.count {
                let seq = first + UInt64(i)
                let start = times[i].floorDivided(by: EventIndexPieces.hour).0 * EventIndexPieces.hour
                if start != hour {
                    if hour != .min { merge(hour, SeqRange(min: low, max: high)) }
                    hour = start
                    low = seq
                    high = seq
                } else {
                    high = seq  // seqs only grow
                }
                if batch.stream[i] == ChunkBuilder.otherMarker {
                    others.append((batch.others[k].type, seq))
                    k += 1
                }
            }
        }
        if hour != .min { merge(hour, SeqRange(min: low, max: high)) }
    }

    /// The pieces of a decoded record's events from index `first` through sequence number
    /// `last` (a replay's work, on the record's columns: no event is made but the others).
    public init(_ chunk: DecodedChunk, from first: Int = 0, through last: UInt64 = .max) {
        let end = last >= chunk.lastSeq ? chunk.count
            : last < chunk.firstSeq ? first : max(first, Int(last - chunk.firstSeq) + 1)
        guard first < end else { return }
        // The columns, hoisted (as in Projection.apply(_:from:limit:through:)); the hour's range
        // grows in locals while the events stay in one hour, as in the batch's init.
        let times = chunk.series.map(\.times)
        let otherStream = UInt32(chunk.series.count)
        var hour = Int64.min, hourEnd = Int64.min, low = UInt64.max, high: UInt64 = 0
        for i in first..<end {
            let seq = chunk.firstSeq + UInt64(i)
            let s = chunk.streamOfEvent[i]
            let k = Int(chunk.indexInStream[i])
            let t: Int64
            if s == otherStream {
                let e = chunk.others[k]
                t = e.time.microseconds
                if e.type != .probe { others.append((e.type, seq)) }
            } else {
                t = times[Int(s)][k]
            }
            if t >= hour && t < hourEnd {
                high = seq  // seqs only grow
                continue
            }
            if hour != .min { merge(hour, SeqRange(min: low, max: high)) }
            hour = t.floorDivided(by: EventIndexPieces.hour).0 * EventIndexPieces.hour
            hourEnd = hour &+ EventIndexPieces.hour
            low = seq
            high = seq
        }
        if hour != .min { merge(hour, SeqRange(min: low, max: high)) }
    }

    mutating func merge(_ start: Int64, _ r: SeqRange) {
        if let mine = hours[start] {
            hours[start] = SeqRange(min: Swift.min(mine.min, r.min), max: Swift.max(mine.max, r.max))
        } else {
            hours[start] = r
        }
    }

    public mutating func add(seq: UInt64, time: Int64, type: EventType) {
        let start = time.floorDivided(by: EventIndexPieces.hour).0 * EventIndexPieces.hour
        if let r = hours[start] {
            hours[start] = SeqRange(min: Swift.min(r.min, seq), max: Swift.max(r.max, seq))
        } else {
            hours[start] = SeqRange(min: seq, max: seq)
        }
        if type != .probe { others.append((type, seq)) }
    }

    public mutating func add(_ other: EventIndexPieces) {
        for (start, r) in other.hours { merge(start, r) }
        others += other.others
    }

    public static func == (a: EventIndexPieces, b: EventIndexPieces) -> Bool {
        a.hours == b.hours && a.others.elementsEqual(b.others) { $0.type == $1.type && $0.seq == $1.seq }
    }
}

extension EventType {
    /// The type's byte in the event index's keys: stored, so never renumbered.
    public var indexCode: UInt8 {
        switch self {
        case .probe: 0
        case .speedtest: 1
        case .link: 2
        case .trace: 3
        case .monitor: 4
        case .job: 5
        case .note: 6
        case .clock: 7
        case .notify: 8
        }
    }
}
