/// The stored form of the views: one small record per target, interface,
/// interval, target-hour, note and speed test, so that a commit rewrites only
/// what its events changed and a query reads only what it needs.
///
/// Keys sort so that each kind, and each target's hours, is one key range:
///
/// | key | value |
/// |---|---|
/// | `M` view name | definition version, sequence number reflected, `down_after` |
/// | `G` | newest sequence number and time, monitor state, newest recorded time (not a note's), open clock stretch (absent when none) |
/// | `T` target | role, method, state, since, last RTT, failure run |
/// | `F` interface | up / down / unknown |
/// | `I` track, position (BE u32) | interval start, end |
/// | `H` target 0x00 hour (BE, sign flipped) | ``HourStats`` |
/// | `N` seq (BE u64) | note |
/// | `S` seq (BE u64) | speed test |
public enum ViewRecords {
    /// The views a store keeps, each with its own definition version: when this
    /// ispmon defines a view differently from the one that stored it, the view
    /// is rebuilt from the log.
    public enum View: String, Sendable, CaseIterable, Hashable {
        /// Target and layer states, outages with causes and culprits, notes (`status`, `outages`).
        case outages
        /// Hourly latency per target (`latency`).
        case latency
        /// Speed tests (`speedtests`).
        case speedtests

        public var definitionVersion: UInt32 {
            switch self {
            case .outages: 3  // 2: the monitored intervals; 3: notes never stretch them (the newest recorded time), and the no-route spans (rule 0 of the cause)
            case .latency: 1
            case .speedtests: 1
            }
        }

        /// Key prefixes of the view's records (besides its `M` record).
        public var prefixes: [UInt8] {
            switch self {
            case .outages: [Kind.globals, Kind.target, Kind.interface, Kind.interval, Kind.note]
            case .latency: [Kind.hour]
            case .speedtests: [Kind.speedTest]
            }
        }
    }

    enum Kind {
        static let meta = UInt8(ascii: "M")
        static let globals = UInt8(ascii: "G")
        static let target = UInt8(ascii: "T")
        static let interface = UInt8(ascii: "F")
        static let interval = UInt8(ascii: "I")
        static let hour = UInt8(ascii: "H")
        static let note = UInt8(ascii: "N")
        static let speedTest = UInt8(ascii: "S")
    }

    /// A view's bookkeeping record.
    public struct Meta: Hashable, Sendable {
        public var definitionVersion: UInt32
        /// The newest event the view reflects.
        public var seq: UInt64
        public var options: Projection.Options
        public init(definitionVersion: UInt32, seq: UInt64, options: Projection.Options) {
            self.definitionVersion = definitionVersion
            self.seq = seq
            self.options = options
        }
    }

    // MARK: Keys

    public static func metaKey(_ view: View) -> [UInt8] { [Kind.meta] + Array(view.rawValue.utf8) }
    public static let globalsKey: [UInt8] = [Kind.globals]
    static func targetKey(_ name: String) -> [UInt8] { [Kind.target] + Array(name.utf8) }
    static func interfaceKey(_ name: String) -> [UInt8] { [Kind.interface] + Array(name.utf8) }

    static func trackKey(_ track: ViewChanges.Track) -> [UInt8] {
        switch track {
        case .target(let name): [UInt8(ascii: "t")] + Array(name.utf8) + [0]
        case .interface(let name): [UInt8(ascii: "f")] + Array(name.utf8) + [0]
        case .layerKnown(let l): [UInt8(ascii: "k"), layerCode(l)]
        case .layerDown(let l): [UInt8(ascii: "d"), layerCode(l)]
        case .monitored: [UInt8(ascii: "m"), 0]
        case .noRoute: [UInt8(ascii: "n"), 0]
        case .noRouteAnswered: [UInt8(ascii: "n"), 1]
        }
    }

    static func intervalKey(_ track: ViewChanges.Track, _ position: Int) -> [UInt8] {
        var k = [Kind.interval] + trackKey(track)
        appendBigEndian(UInt64(position), bytes: 4, to: &k)
        return k
    }

    public static func hourKey(_ target: String, _ start: Int64) -> [UInt8] {
        var k = hourPrefix(target)
        appendBigEndian(UInt64(bitPattern: start) ^ (1 << 63), bytes: 8, to: &k)
        return k
    }

