extension Projection {
    /// How `self` (stored views) differs from `replayed` (a fresh replay of the same
    /// log), one line per difference naming the view and what differs; empty when
    /// they agree. Stops after `limit` lines.
    public func differences(from replayed: Projection, limit: Int = 20) -> [String] {
        var out: [String] = []
        func note(_ view: String, _ what: String, _ stored: some Any, _ replay: some Any) {
            if out.count < limit { out.append("\(view) view: \(what) is \(stored) in the store, \(replay) on replay") }
        }
        func time(_ t: Int64?) -> String { t.map { Timestamp(microseconds: $0).description } ?? "none" }

        if lastSeq != replayed.lastSeq { note("outages", "the newest sequence number", lastSeq, replayed.lastSeq) }
        if newestTime != replayed.newestTime { note("outages", "the newest time", time(newestTime), time(replayed.newestTime)) }
        if newestRecorded != replayed.newestRecorded {
            note("outages", "the newest recorded time", time(newestRecorded), time(replayed.newestRecorded))
        }
        if monitorState != replayed.monitorState {
            note("outages", "the monitor state", monitorState?.rawValue ?? "none", replayed.monitorState?.rawValue ?? "none")
        }
        if openClockStretch != replayed.openClockStretch {
            func show(_ s: UInt64?) -> String { s.map { "open from event \($0)" } ?? "none" }
            note("outages", "the clock stretch", show(openClockStretch), show(replayed.openClockStretch))
        }
        let mine = targets, theirs = replayed.targets
        for name in Set(mine.keys).union(theirs.keys).sorted() {
            guard let a = mine[name], let b = theirs[name] else {
                note("outages", "target \(name)", mine[name] == nil ? "missing" : "present", theirs[name] == nil ? "missing" : "present")
                continue
            }
            if a.role != b.role || a.method != b.method {
                note("outages", "the role/method of target \(name)", "\(a.role.name)/\(a.method.name)", "\(b.role.name)/\(b.method.name)")
            }
            if a.state != b.state || a.since != b.since {
                note("outages", "the state of target \(name)", "\(a.state.rawValue) since \(time(a.since))", "\(b.state.rawValue) since \(time(b.since))")
            }
            if a.lastRTT != b.lastRTT { note("outages", "the last RTT (µs) of target \(name)", a.lastRTT ?? -1, b.lastRTT ?? -1) }
            if a.failures != b.failures || a.runStart != b.runStart {
                note("outages", "the failure run of target \(name)", "\(a.failures) from \(time(a.runStart))", "\(b.failures) from \(time(b.runStart))")
            }
            compare("outages", "down intervals of target \(name)", a.down, b.down, note)
        }
        let myInterfaces = interfaces, theirInterfaces = replayed.interfaces
        for name in Set(myInterfaces.keys).union(theirInterfaces.keys).sorted() {
            let a = myInterfaces[name], b = theirInterfaces[name]
            if a?.up != b?.up { note("outages", "interface \(name)", String(describing: a?.up), String(describing: b?.up)) }
            compare("outages", "down intervals of interface \(name)", a?.down ?? IntervalTrack(), b?.down ?? IntervalTrack(), note)
        }
        for l in Layer.allCases {
            let a = layers[l] ?? LayerTrack(), b = replayed.layers[l] ?? LayerTrack()
            compare("outages", "known intervals of layer \(l.rawValue)", a.known, b.known, note)
            compare("outages", "down intervals of layer \(l.rawValue)", a.down, b.down, note)
        }
        compare("outages", "monitored intervals", monitored, replayed.monitored, note)
        compare("outages", "no-route spans", noRoute, replayed.noRoute, note)
        compare("outages", "answers in no-route spans", noRouteAnswered, replayed.noRouteAnswered, note)
        if notes != replayed.notes { note("outages", "the notes", "\(notes.count) notes", "\(replayed.notes.count) notes (or other texts)") }
        if speedTests != replayed.speedTests {
            note("speedtests", "the speed tests", "\(speedTests.count) tests", "\(replayed.speedTests.count) tests (or other values)")
        }
        let myHours = hours, theirHours = replayed.hours
        for name in Set(myHours.keys).union(theirHours.keys).sorted() {
            let a = myHours[name] ?? [:], b = theirHours[name] ?? [:]
            for start in Set(a.keys).union(b.keys).sorted() where a[start] != b[start] {
                let sa = a[start], sb = b[start]
                note("latency", "target \(name), hour \(time(start))",
                     sa.map { "sent \($0.sent) lost \($0.lost) avg \($0.avgMs.map { String($0) } ?? "-") ms" } ?? "missing",
                     sb.map { "sent \($0.sent) lost \($0.lost) avg \($0.avgMs.map { String($0) } ?? "-") ms" } ?? "missing")
            }
        }
        return out
    }

    private func compare(_ view: String, _ what: String, _ a: IntervalTrack, _ b: IntervalTrack,
                         _ note: (String, String, String, String) -> Void) {
        guard a != b else { return }
        func show(_ t: IntervalTrack) -> String {
            let last = t.intervals.last.map { i in
                "[\(Timestamp(microseconds: i.start)), \(i.end.map { Timestamp(microseconds: $0).description } ?? "open"))"
            } ?? "none"
            return "\(t.count) intervals, the last \(last)"
        }
        note(view, what, show(a), show(b))
    }
}
