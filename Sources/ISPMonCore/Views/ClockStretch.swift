/// The events of a run that started with the clock unsynchronized, from its
/// `monitor started` on, while the views wait for the clock to be set
/// (docs/views.md, "Event time").
///
/// Meanwhile they are applied at their recorded times (so `status` still answers
/// during the outage); when a `clock` event says the clock is synchronized, the
/// projection goes back to the checkpoint taken before the stretch and applies
/// them again at their effective times. A stop, another start or too many events
/// abandon the stretch: its events keep their recorded times.
struct ClockStretch: Sendable {
    /// The projection just before the stretch's `monitor started`. Boxed, so that a
    /// projection holding a stretch stays small to copy and cannot contain itself.
    final class Checkpoint: Sendable {
        let projection: Projection
        init(_ projection: Projection) { self.projection = projection }
    }

    /// Nil for a stretch known only from the stored views (a writer that loaded them
    /// while it was open): it cannot be retimed in memory, so the views are rebuilt.
    let checkpoint: Checkpoint?
    /// The sequence number of its `monitor started`.
    let firstSeq: UInt64
    /// Events in the stretch so far, its `monitor started` included.
    var count: Int
    /// The events, compact: probes without error codes and details, which no view uses.
    var held = ChunkBuilder()
    /// The sequence numbers of the events in `held.others` (an `--as-of` replay skips
    /// events, so they need not be consecutive).
    var otherSeqs: [UInt64] = []
    /// The store's records from before the stretch (for a writer's projection).
    var undo = ViewUndoLog()

    init(checkpoint: Checkpoint?, firstSeq: UInt64, count: Int) {
        self.checkpoint = checkpoint
        self.firstSeq = firstSeq
        self.count = count
    }
}

extension Projection {
    /// A stretch that would hold more events than this is abandoned (about three hours
    /// of ten targets probed every second): memory stays bounded on a machine whose
    /// clock is never set.
    public static let clockStretchLimit = 100_000

    /// The first sequence number of the open clock stretch, if any.
    public var openClockStretch: UInt64? { stretch?.firstSeq }

    /// The undo log of the open stretch, for the store to fill in as it writes records
    /// during it; nil when no stretch is open that this projection can retime.
    public var stretchUndo: ViewUndoLog? {
        get { stretch?.checkpoint == nil ? nil : stretch?.undo }
        set {
            guard let newValue, stretch?.checkpoint != nil else { return }
            stretch?.undo = newValue
        }
    }

    /// A `monitor` or `clock` event: these open, close and end stretches.
    mutating func applyWatchingClock(_ e: Event, seq: UInt64,
                                     storedHourBeforeStretch: (String, Int64, ViewUndoLog) throws -> HourStats?) rethrows {
        let t = e.time.microseconds
        switch e.body {
        case .monitor(let m) where m.state != .reloaded:
            // A stop or another start ends the run with the clock still unsynchronized (a reload goes on with it).
            stretch = nil
            if m.state == .started && m.clock == .unsynchronized {
                var before = self
                before.pendingRestore = nil  // what the store must do belongs to now, not to the checkpoint
                before.needsRebuild = false
                stretch = ClockStretch(checkpoint: ClockStretch.Checkpoint(before), firstSeq: seq, count: 0)
                hold(e, seq: seq)
            }
            applyEvent(e, at: t, seq: seq)
        case .clock(let c):
            guard stretch != nil else { return applyEvent(e, at: t, seq: seq) }
            hold(e, seq: seq)
            guard c.synchronized, let closed = stretch else { return applyEvent(e, at: t, seq: seq) }
            try retime(closed, closing: e, seq: seq, storedHourBefore: storedHourBeforeStretch)
        default:
            if stretch != nil { hold(e, seq: seq) }
            applyEvent(e, at: t, seq: seq)
        }
    }

