/// The views of views.md, kept up to date one event at a time in log order.
///
/// `apply` is the only way state changes, and it depends on nothing but the
/// events, so a projection kept while events arrive equals one rebuilt from the
/// log (`ispmon replay`). What can change in hindsight (a DNS outage turns out to
/// overlap a connectivity outage whose start is backdated; the cause of an open
/// outage) is derived when asked, from interval histories kept here.
///
/// A projection either keeps its whole history in memory (replay, `--as-of`,
/// queries), or, as the store's writer keeps it, only what the next events can
/// change: ``takeChanges()`` hands the rest over to be stored and forgets it.
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
        /// The current run of consecutive failures, and when it began.
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
        /// The layer a target of `role` belongs to.
        public init(_ role: Role) {
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
        public var seq: UInt64
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
    /// False for the store's writer: finished hours, notes, speed tests and old
    /// intervals leave memory through ``takeChanges()``.
    public let keepsHistory: Bool

    /// Targets by slot (a slot is found once per chunk series, not once per event).
    var slots: [Target] = []
    var slotIndex: [String: Int] = [:]
    var slotChanged: [Bool] = []
    /// Per slot: finished hours, and the hour being filled (kept apart so that the hot
    /// path touches no dictionary). Without history, finished hours wait in `hourPieces`
    /// until taken. Every one of them is whole: an hour filled again starts from what
    /// it held.
    var finishedHours: [[Int64: HourStats]] = []
    /// The hour being filled per slot (`Int64.min` before the first) and its stats:
    /// two flat arrays, so that adding a probe mutates the stats in place.
    var currentStart: [Int64] = []
    var currentStats: [HourStats] = []
    /// RTTs of the current hour not yet in `currentStats.sketch` (see ``settleHour``).
    var currentDense: [DenseSketch] = []
    var hourPieces: [(slot: Int, start: Int64, stats: HourStats)] = []

    var interfaceSlots: [Interface] = []
    var interfaceIndex: [String: Int] = [:]
    var interfaceChanged: [Bool] = []
    public internal(set) var layers: [Layer: LayerTrack] = [:]
    /// When the log was monitored (docs/reports.md): from each `monitor started` to the next
    /// `monitor stopped`, or to the newest recorded event before another `started` (an unclean
    /// stop); a log whose first recorded event is not `monitor started` counts from it. Open
    /// while a run lasts (it then lasts to ``newestRecorded``).
    public internal(set) var monitored = IntervalTrack()
    /// Time of the newest event the monitor recorded: every event but a note, which a person
    /// writes, so that a note never stretches a run that ended without a `stopped`.
    public internal(set) var newestRecorded: Int64?
    /// The no-route spans (views.md, rule 0 of the cause): probes that failed with `no-route`
    /// (the kernel had no route: nothing left this machine), then, once the network is back,
    /// probes that answered. A span begins at such a failure and ends, in log order, at a failure
    /// of another kind, or at any failure after an answer. An outage inside one is this machine's
    /// own network.
    public internal(set) var noRoute = IntervalTrack()
    /// The part of each no-route span from its first answer on (the network back): while it
    /// lasts, any failure ends the span.
    public internal(set) var noRouteAnswered = IntervalTrack()
    public internal(set) var notes: [NoteRecord] = []
    public internal(set) var speedTests: [SpeedTestRecord] = []
    /// Notes and speed tests already handed out by ``takeChanges()``.
    var notesTaken = 0
    var speedTestsTaken = 0
    public internal(set) var monitorState: MonitorState.State?
    public internal(set) var lastSeq: UInt64 = 0
    /// Time of the newest event: open outages last until then.
    public internal(set) var newestTime: Int64?
    /// The clock stretch being recorded, if one is open (see ``ClockStretch``).
    var stretch: ClockStretch?
    /// Since the last ``takeChanges()``: the provisional records of retimed stretches,
    /// for the store to put back, and whether a stretch was retimed that only a
    /// rebuild of the views can correct.
    var pendingRestore: ViewUndoLog?
    var needsRebuild = false

    public init(options: Options = Options(), keepsHistory: Bool = true) {
        self.options = options
        self.keepsHistory = keepsHistory
        for l in Layer.allCases { layers[l] = LayerTrack() }
    }

    public var targets: [String: Target] {
        Dictionary(uniqueKeysWithValues: slots.map { ($0.name, $0) })
    }

    public var interfaces: [String: Interface] {
        Dictionary(uniqueKeysWithValues: interfaceSlots.map { ($0.name, $0) })
    }

    /// Per target, per UTC hour (µs since the epoch of the hour's start).
    public var hours: [String: [Int64: HourStats]] {
        var result: [String: [Int64: HourStats]] = [:]
        for (i, t) in slots.enumerated() {
            var h = finishedHours[i]
            if currentStats[i].sent > 0 { h[currentStart[i]] = currentHour(i) }  // whole: see switchHour
            if !h.isEmpty { result[t.name] = h }
        }
        return result
    }

    // MARK: Applying events

    public mutating func apply(_ e: Event, seq: UInt64) {
        apply(e, seq: seq, storedHourBeforeStretch: { _, _, _ in nil })
    }

    /// One event, in a clock stretch or not; `storedHourBeforeStretch` as in ``apply(_:firstSeq:hours:storedHour:storedHourBeforeStretch:)``.
    @inline(__always)
    mutating func apply(_ e: Event, seq: UInt64, storedHourBeforeStretch: (String, Int64, ViewUndoLog) throws -> HourStats?) rethrows {
        switch e.body {
        case .monitor, .clock: try applyWatchingClock(e, seq: seq, storedHourBeforeStretch: storedHourBeforeStretch)
        default:
            if stretch != nil { hold(e, seq: seq) }
            applyEvent(e, at: e.time.microseconds, seq: seq)
        }
    }

    /// Applies one event at `t`: its recorded time, or its effective time when a clock stretch is retimed.
    mutating func applyEvent(_ e: Event, at t: Int64, seq: UInt64) {
        let previousNewest = newestRecorded
        // Notes and notify events are not the monitor watching: what a person wrote, what was sent.
        switch e.body {
        case .note, .notify: break
        default: recorded(at: t)
        }
        lastSeq = seq
        newestTime = max(newestTime ?? t, t)
        switch e.body {
        case .probe(let p): apply(p, at: t)
        case .link(let l): apply(l, at: t)
        case .monitor(let m):
            switch m.state {
            case .stopped:
                monitorState = .stopped
                monitored.finish(at: t)
                stopWatching(at: t)
            case .started:
                monitorState = .started
                // A run still open had no `stopped`: it ended with the newest event before this start.
                if previousNewest != nil { monitored.finish(at: previousNewest ?? t) }
                monitored.begin(at: t)
            case .reloaded:
                retire(m.removed, at: t)  // the run goes on
            }
        case .note(let n): notes.append(NoteRecord(seq: seq, outage: n.outage, time: t, text: n.text))
        case .speedtest(let s): speedTests.append(SpeedTestRecord(seq: seq, time: t, test: s))
        case .trace, .job, .clock, .notify: break
        }
    }

    /// An event the monitor recorded, at `t`: the log's first one begins its monitored time.
    @inline(__always)
    mutating func recorded(at t: Int64) {
        if newestRecorded == nil { monitored.begin(at: t) }
        newestRecorded = max(newestRecorded ?? t, t)
    }

    mutating func apply(_ p: Probe, at t: Int64) {
        let slot = self.slot(p.target, p.role, p.method)
        var rtt: Int64?
        var unrouted = false
        switch p.outcome {
        case .ok(let r): rtt = r
        case .failed(let error): unrouted = error == Projection.noRouteError
        }
        applyProbe(slot: slot, role: p.role, method: p.method, at: t, rtt: rtt, unrouted: unrouted)
    }

    /// The error code of a probe that found no route (views.md, rule 0 of the cause).
    public static let noRouteError = "no-route"

    mutating func slot(_ name: String, _ role: Role, _ method: ProbeMethod) -> Int {
        if let i = slotIndex[name] { return i }
        return addSlot(Target(name: name, role: role, method: method))
    }

    mutating func addSlot(_ target: Target) -> Int {
        slots.append(target)
        slotChanged.append(true)
        finishedHours.append([:])
        currentStart.append(.min)
        currentStats.append(HourStats())
        currentDense.append(DenseSketch())
        slotIndex[target.name] = slots.count - 1
        return slots.count - 1
    }

    /// One probe result (`rtt` nil for a failure; `unrouted` for a `no-route` one) of the target in `slot`.
    @inline(__always)
    mutating func applyProbe(slot: Int, role: Role, method: ProbeMethod, at t: Int64, rtt: Int64?, unrouted: Bool) {
        applyState(slot: slot, role: role, method: method, at: t, rtt: rtt, unrouted: unrouted)
        addToHour(slot: slot, at: t, rtt: rtt) { _, _ in nil }
    }

    /// Counts a probe in its target's hour. `storedHour` gives what the store already
    /// holds for an hour this projection does not (without history, after a restart or
    /// when time goes back), so that every hour it hands out is whole.
    @inline(__always)
    mutating func addToHour(slot: Int, at t: Int64, rtt: Int64?,
                            storedHour: (String, Int64) throws -> HourStats?) rethrows {
        let hour = t.floorDivided(by: 3_600_000_000).0 * 3_600_000_000
        if currentStart[slot] != hour { try switchHour(slot: slot, to: hour, storedHour: storedHour) }
        currentStats[slot].addCounts(rtt: rtt)
        if let rtt { currentDense[slot].add(rtt) }
    }

    /// The target-state rules of views.md for one probe.
    @inline(__always)
    mutating func applyState(slot: Int, role: Role, method: ProbeMethod, at t: Int64, rtt: Int64?, unrouted: Bool) {
        if rtt != nil { noRouteAnswer(at: t) } else if unrouted { noRouteFailure(at: t) } else { endNoRoute(at: t) }
        slotChanged[slot] = true
        let oldState = slots[slot].state
        let oldLayer = Layer(slots[slot].role)
        slots[slot].role = role
        slots[slot].method = method
        if let rtt {
            slots[slot].lastRTT = rtt
            slots[slot].failures = 0
            guard oldState != .up else {
                if oldLayer != Layer(role) { roleChanged(from: oldLayer, to: Layer(role), at: t) }
                return
            }
            if oldState == .down { slots[slot].down.finish(at: t) }
            slots[slot].since = t
            slots[slot].state = .up
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
    }

    /// A `no-route` failure at `t`: a span begins, unless one is on that has had no answer yet.
    @inline(__always)
    mutating func noRouteFailure(at t: Int64) {
        if noRoute.isOn {
            guard noRouteAnswered.isOn else { return }
            endNoRoute(at: t)  // the network was back, and is gone again
        }
        // A span ended at `c` must not hold `c`: a failure recorded after it begins after it.
        let after = noRoute.intervals.last?.end.map { $0 + 1 } ?? t
        noRoute.begin(at: max(t, after))
    }

    /// A probe answered at `t`: in a span (not before it: a result recorded late), the network is back.
    @inline(__always)
    mutating func noRouteAnswer(at t: Int64) {
        guard noRoute.isOn, !noRouteAnswered.isOn, let span = noRoute.intervals.last, span.start <= t else { return }
        noRouteAnswered.begin(at: t)
    }

    /// A failure that ends the span at `t` (also the newest span already ended, when a result
    /// recorded late falls inside it).
    @inline(__always)
    mutating func endNoRoute(at t: Int64) {
        noRoute.cut(at: t)
        if !noRoute.isOn { noRouteAnswered.finish(at: t) }
    }

    mutating func roleChanged(from old: Layer, to new: Layer, at t: Int64) {
        updateLayer(new, at: t)
        updateLayer(old, at: t)
    }

    /// Files the current hour's pending RTTs in its sketch.
    mutating func settleHour(_ slot: Int) {
        currentDense[slot].drain(into: &currentStats[slot].sketch)
    }

    /// The current hour of `slot`, its pending RTTs included.
    func currentHour(_ slot: Int) -> HourStats {
        guard !currentDense[slot].isEmpty else { return currentStats[slot] }
        var h = currentStats[slot]
        h.sketch.merge(currentDense[slot].sketch())
        return h
    }

    /// Puts the hour being filled aside and goes on filling `hour` from what it already holds.
    mutating func switchHour(slot: Int, to hour: Int64, storedHour: (String, Int64) throws -> HourStats?) rethrows {
        settleHour(slot)
        if currentStats[slot].sent > 0 {
            if keepsHistory {
                finishedHours[slot][currentStart[slot]] = currentStats[slot]
            } else {
                hourPieces.append((slot, currentStart[slot], currentStats[slot]))
            }
        }
        var stats: HourStats?
        if keepsHistory {
            stats = finishedHours[slot].removeValue(forKey: hour)
        } else if let i = hourPieces.lastIndex(where: { $0.slot == slot && $0.start == hour }) {
            stats = hourPieces.remove(at: i).stats  // finished in this batch, not stored yet
        } else {
            stats = try storedHour(slots[slot].name, hour)
        }
        currentStart[slot] = hour
        currentStats[slot] = stats ?? HourStats()
    }

    /// Applies the events of a decoded chunk from index `first`, skipping those after
    /// time `limit` and stopping after sequence number `last`: the same as applying its
    /// events one by one, without materializing them.
    public mutating func apply(_ chunk: DecodedChunk, from first: Int = 0, limit: Int64 = .max, through last: UInt64 = .max) {
        var slotOf = chunk.series.map { slot($0.target, $0.role, $0.method) }
        // The columns, hoisted: reading a `Series` per event would copy (retain and
        // release) all of its arrays each time.
        let times = chunk.series.map(\.times), outcomes = chunk.series.map(\.outcome), rtts = chunk.series.map(\.rtt)
        let roles = chunk.series.map(\.role), methods = chunk.series.map(\.method)
        let noRouteCodes = chunk.series.map { s in s.strings.firstIndex(of: Projection.noRouteError).map { UInt32($0 + 1) } ?? 0 }
        let otherStream = UInt32(chunk.series.count)
        let end = last >= chunk.lastSeq ? chunk.count
            : last < chunk.firstSeq ? first : max(first, Int(last - chunk.firstSeq) + 1)
        for i in first..<end {
            let s = chunk.streamOfEvent[i]
            let k = Int(chunk.indexInStream[i])
            let seq = chunk.firstSeq + UInt64(i)
            if s == otherStream {
                let e = chunk.others[k]
                guard e.time.microseconds <= limit else { continue }
                apply(e, seq: seq)
                // A retimed stretch went back to a checkpoint, which may lack slots of this chunk.
                if case .clock = e.body { slotOf = chunk.series.map { slot($0.target, $0.role, $0.method) } }
                continue
            }
            let t = times[Int(s)][k]
            guard t <= limit else { continue }
            lastSeq = seq
            newestTime = max(newestTime ?? t, t)
            recorded(at: t)
            let outcome = outcomes[Int(s)][k]
            let rtt = outcome == 0 ? rtts[Int(s)][k] : nil
            let unrouted = outcome != 0 && outcome == noRouteCodes[Int(s)]
            if stretch != nil {
                holdProbe(chunk.series[Int(s)].target, roles[Int(s)], methods[Int(s)], at: t, rtt: rtt, unrouted: unrouted, seq: seq)
            }
            applyProbe(slot: slotOf[Int(s)], role: roles[Int(s)], method: methods[Int(s)], at: t, rtt: rtt, unrouted: unrouted)
        }
    }

    /// Applies the events of a builder (a batch being committed) as sequence numbers
    /// `firstSeq`… : the same as applying them one by one. `hours`, when given, are the
    /// batch's ``HourPieces`` (computed beforehand, on another thread); `storedHour` as
    /// in ``addToHour``. `storedHourBeforeStretch` gives what the store held for an hour
    /// before a clock stretch being retimed began (the records written during it are
    /// provisional): the stored hour, unless the undo log it is handed notes an older
    /// value. Retiming starts again from there.
    public mutating func apply(_ batch: ChunkBuilder, firstSeq: UInt64, hours givenHours: HourPieces? = nil,
                               storedHour: (String, Int64) throws -> HourStats? = { _, _ in nil },
                               storedHourBeforeStretch: (String, Int64, ViewUndoLog) throws -> HourStats? = { _, _, _ in nil }) rethrows {
        var slotOf = batch.seriesKeys.map { slot($0.target, $0.role, $0.method) }
        // The pieces are of recorded times: a batch that may touch a stretch adds its probes one by one.
        let hours = stretch == nil && !batch.others.contains(where: \.mayTouchClockStretch) ? givenHours : nil
        let noRouteCode = batch.noRouteCode
        // A series' role and method, apart from its key: a key per event was a copy of its name.
        let roles = batch.seriesKeys.map(\.role)
        let methods = batch.seriesKeys.map(\.method)
        var other = 0
        for i in 0..<batch.count {
            let s = batch.stream[i]
            if s == ChunkBuilder.otherMarker {
                let e = batch.others[other]
                try apply(e, seq: firstSeq + UInt64(i), storedHourBeforeStretch: storedHourBeforeStretch)
                // A retimed stretch went back to a checkpoint, which may lack slots of this batch.
                if case .clock = e.body { slotOf = batch.seriesKeys.map { slot($0.target, $0.role, $0.method) } }
                other += 1
                continue
            }
            let t = batch.times[i]
            newestTime = max(newestTime ?? t, t)
            recorded(at: t)
            let rtt = batch.outcome[i] == 0 ? batch.rtt[i] : nil
            let unrouted = batch.outcome[i] != 0 && batch.outcome[i] == noRouteCode
            if stretch != nil {
                let key = batch.seriesKeys[Int(s)]
                holdProbe(key.target, key.role, key.method, at: t, rtt: rtt, unrouted: unrouted, seq: firstSeq + UInt64(i))
            }
            applyState(slot: slotOf[Int(s)], role: roles[Int(s)], method: methods[Int(s)], at: t, rtt: rtt, unrouted: unrouted)
            if hours == nil { try addToHour(slot: slotOf[Int(s)], at: t, rtt: rtt, storedHour: storedHour) }
        }
        if let hours {
            // Hours do not depend on states: appending each series' pieces in order is the
            // same as adding its probes one by one.
            for (series, pieces) in hours.bySeries.enumerated() {
                let slot = slotOf[series]
                for piece in pieces {
                    if currentStart[slot] != piece.start { try switchHour(slot: slot, to: piece.start, storedHour: storedHour) }
                    settleHour(slot)
                    currentStats[slot].append(piece.stats)
                }
            }
        }
        if batch.count > 0 { lastSeq = firstSeq + UInt64(batch.count) - 1 }
    }

    mutating func apply(_ l: Link, at t: Int64) {
        let i: Int
        if let found = interfaceIndex[l.interface] {
            i = found
        } else {
            i = addInterface(Interface(name: l.interface))
        }
        interfaceChanged[i] = true
        interfaceSlots[i].up = l.up
        if l.up { interfaceSlots[i].down.finish(at: t) } else { interfaceSlots[i].down.begin(at: t) }
        updateLocalLayer(at: t)
    }

    /// Recomputes the local layer after an interface changed at `t`.
    mutating func updateLocalLayer(at t: Int64) {
        let known = interfaceSlots.filter { $0.up != nil }
        setLayer(.local, known: !known.isEmpty, down: !known.isEmpty && known.allSatisfy { $0.up == false },
                 downStart: t, at: t)
    }

    mutating func addInterface(_ interface: Interface) -> Int {
        interfaceSlots.append(interface)
        interfaceChanged.append(true)
        interfaceIndex[interface.name] = interfaceSlots.count - 1
        return interfaceSlots.count - 1
    }

    /// Recomputes a role layer after one of its targets changed at `t`. `backdating`: a layer
    /// that turns down or known does so from its targets' own starts (their runs of failures
    /// began before `t`); without it, from `t`.
    mutating func updateLayer(_ layer: Layer, at t: Int64, backdating: Bool = true) {
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
        if !backdating { (downStart, knownStart) = (t, t) }
        setLayer(layer, known: known, down: known && allDown, downStart: downStart, at: t, knownStart: knownStart)
    }

    mutating func setLayer(_ layer: Layer, known: Bool, down: Bool, downStart: Int64, at t: Int64, knownStart: Int64? = nil) {
        var track = layers[layer] ?? LayerTrack()
        if known { track.known.begin(at: min(t, knownStart ?? t)) } else { track.known.finish(at: t) }
        if down { track.down.begin(at: min(t, downStart)) } else { track.down.finish(at: t) }
        layers[layer] = track
    }

    /// `monitor reloaded`: the targets and interfaces it names leave their layers at `t`, as they
    /// would at a stop; nothing else changes (an outage goes on, or ends at `t` when what is left
    /// of its layer is up). A layer that what is left turns down is down from `t`: until then the
    /// removed target answered. A name retires the target and the interface of that name.
    mutating func retire(_ names: [String], at t: Int64) {
        var layersTouched: [Layer] = []
        var localTouched = false
        for name in names {
            if let i = slotIndex[name] {
                slotChanged[i] = true
                slots[i].down.finish(at: t)
                if slots[i].state != .unknown { slots[i].since = t }
                slots[i].state = .unknown
                slots[i].failures = 0
                if !layersTouched.contains(Layer(slots[i].role)) { layersTouched.append(Layer(slots[i].role)) }
            }
            if let i = interfaceIndex[name] {
                interfaceChanged[i] = true
                interfaceSlots[i].down.finish(at: t)
                interfaceSlots[i].up = nil
                localTouched = true
            }
        }
        for layer in layersTouched { updateLayer(layer, at: t, backdating: false) }
        if localTouched { updateLocalLayer(at: t) }
    }

    /// `monitor stopped`: nothing is known about the time until the next start.
    mutating func stopWatching(at t: Int64) {
        noRoute.finish(at: t)
        noRouteAnswered.finish(at: t)
        for i in slots.indices {
            slotChanged[i] = true
            slots[i].down.finish(at: t)
            slots[i].state = .unknown
            slots[i].since = t
            slots[i].failures = 0
        }
        for i in interfaceSlots.indices {
            interfaceChanged[i] = true
            interfaceSlots[i].down.finish(at: t)
            interfaceSlots[i].up = nil
        }
        for l in Layer.allCases {
            layers[l]!.known.finish(at: t)
            layers[l]!.down.finish(at: t)
        }
    }
}

extension ChunkBuilder {
    /// The outcome column's value of a `no-route` failure (0, which no failure has, when there is none).
    var noRouteCode: UInt32 { strings.index[Projection.noRouteError].map { $0 + 1 } ?? 0 }
}

extension Event {
    /// A `monitor` or `clock` event: one that may open, close or end a clock stretch.
    var mayTouchClockStretch: Bool {
        switch body {
        case .monitor, .clock: true
        default: false
        }
    }
}

/// A batch's hourly latency per series, in log order (a new piece each time the
/// hour changes): the costly part of applying a batch, computed by whoever
/// prepares the batch so that the store's writer only appends the pieces.
public struct HourPieces: Sendable {
    var bySeries: [[(start: Int64, stats: HourStats)]]

    public init(_ batch: ChunkBuilder) {
        let n = batch.seriesKeys.count
        bySeries = Array(repeating: [], count: n)
        guard n > 0 else { return }
        // The probes' positions grouped by series (a counting sort), so that the series are
        // filled one after the other with one dense sketch: an RTT is an increment, not a
        // binary search and an insertion in a sparse sketch (most of a submission's cost).
        // The loops run on the buffers: an array written in a loop pays a uniqueness check
        // per element.
        var offsets = [Int](repeating: 0, count: n + 1)
        batch.stream.withUnsafeBufferPointer { st in
            offsets.withUnsafeMutableBufferPointer { off in
                for s in st where s != ChunkBuilder.otherMarker { off[Int(s) + 1] += 1 }
                for s in 0..<n { off[s + 1] += off[s] }
            }
        }
        var order = [Int](repeating: 0, count: offsets[n])
        var fill = offsets
        batch.stream.withUnsafeBufferPointer { st in
            order.withUnsafeMutableBufferPointer { ord in
                fill.withUnsafeMutableBufferPointer { f in
                    for i in st.indices where st[i] != ChunkBuilder.otherMarker {
                        let s = Int(st[i])
                        ord[f[s]] = i
                        f[s] += 1
                    }
                }
            }
        }
        let hour: Int64 = 3_600_000_000
        var dense = DenseSketch()
        batch.times.withUnsafeBufferPointer { times in
        batch.outcome.withUnsafeBufferPointer { outcome in
        batch.rtt.withUnsafeBufferPointer { rtts in
        order.withUnsafeBufferPointer { ord in
            for series in 0..<n {
                var start = Int64.min
                var end = Int64.min  // start + an hour (wrapped near the end of time: then never reached)
                var stats = HourStats()
                for k in offsets[series]..<offsets[series + 1] {
                    let i = ord[k]
                    let t = times[i]
                    if !(t >= start && t < end) {  // only the first probe of each hour divides
                        let h = t.floorDivided(by: hour).0 * hour
                        if h != start {
                            if start != .min {
                                dense.drain(into: &stats.sketch)
                                bySeries[series].append((start, stats))
                            }
                            start = h
                            stats = HourStats()
                        }
                        end = start &+ hour
                    }
                    let rtt = outcome[i] == 0 ? rtts[i] : nil
                    stats.addCounts(rtt: rtt)
                    if let rtt { dense.add(rtt) }
                }
                if start != .min {
                    dense.drain(into: &stats.sketch)
                    bySeries[series].append((start, stats))
                }
            }
        }}}}
    }
}

extension Projection {
    /// A layer's state now: unknown, up, or down.
    public func condition(of layer: Layer) -> Condition {
        guard let track = layers[layer], track.known.isOn else { return .unknown }
        return track.down.isOn ? .down : .up
    }
}
