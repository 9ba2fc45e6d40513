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
    public private(set) var targets: [String: Target] = [:]
    public private(set) var interfaces: [String: Interface] = [:]
    public private(set) var layers: [Layer: LayerTrack] = [:]
    public private(set) var notes: [NoteRecord] = []
    public private(set) var speedTests: [SpeedTestRecord] = []
    /// Per target, per UTC hour (µs since the epoch of the hour's start).
    public private(set) var hours: [String: [Int64: HourStats]] = [:]
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
        var target = targets[p.target] ?? Target(name: p.target, role: p.role, method: p.method)
        let oldLayer = Layer(target.role)
        target.role = p.role
        target.method = p.method
        switch p.outcome {
        case .ok(let rtt):
            if target.state == .down { target.down.finish(at: t) }
            if target.state != .up { target.since = t }
            target.state = .up
            target.failures = 0
            target.lastRTT = rtt
        case .failed:
            if target.failures == 0 { target.runStart = t }
            target.failures += 1
            if target.failures >= options.downAfter && target.state != .down {
                target.state = .down
                target.since = target.runStart
                target.down.begin(at: target.runStart)
            }
        }
        targets[p.target] = target
        updateLayer(Layer(target.role), at: t)
        if oldLayer != Layer(target.role) { updateLayer(oldLayer, at: t) }

        let hour = t.floorDivided(by: 3_600_000_000).0 * 3_600_000_000
        var rtt: Int64?
        if case .ok(let r) = p.outcome { rtt = r }
        hours[p.target, default: [:]][hour, default: HourStats()].add(rtt: rtt)
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
        for target in targets.values where Layer(target.role) == layer && target.state != .unknown {
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
        for name in targets.keys {
            targets[name]!.down.finish(at: t)
            targets[name]!.state = .unknown
            targets[name]!.since = t
            targets[name]!.failures = 0
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
