/// The views of views.md, kept up to date one event at a time in log order.
///
/// `apply` is the only way state changes, and it depends on nothing but the
/// events, so a projection kept while events arrive equals one rebuilt from the
/// log (`ispmon replay`). What can change in hindsight (a DNS outage turns out to
/// overlap a connectivity outage whose start is backdated; the cause of an open
/// outage) is derived when asked, from interval histories kept here.
public struct Projection: Sendable {
    public struct Options: Hashable, Sendable {
        /// Consecutive failures before a target is down.
        public var downAfter = 3
        public init(downAfter: Int = 3) { self.downAfter = max(1, downAfter) }
    }

    public enum Condition: String, Sendable, Hashable { case unknown, up, down }

    public struct Target: Hashable, Sendable {
        public var name: String
        public var role: Role
        public var method: ProbeMethod
        public var state: Condition = .unknown
        /// When the current state began (for `down`, the first failure of the run).
        public var since: Int64?
        public var lastRTT: Int64?
        var failures = 0
        var runStart: Int64 = 0
        public var down = IntervalTrack()
    }

    public struct Interface: Hashable, Sendable {
        public var name: String
        public var up: Bool?
        public var down = IntervalTrack()
    }

    /// A layer's history: when it was known (some target not unknown) and down (every known target down).
    public struct LayerTrack: Hashable, Sendable {
        public var known = IntervalTrack()
        public var down = IntervalTrack()
    }

    public enum Layer: String, Sendable, Hashable, CaseIterable {
        case local, device, gateway, isp, internet, dns
        init(_ role: Role) {
            switch role {
            case .device: self = .device
            case .gateway: self = .gateway
            case .isp: self = .isp
            case .internet: self = .internet
            case .dns: self = .dns
            }
        }
    }

    public struct NoteRecord: Hashable, Sendable {
        public var outage: String
        public var time: Int64
        public var text: String
    }

    public struct SpeedTestRecord: Hashable, Sendable {
        public var seq: UInt64
        public var time: Int64
        public var test: SpeedTest
    }

    public let options: Options
    /// Targets by slot (a slot is found once per chunk series, not once per event).
    var slots: [Target] = []
    var slotIndex: [String: Int] = [:]
    /// Per slot: finished hours, and the hour being filled (kept apart so that the hot
    /// path touches no dictionary).
    var finishedHours: [[Int64: HourStats]] = []
    var currentHour: [(start: Int64, stats: HourStats)?] = []

    public var targets: [String: Target] {
        Dictionary(uniqueKeysWithValues: slots.map { ($0.name, $0) })
    }

    /// Per target, per UTC hour (µs since the epoch of the hour's start).
    public var hours: [String: [Int64: HourStats]] {
        var result: [String: [Int64: HourStats]] = [:]
        for (i, t) in slots.enumerated() {
            var h = finishedHours[i]
            if let c = currentHour[i] { h[c.start, default: HourStats()].append(c.stats) }
            if !h.isEmpty { result[t.name] = h }
        }
        return result
    }
    public private(set) var interfaces: [String: Interface] = [:]
    public private(set) var layers: [Layer: LayerTrack] = [:]
    public private(set) var notes: [NoteRecord] = []
    public private(set) var speedTests: [SpeedTestRecord] = []
    public private(set) var monitorState: MonitorState.State?
    public private(set) var lastSeq: UInt64 = 0
    /// Time of the newest event: open outages last until then.
    public private(set) var newestTime: Int64?

    public init(options: Options = Options()) {
        self.options = options
        for l in Layer.allCases { layers[l] = LayerTrack() }
    }

    // MARK: Applying events

    public mutating func apply(_ e: Event, seq: UInt64) {
        let t = e.time.microseconds
        lastSeq = seq
        newestTime = max(newestTime ?? t, t)
        switch e.body {
        case .probe(let p): apply(p, at: t)
        case .link(let l): apply(l, at: t)
        case .monitor(let m):
            monitorState = m.state
            if m.state == .stopped { stopWatching(at: t) }
        case .note(let n): notes.append(NoteRecord(outage: n.outage, time: t, text: n.text))
        case .speedtest(let s): speedTests.append(SpeedTestRecord(seq: seq, time: t, test: s))
        case .trace, .job: break
        }
    }

    mutating func apply(_ p: Probe, at t: Int64) {
        let slot = self.slot(p.target, p.role, p.method)
        var rtt: Int64?
        if case .ok(let r) = p.outcome { rtt = r }
        applyProbe(slot: slot, role: p.role, method: p.method, at: t, rtt: rtt)
    }

    mutating func slot(_ name: String, _ role: Role, _ method: ProbeMethod) -> Int {
        if let i = slotIndex[name] { return i }
        slots.append(Target(name: name, role: role, method: method))
        finishedHours.append([:])
        currentHour.append(nil)
        slotIndex[name] = slots.count - 1
        return slots.count - 1
    }