    /// Adds an event to the open stretch, or abandons the stretch when it is full.
    mutating func hold(_ e: Event, seq: UInt64) {
        guard let count = stretch?.count else { return }
        guard count < Projection.clockStretchLimit else {
            stretch = nil
            return
        }
        stretch?.count = count + 1
        guard stretch?.checkpoint != nil else { return }  // known from the store: counted only
        if case .probe(var p) = e.body {
            p.detail = nil
            stretch?.held.append(Event(time: e.time, body: .probe(p)))
        } else {
            stretch?.held.append(e)
            stretch?.otherSeqs.append(seq)
        }
    }

    /// A probe of the open stretch, from the columnar paths (of a failure's code, only
    /// whether it is `no-route` matters to the views).
    mutating func holdProbe(_ target: String, _ role: Role, _ method: ProbeMethod, at t: Int64, rtt: Int64?, unrouted: Bool, seq: UInt64) {
        let failure = Probe.Outcome.failed(error: unrouted ? Projection.noRouteError : "failed")
        hold(Event(time: Timestamp(microseconds: t), body: .probe(Probe(
            target: target, role: role, method: method, outcome: rtt.map { .ok(rtt: $0) } ?? failure))), seq: seq)
    }

    /// Goes back to the stretch's checkpoint and applies its events again at their
    /// effective times: each at its time plus the steps of the `clock` events after it.
    mutating func retime(_ closed: ClockStretch, closing e: Event, seq closingSeq: UInt64,
                         storedHourBefore: (String, Int64, ViewUndoLog) throws -> HourStats?) rethrows {
        let restore = pendingRestore, rebuild = needsRebuild
        guard let checkpoint = closed.checkpoint else {
            // Its provisional records are in the store, and what was before them is not known here.
            stretch = nil
            needsRebuild = true
            applyEvent(e, at: e.time.microseconds, seq: closingSeq)
            return
        }
        self = checkpoint.projection
        // What the store held at the checkpoint: what this stretch's commits overwrote (when it
        // began in an earlier commit), or what a stretch retimed earlier in this commit did.
        let before = (restore ?? ViewUndoLog()).followed(by: closed.undo)
        pendingRestore = before
        needsRebuild = rebuild
        // The closing event is the last one held: it is applied again too, at its own time.
        let held = closed.held
        var offset = held.others.reduce(Int64(0)) { sum, e in
            if case .clock(let c) = e.body { Projection.saturating(sum, c.step) } else { sum }
        }
        let slotOf = held.seriesKeys.map { slot($0.target, $0.role, $0.method) }
        let noRouteCode = held.noRouteCode
        var other = 0
        for i in 0..<held.count {
            let s = held.stream[i]
            if s == ChunkBuilder.otherMarker {
                let e = held.others[other]
                if case .clock(let c) = e.body { offset = Projection.saturating(offset, -c.step) }
                applyEvent(e, at: Projection.effective(e.time.microseconds, offset), seq: closed.otherSeqs[other])
                other += 1
                continue
            }
            let t = Projection.effective(held.times[i], offset)
            newestTime = max(newestTime ?? t, t)
            recorded(at: t)
            let key = held.seriesKeys[Int(s)]
            let rtt = held.outcome[i] == 0 ? held.rtt[i] : nil
            applyState(slot: slotOf[Int(s)], role: key.role, method: key.method, at: t, rtt: rtt,
                       unrouted: held.outcome[i] != 0 && held.outcome[i] == noRouteCode)
            try addToHour(slot: slotOf[Int(s)], at: t, rtt: rtt, storedHour: { try storedHourBefore($0, $1, before) })
        }
        lastSeq = closingSeq
    }

    static func saturating(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// A recorded time moved by `offset`, kept within the times the export form can write.
    static func effective(_ t: Int64, _ offset: Int64) -> Int64 {
        guard offset != 0 else { return t }
        return min(max(saturating(t, offset), EventJSON.minTime.microseconds), EventJSON.maxTime.microseconds)
    }
}
