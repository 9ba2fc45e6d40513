/// What a projection has to store after applying some events: only what changed.
///
/// The store's writer applies each commit's events to its projection, takes the
/// changes, and writes them as view records in the same transaction as the events.
public struct ViewChanges: Sendable {
    /// Which interval history an interval belongs to.
    public enum Track: Hashable, Sendable {
        case target(String)
        case interface(String)
        case layerKnown(Projection.Layer)
        case layerDown(Projection.Layer)
        /// ``Projection/monitored``.
        case monitored
        /// ``Projection/noRoute``.
        case noRoute
        /// ``Projection/noRouteAnswered``.
        case noRouteAnswered
    }

    /// Targets whose state changed (their `down` tracks travel in `intervals`).
    public var targets: [Projection.Target] = []
    public var interfaces: [Projection.Interface] = []
    /// Intervals begun or ended, with their position in their track.
    public var intervals: [(track: Track, position: Int, interval: Interval)] = []
    /// Hours of latency, each whole: it replaces what is stored. `current` marks each
    /// target's hour being filled (rewritten commit after commit, so stored apart).
    public var hours: [(target: String, start: Int64, stats: HourStats, current: Bool)] = []
    public var notes: [Projection.NoteRecord] = []
    public var speedTests: [Projection.SpeedTestRecord] = []
    public var monitorState: MonitorState.State?
    public var lastSeq: UInt64 = 0
    public var newestTime: Int64?
    /// ``Projection/newestRecorded``.
    public var newestRecorded: Int64?
    /// The first sequence number of the clock stretch open after these changes: while
    /// it is, what these changes write is provisional (noted in ``Projection/stretchUndo``).
    public var openClockStretch: UInt64?
    /// A clock stretch was retimed: put these records back before writing the changes
    /// (they were written at the stretch's recorded times).
    public var restore: ViewUndoLog?
    /// A clock stretch was retimed that the projection knew only from the stored views
    /// (no checkpoint, no undo log): only a rebuild of the views from the log is right.
    public var needsRebuild = false

    public init() {}
}

extension Projection {
    /// Everything changed since the last call (everything, the first time). A
    /// projection without history then forgets what it handed out and no later
    /// event can change: finished hours, notes, speed tests, ended intervals.
    public mutating func takeChanges() -> ViewChanges {
        var c = ViewChanges()
        c.lastSeq = lastSeq
        c.newestTime = newestTime
        c.newestRecorded = newestRecorded
        c.monitorState = monitorState
        c.openClockStretch = stretch?.firstSeq
        c.restore = pendingRestore
        c.needsRebuild = needsRebuild
        pendingRestore = nil
        needsRebuild = false
        let changedSlots = slots.indices.filter { slotChanged[$0] }
        for i in changedSlots {
            slotChanged[i] = false
            c.targets.append(slots[i])
            for (p, interval) in slots[i].down.takeChanged() { c.intervals.append((.target(slots[i].name), p, interval)) }
        }
        for i in interfaceSlots.indices where interfaceChanged[i] {
            interfaceChanged[i] = false
            c.interfaces.append(interfaceSlots[i])
            for (p, interval) in interfaceSlots[i].down.takeChanged() {
                c.intervals.append((.interface(interfaceSlots[i].name), p, interval))
            }
        }
        for l in Layer.allCases {
            guard var track = layers[l] else { continue }
            for (p, interval) in track.known.takeChanged() { c.intervals.append((.layerKnown(l), p, interval)) }
            for (p, interval) in track.down.takeChanged() { c.intervals.append((.layerDown(l), p, interval)) }
            layers[l] = track
        }
        for (p, interval) in monitored.takeChanged() { c.intervals.append((.monitored, p, interval)) }
        for (p, interval) in noRoute.takeChanged() { c.intervals.append((.noRoute, p, interval)) }
        for (p, interval) in noRouteAnswered.takeChanged() { c.intervals.append((.noRouteAnswered, p, interval)) }
        if keepsHistory {
            // Every hour (a full rewrite of the view).
            for (i, slot) in slots.enumerated() {
                for (start, stats) in finishedHours[i] { c.hours.append((slot.name, start, stats, false)) }
                if currentStats[i].sent > 0 { c.hours.append((slot.name, currentStart[i], currentHour(i), true)) }
            }
            c.notes = Array(notes[notesTaken...])
            c.speedTests = Array(speedTests[speedTestsTaken...])
            notesTaken = notes.count
            speedTestsTaken = speedTests.count
        } else {
            for piece in hourPieces { c.hours.append((slots[piece.slot].name, piece.start, piece.stats, false)) }
            hourPieces.removeAll(keepingCapacity: true)
            for i in changedSlots {
                guard currentStats[i].sent > 0 else { continue }
                settleHour(i)
                c.hours.append((slots[i].name, currentStart[i], currentStats[i], true))
            }
            c.notes = notes
            c.speedTests = speedTests
            notes.removeAll()
            speedTests.removeAll()
            dropStoredIntervals()
        }
        return c
    }

    /// Forgets every interval but the newest of each track (only it can still change).
    mutating func dropStoredIntervals() {
        for i in slots.indices { slots[i].down.dropStored() }
        for i in interfaceSlots.indices { interfaceSlots[i].down.dropStored() }
        for l in Layer.allCases {
            layers[l]?.known.dropStored()
            layers[l]?.down.dropStored()
        }
        monitored.dropStored()
        noRoute.dropStored()
        noRouteAnswered.dropStored()
    }

    /// A projection restored from stored views, to answer queries (with history)
    /// or to go on applying events (without).
    public init(
        options: Options, keepsHistory: Bool, targets: [Target], interfaces: [Interface],
        layers: [Layer: LayerTrack], monitored: IntervalTrack = IntervalTrack(), noRoute: IntervalTrack = IntervalTrack(),
        noRouteAnswered: IntervalTrack = IntervalTrack(), hours: [String: [Int64: HourStats]] = [:],
        notes: [NoteRecord] = [], speedTests: [SpeedTestRecord] = [],
        monitorState: MonitorState.State?, lastSeq: UInt64, newestTime: Int64?, openClockStretch: UInt64? = nil,
        newestRecorded: Int64? = nil
    ) {
        self.init(options: options, keepsHistory: keepsHistory)
        for t in targets {
            let i = addSlot(t)
            slotChanged[i] = false
            if let h = hours[t.name] { finishedHours[i] = h }
        }
        for f in interfaces {
            let i = addInterface(f)
            interfaceChanged[i] = false
        }
        for (l, track) in layers { self.layers[l] = track }
        self.monitored = monitored
        self.noRoute = noRoute
        self.noRouteAnswered = noRouteAnswered
        self.notes = notes
        self.speedTests = speedTests
        notesTaken = notes.count
        speedTestsTaken = speedTests.count
        self.monitorState = monitorState
        self.lastSeq = lastSeq
        self.newestTime = newestTime
        self.newestRecorded = newestRecorded
        if let first = openClockStretch, first <= lastSeq {
            // Known by its start only: counted towards the limit, retimed by a rebuild.
            stretch = ClockStretch(checkpoint: nil, firstSeq: first, count: Int(clamping: lastSeq - first + 1))
        }
        if !keepsHistory { dropStoredIntervals() }
    }
}