    /// One probe result (`rtt` nil for a failure) of the target in `slot`.
    mutating func applyProbe(slot: Int, role: Role, method: ProbeMethod, at t: Int64, rtt: Int64?) {
        let oldLayer = Layer(slots[slot].role)
        let oldState = slots[slot].state
        slots[slot].role = role
        slots[slot].method = method
        if let rtt {
            if oldState == .down { slots[slot].down.finish(at: t) }
            if oldState != .up { slots[slot].since = t }
            slots[slot].state = .up
            slots[slot].failures = 0
            slots[slot].lastRTT = rtt
        } else {
            if slots[slot].failures == 0 { slots[slot].runStart = t }
            slots[slot].failures += 1
            if slots[slot].failures >= options.downAfter && oldState != .down {
                slots[slot].state = .down
                slots[slot].since = slots[slot].runStart
                slots[slot].down.begin(at: slots[slot].runStart)
            }
        }
        // A layer changes only when one of its targets changes state (or role).
        let newLayer = Layer(role)
        if slots[slot].state != oldState || oldLayer != newLayer { updateLayer(newLayer, at: t) }
        if oldLayer != newLayer { updateLayer(oldLayer, at: t) }

        let hour = t.floorDivided(by: 3_600_000_000).0 * 3_600_000_000
        if currentHour[slot]?.start != hour {
            if let done = currentHour[slot] { finishedHours[slot][done.start, default: HourStats()].append(done.stats) }
            currentHour[slot] = (hour, HourStats())
        }
        currentHour[slot]!.stats.add(rtt: rtt)
    }

    /// Applies the events of a decoded chunk from index `first`, skipping those after
    /// `limit`: the same as applying its events one by one, without materializing them.
    public mutating func apply(_ chunk: DecodedChunk, from first: Int = 0, limit: Int64 = .max) {
        let slotOf = chunk.series.map { slot($0.target, $0.role, $0.method) }
        let otherStream = UInt32(chunk.series.count)
        for i in first..<chunk.count {
            let s = chunk.streamOfEvent[i]
            let k = Int(chunk.indexInStream[i])
            let seq = chunk.firstSeq + UInt64(i)
            if s == otherStream {
                let e = chunk.others[k]
                if e.time.microseconds <= limit { apply(e, seq: seq) }
                continue
            }
            let series = chunk.series[Int(s)]
            let t = series.times[k]
            guard t <= limit else { continue }
            lastSeq = seq
            newestTime = max(newestTime ?? t, t)
            applyProbe(slot: slotOf[Int(s)], role: series.role, method: series.method, at: t,
                       rtt: series.outcome[k] == 0 ? series.rtt[k] : nil)
        }
    }

    mutating func apply(_ l: Link, at t: Int64) {
        var i = interfaces[l.interface] ?? Interface(name: l.interface)
        i.up = l.up
        if l.up { i.down.finish(at: t) } else { i.down.begin(at: t) }
        interfaces[l.interface] = i
        let known = interfaces.values.filter { $0.up != nil }
        setLayer(.local, known: !known.isEmpty, down: !known.isEmpty && known.allSatisfy { $0.up == false },
                 downStart: t, at: t)
    }

    /// Recomputes a role layer after one of its targets changed at `t`.
    mutating func updateLayer(_ layer: Layer, at t: Int64) {
        var known = false
        var allDown = true
        var downStart = Int64.min
        var knownStart = Int64.max
        for target in slots where Layer(target.role) == layer && target.state != .unknown {
            known = true
            knownStart = min(knownStart, target.since ?? t)
            if target.state == .down {
                downStart = max(downStart, target.since ?? t)  // the intersection starts at the latest start
            } else {
                allDown = false
            }
        }
        setLayer(layer, known: known, down: known && allDown, downStart: downStart, at: t, knownStart: knownStart)
    }

    mutating func setLayer(_ layer: Layer, known: Bool, down: Bool, downStart: Int64, at t: Int64, knownStart: Int64? = nil) {
        var track = layers[layer] ?? LayerTrack()
        if known { track.known.begin(at: min(t, knownStart ?? t)) } else { track.known.finish(at: t) }
        if down { track.down.begin(at: min(t, downStart)) } else { track.down.finish(at: t) }
        layers[layer] = track
    }

    /// `monitor stopped`: nothing is known about the time until the next start.
    mutating func stopWatching(at t: Int64) {
        for i in slots.indices {
            slots[i].down.finish(at: t)
            slots[i].state = .unknown
            slots[i].since = t
            slots[i].failures = 0
        }
        for name in interfaces.keys {
            interfaces[name]!.down.finish(at: t)
            interfaces[name]!.up = nil
        }
        for l in Layer.allCases {
            layers[l]!.known.finish(at: t)
            layers[l]!.down.finish(at: t)
        }
    }
}