    /// The start of the hour an hour record's key names (its last 8 bytes); nil for another key.
    public static func hourStart(_ key: UnsafeRawBufferPointer) -> Int64? {
        guard key.count >= 10, key[0] == Kind.hour else { return nil }
        var v: UInt64 = 0
        for b in key[(key.count - 8)...] { v = v << 8 | UInt64(b) }
        return Int64(bitPattern: v ^ (1 << 63))
    }

    /// The key range of one target's hours (all targets' when nil).
    public static func hourPrefix(_ target: String?) -> [UInt8] {
        guard let target else { return [Kind.hour] }
        return [Kind.hour] + Array(target.utf8) + [0]
    }

    static func seqKey(_ kind: UInt8, _ seq: UInt64) -> [UInt8] {
        var k = [kind]
        appendBigEndian(seq, bytes: 8, to: &k)
        return k
    }

    static func appendBigEndian(_ v: UInt64, bytes n: Int, to k: inout [UInt8]) {
        for i in stride(from: n - 1, through: 0, by: -1) { k.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
    }

    static let layers = Projection.Layer.allCases
    static func layerCode(_ l: Projection.Layer) -> UInt8 { UInt8(layers.firstIndex(of: l) ?? 0) }

    // MARK: Writing

    /// Whether records of this kind change with (nearly) every commit: the store keeps
    /// those in a small database of their own, so a commit dirties few pages.
    public static func isHot(_ key: [UInt8]) -> Bool {
        guard let kind = key.first else { return false }
        return kind == Kind.meta || kind == Kind.globals || kind == Kind.target || kind == Kind.interface
    }

    /// The records a set of changes puts (hours excepted: see ``hourValue``).
    /// Records for views not in `views` are left out.
    public static func records(_ c: ViewChanges, views: Set<View>) -> [(key: [UInt8], value: [UInt8])] {
        var out: [(key: [UInt8], value: [UInt8])] = []
        if views.contains(.outages) {
            var g: [UInt8] = []
            g.appendVarint(c.lastSeq)
            appendOptional(c.newestTime, to: &g)
            // A reload leaves the state as the run's start set it: never stored as such.
            g.append(c.monitorState.map { $0 == .stopped ? 2 : 1 } ?? 0)
            appendOptional(c.newestRecorded, to: &g)
            if let first = c.openClockStretch { g.appendVarint(first) }
            out.append((globalsKey, g))
            for t in c.targets {
                var v: [UInt8] = [t.role.rawValue, t.method.rawValue, conditionCode(t.state)]
                appendOptional(t.since, to: &v)
                appendOptional(t.lastRTT, to: &v)
                v.appendVarint(UInt64(t.failures))
                v.appendZigzag(t.runStart)
                out.append((targetKey(t.name), v))
            }
            for f in c.interfaces {
                out.append((interfaceKey(f.name), [f.up.map { $0 ? 1 : 2 } ?? 0]))
            }
            for (track, position, interval) in c.intervals {
                var v: [UInt8] = []
                v.appendZigzag(interval.start)
                appendOptional(interval.end, to: &v)
                out.append((intervalKey(track, position), v))
            }
            for n in c.notes {
                var v: [UInt8] = []
                v.appendZigzag(n.time)
                v.appendLengthPrefixed(n.outage)
                v.appendLengthPrefixed(n.text)
                out.append((seqKey(Kind.note, n.seq), v))
            }
        }
        if views.contains(.speedtests) {
            for s in c.speedTests {
                var v: [UInt8] = []
                v.appendZigzag(s.time)
                v.appendLengthPrefixed(s.test.server)
                switch s.test.outcome {
                case let .ok(down, up):
                    v.append(0)
                    v.appendUInt64LE(down.bitPattern)
                    v.appendUInt64LE(up.bitPattern)
                case let .failed(error):
                    v.append(1)
                    v.appendLengthPrefixed(error)
                }
                appendOptional(s.test.rtt, to: &v)
                out.append((seqKey(Kind.speedTest, s.seq), v))
            }
        }
        return out
    }

    public static func metaValue(_ m: Meta) -> [UInt8] {
        var v: [UInt8] = []
        v.appendVarint(UInt64(m.definitionVersion))
        v.appendVarint(m.seq)
        v.appendVarint(UInt64(m.options.downAfter))
        return v
    }

    public static func hourValue(_ h: HourStats) -> [UInt8] {
        var v: [UInt8] = []
        v.appendVarint(h.sent)
        v.appendVarint(h.lost)
        v.appendZigzag(h.minRTT)
        v.appendZigzag(h.maxRTT)
        v.appendZigzag(h.sumRTT)
        appendOptional(h.firstRTT, to: &v)
        appendOptional(h.lastRTT, to: &v)
        v.appendZigzag(h.jitterSum)
        v.appendVarint(h.jitterCount)
        v.appendVarint(UInt64(h.sketch.indexes.count))
        var previous: UInt16 = 0
        for (index, count) in zip(h.sketch.indexes, h.sketch.counts) {
            v.appendVarint(UInt64(index - previous))
            v.appendVarint(UInt64(count))
            previous = index
        }
        return v
    }

    static func appendOptional(_ x: Int64?, to v: inout [UInt8]) {
        guard let x else { return v.append(0) }
        v.append(1)
        v.appendZigzag(x)
    }

    static func conditionCode(_ c: Projection.Condition) -> UInt8 {
        switch c {
        case .unknown: 0
        case .up: 1
        case .down: 2
        }
    }

    // MARK: Reading

    public static func meta(_ value: UnsafeRawBufferPointer) throws(CorruptData) -> Meta {
        var r = ByteReader(value)
        let version = try r.varint()
        let seq = try r.varint()
        let downAfter = try r.count(max: 1 << 20)
        guard version <= UInt64(UInt32.max), r.isAtEnd else { throw CorruptData("bad view record") }
        return Meta(definitionVersion: UInt32(version), seq: seq, options: Projection.Options(downAfter: downAfter))
    }

    public static func hour(_ value: UnsafeRawBufferPointer) throws(CorruptData) -> HourStats {
        var r = ByteReader(value)
        var h = HourStats()
        h.sent = try r.varint()
        h.lost = try r.varint()
        h.minRTT = try r.zigzag()
        h.maxRTT = try r.zigzag()
        h.sumRTT = try r.zigzag()
        h.firstRTT = try optional(&r)
        h.lastRTT = try optional(&r)
        h.jitterSum = try r.zigzag()
        h.jitterCount = try r.varint()
        let n = try r.count(max: min(Int(UInt16.max) + 1, r.remaining / 2))
        h.sketch.reserveCapacity(n)
        var index: UInt64 = 0
        var total: UInt64 = 0
        for _ in 0..<n {
            index += try r.varint()
            let count = try r.varint()
            guard index <= UInt64(UInt16.max), count <= UInt64(UInt32.max) else { throw CorruptData("bad latency bucket") }
            try h.sketch.appendBucket(UInt16(index), count: UInt32(count))
            total += count
        }
        guard r.isAtEnd, h.lost <= h.sent, total == h.sent - h.lost else { throw CorruptData("inconsistent hour record") }
        return h
    }

    /// Probes of one target: the sums of `sent` and `lost` over hour records.
    public struct ProbeCount: Hashable, Sendable {
        public var sent: UInt64 = 0
        public var lost: UInt64 = 0
        public init(sent: UInt64 = 0, lost: UInt64 = 0) { (self.sent, self.lost) = (sent, lost) }

        public mutating func add(_ other: ProbeCount) {
            sent += other.sent
            lost += other.lost
        }
    }

    /// Sums hour records per target reading only the first two numbers of each (`sent`,
    /// `lost`), not the histogram: a metrics scrape wants the counts of every hour, and
    /// decoding every histogram would cost most of the scrape.
    public struct ProbeCounter {
        /// The counts of the targets before the current one.
        var done: [String: ProbeCount] = [:]
        /// Records come in key order, a target's hours together: its name is decoded
        /// once, and its counts summed here before going in the dictionary.
        var lastName: [UInt8] = []
        var lastTarget: String?
        var current = ProbeCount()

        public init() {}

        public var counts: [String: ProbeCount] {
            guard let lastTarget else { return done }
            var all = done
            all[lastTarget, default: ProbeCount()].add(current)
            return all
        }

        public mutating func add(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(CorruptData) {
            guard key.count > 10, key[0] == Kind.hour, key[key.count - 9] == 0 else { throw CorruptData("bad hour key") }
            let name = UnsafeRawBufferPointer(rebasing: key[1..<(key.count - 9)])
            if lastTarget == nil || !name.elementsEqual(lastName) {
                if let lastTarget { done[lastTarget, default: ProbeCount()].add(current) }
                lastTarget = try Loader.string(name)
                lastName = Array(name)
                current = ProbeCount()
            }
            var r = ByteReader(value)
            let sent = try r.varint(), lost = try r.varint()
            guard lost <= sent else { throw CorruptData("inconsistent hour record") }
            current.add(ProbeCount(sent: sent, lost: lost))
        }
    }

    static func optional(_ r: inout ByteReader) throws(CorruptData) -> Int64? {
        switch try r.byte() {
        case 0: return nil
        case 1: return try r.zigzag()
        default: throw CorruptData("bad optional")
        }
    }

    /// Collects stored records, in key order, into a projection.
    public struct Loader {
        var targets: [Projection.Target] = []
        var interfaces: [Projection.Interface] = []
        var tracks: [ViewChanges.Track: (base: Int, intervals: [Interval])] = [:]
        var hours: [String: [Int64: HourStats]] = [:]
        var notes: [Projection.NoteRecord] = []
        var speedTests: [Projection.SpeedTestRecord] = []
        var monitorState: MonitorState.State?
        var lastSeq: UInt64 = 0
        var newestTime: Int64?
        var newestRecorded: Int64?
        var openClockStretch: UInt64?

        public init() {}

        /// Adds one record; a record that cannot be decoded throws, naming its kind.
        public mutating func add(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(CorruptData) {
            guard let kind = key.first else { throw CorruptData("empty view key") }
            var r = ByteReader(value)
            let rest = UnsafeRawBufferPointer(rebasing: key[1...])
            switch kind {
            case Kind.meta: return
            case Kind.globals:
                lastSeq = try r.varint()
                newestTime = try optional(&r)
                switch try r.byte() {
                case 0: monitorState = nil
                case 1: monitorState = .started
                case 2: monitorState = .stopped
                default: throw CorruptData("bad monitor state")
                }
                newestRecorded = try optional(&r)
                openClockStretch = r.isAtEnd ? nil : try r.varint()
            case Kind.target:
                let name = try Loader.string(rest)
                guard let role = Role(rawValue: try r.byte()), let method = ProbeMethod(rawValue: try r.byte()) else {
                    throw CorruptData("bad role or method of target \(name)")
                }
                var t = Projection.Target(name: name, role: role, method: method)
                switch try r.byte() {
                case 0: t.state = .unknown
                case 1: t.state = .up
                case 2: t.state = .down
                default: throw CorruptData("bad state of target \(name)")
                }
                t.since = try optional(&r)
                t.lastRTT = try optional(&r)
                t.failures = try r.count(max: Int(Int32.max))
                t.runStart = try r.zigzag()
                targets.append(t)
            case Kind.interface:
                var f = Projection.Interface(name: try Loader.string(rest))
                switch try r.byte() {
                case 0: f.up = nil
                case 1: f.up = true
                case 2: f.up = false
                default: throw CorruptData("bad state of interface \(f.name)")
                }
                interfaces.append(f)
            case Kind.interval:
                let (track, position) = try Loader.track(rest)
                let start = try r.zigzag()
                let end = try optional(&r)
                var entry = tracks[track] ?? (position, [])
                guard entry.base + entry.intervals.count == position else {
                    throw CorruptData("interval \(position) of \(track) is out of order")
                }
                entry.intervals.append(Interval(start: start, end: end))
                tracks[track] = entry
            case Kind.hour:
                guard let zero = rest.firstIndex(of: 0), rest.count - zero == 9 else { throw CorruptData("bad hour key") }
                let name = try Loader.string(UnsafeRawBufferPointer(rebasing: rest[..<zero]))
                var start: UInt64 = 0
                for b in rest[(zero + 1)...] { start = start << 8 | UInt64(b) }
                hours[name, default: [:]][Int64(bitPattern: start ^ (1 << 63))] = try hour(value)
                return
            case Kind.note:
                let seq = try Loader.seq(rest)
                let time = try r.zigzag()
                let outage = try r.string()
                notes.append(Projection.NoteRecord(seq: seq, outage: outage, time: time, text: try r.string()))
            case Kind.speedTest:
                let seq = try Loader.seq(rest)
                let time = try r.zigzag()
                let server = try r.string()
                let outcome: SpeedTest.Outcome
                switch try r.byte() {
                case 0:
                    outcome = .ok(downMbps: Double(bitPattern: try r.uint64LE()), upMbps: Double(bitPattern: try r.uint64LE()))
                case 1: outcome = .failed(error: try r.string())
                default: throw CorruptData("bad speed test outcome")
                }
                let rtt = try optional(&r)
                speedTests.append(Projection.SpeedTestRecord(seq: seq, time: time, test: SpeedTest(server: server, outcome: outcome, rtt: rtt)))
            default:
                throw CorruptData("unknown view record kind \(kind)")
            }
            guard r.isAtEnd else { throw CorruptData("trailing bytes in a view record") }
        }

        static func string(_ b: UnsafeRawBufferPointer) throws(CorruptData) -> String {
            guard !b.isEmpty, let s = String(validating: b, as: UTF8.self) else { throw CorruptData("bad name in a view key") }
            return s
        }

        static func seq(_ b: UnsafeRawBufferPointer) throws(CorruptData) -> UInt64 {
            guard b.count == 8 else { throw CorruptData("bad view key") }
            return b.reduce(0) { $0 << 8 | UInt64($1) }
        }

        static func track(_ b: UnsafeRawBufferPointer) throws(CorruptData) -> (ViewChanges.Track, Int) {
            guard b.count >= 6 else { throw CorruptData("bad interval key") }
            let position = Int(b[(b.count - 4)...].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            let body = UnsafeRawBufferPointer(rebasing: b[1..<(b.count - 4)])
            switch b[0] {
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                guard body.last == 0 else { throw CorruptData("bad interval key") }
                let name = try Loader.string(UnsafeRawBufferPointer(rebasing: body.dropLast()))
                return (b[0] == UInt8(ascii: "t") ? .target(name) : .interface(name), position)
            case UInt8(ascii: "k"), UInt8(ascii: "d"):
                guard body.count == 1, Int(body[0]) < layers.count else { throw CorruptData("bad interval key") }
                let l = layers[Int(body[0])]
                return (b[0] == UInt8(ascii: "k") ? .layerKnown(l) : .layerDown(l), position)
            case UInt8(ascii: "m"):
                guard body.count == 1, body[0] == 0 else { throw CorruptData("bad interval key") }
                return (.monitored, position)
            case UInt8(ascii: "n"):
                guard body.count == 1, body[0] <= 1 else { throw CorruptData("bad interval key") }
                return (body[0] == 0 ? .noRoute : .noRouteAnswered, position)
            default:
                throw CorruptData("bad interval key")
            }
        }

        /// The projection the records describe.
        public func projection(options: Projection.Options, keepsHistory: Bool) -> Projection {
            func track(_ t: ViewChanges.Track) -> IntervalTrack {
                tracks[t].map { IntervalTrack(intervals: $0.intervals, base: $0.base) } ?? IntervalTrack()
            }
            var layerTracks: [Projection.Layer: Projection.LayerTrack] = [:]
            for l in Projection.Layer.allCases {
                layerTracks[l] = Projection.LayerTrack(known: track(.layerKnown(l)), down: track(.layerDown(l)))
            }
            return Projection(
                options: options, keepsHistory: keepsHistory,
                targets: targets.map { var t = $0; t.down = track(.target(t.name)); return t },
                interfaces: interfaces.map { var f = $0; f.down = track(.interface(f.name)); return f },
                layers: layerTracks, monitored: track(.monitored), noRoute: track(.noRoute),
                noRouteAnswered: track(.noRouteAnswered), hours: hours, notes: notes, speedTests: speedTests,
                monitorState: monitorState, lastSeq: lastSeq, newestTime: newestTime, openClockStretch: openClockStretch,
                newestRecorded: newestRecorded)
        }
    }
}
