import Testing
@testable import ISPMonCore

/// An internet target a reload removes.
private let gone = ("gone", Role.internet)

/// `monitor reloaded` (events.md): its JSON and stored forms, and what the views make of it
/// (views.md, "Reloads"): what it removed leaves its layers, nothing else changes.
@Suite struct ReloadedEventTests {
    static let line = #"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"reloaded","version":"0.3.0","removed":["dead","eth1"]}"#

    @Test func itsJSONRoundTrips() throws {
        let e = try parse(Self.line)
        #expect(e.body == .monitor(MonitorState(state: .reloaded, version: "0.3.0", removed: ["dead", "eth1"])))
        #expect(exported(e, seq: nil) == #"{"time":"2026-03-01T14:30:00.000000Z","type":"monitor","state":"reloaded","version":"0.3.0","removed":["dead","eth1"]}"# + "\n")
        let none = try parse(#"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"reloaded","removed":[]}"#)
        #expect(none.body == .monitor(MonitorState(state: .reloaded)))
        #expect(exported(none, seq: nil).contains(#""removed":[]"#), "written even when empty: it is required")
    }

    @Test(arguments: [
        (#"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"reloaded"}"#, "missing required field \"removed\""),
        (#"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"started","removed":[]}"#, "only allowed when state is reloaded"),
        (#"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"reloaded","removed":"dead"}"#, "must be an array"),
        (#"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"reloaded","removed":["a b"]}"#, "removed[0] must be a target or interface name"),
        (#"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"reloaded","removed":[1]}"#, "removed[0] must be a target or interface name"),
        (#"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"reloaded","removed":[],"clock":"synchronized"}"#, "only allowed when state is started"),
        (#"{"time":"2026-03-01T14:30:00Z","type":"monitor","state":"restarted"}"#, "is not started, stopped or reloaded"),
    ])
    func badLinesAreRefused(line: String, expected: String) {
        let why = reason(line)
        #expect(why?.contains(expected) == true, "\(why ?? "accepted")")
    }

    @Test func theChunkCodecKeepsItAndReadsOlderRows() throws {
        let events = [
            Event(time: Timestamp(microseconds: 1_000), body: .monitor(MonitorState(state: .started, version: "0.3.0", clock: .synchronized))),
            Event(time: Timestamp(microseconds: 2_000), body: .monitor(MonitorState(state: .reloaded, version: "0.3.0", removed: ["dead", "eth1"]))),
            Event(time: Timestamp(microseconds: 3_000), body: .monitor(MonitorState(state: .reloaded))),
            Event(time: Timestamp(microseconds: 4_000), body: .monitor(MonitorState(state: .stopped))),
        ]
        let blob = ChunkEncoder().encode(events[...], firstSeq: 1)
        #expect(try blob.withUnsafeBytes { try ChunkDecoder().decode($0) }.events() == events)
        // A row from before reloads: started with the clock word unsynchronized (2 << 1), version "v".
        let row: [UInt8] = [4, 0, 4, 1, 1, UInt8(ascii: "v")]
        let old = try row.withUnsafeBytes { b in
            var r = ByteReader(b)
            return try RowCodec.read(&r, previousTime: 0)
        }
        #expect(old.body == .monitor(MonitorState(state: .started, version: "v", clock: .unsynchronized)))
        // Stopped and reloaded at once is damage.
        #expect(throws: CorruptData.self) {
            try ([4, 0, 9, 0, 0] as [UInt8]).withUnsafeBytes { b in
                var r = ByteReader(b)
                _ = try RowCodec.read(&r, previousTime: 0)
            }
        }
    }


    static func reloaded(_ s: inout Scenario, _ t: Double, removing names: [String]) {
        s.add(t, .monitor(MonitorState(state: .reloaded, removed: names)))
    }

    /// `one` and `gone` fail from 10 s; at 20 s a reload removes `gone`; `one` answers at 40 s.
    static func outage(_ reload: (inout Scenario) -> Void) -> Scenario {
        var s = Scenario()
        s.add(0, .monitor(MonitorState(state: .started)))
        s.round(0.5, [router, one, gone])
        for t in stride(from: 10.0, through: 19, by: 1) { s.round(t, [router], down: [one, gone]) }
        reload(&s)
        for t in stride(from: 21.0, through: 39, by: 1) { s.round(t, [router], down: [one]) }
        s.round(40, [router, one])
        return s
    }

    @Test func aReloadDoesNotSplitAnOutage() {
        let s = Self.outage { Self.reloaded(&$0, 20, removing: ["gone"]) }
        let o = s.p.outages()
        #expect(o.count == 1, "\(o)")
        #expect(o.first?.start == Scenario.us(10.101) && o.first?.end == Scenario.us(40.001))
        #expect(s.p.targets["gone"]?.state == .unknown, "retired")
        #expect(s.p.targets["one"]?.state == .up)
        #expect(s.p.monitored.intervals == [Interval(start: Scenario.us(0))], "the run goes on")
        #expect(s.p.monitorState == .started)
        // The old form, a stop and a start at one instant, still means what it meant: two outages
        // (the second from the first failure after the start), a gap in monitored time of none.
        let old = Self.outage {
            $0.add(20, .monitor(MonitorState(state: .stopped)))
            $0.add(20, .monitor(MonitorState(state: .started)))
        }
        #expect(old.p.outages().count == 2)
        #expect(old.p.outages().first?.end == Scenario.us(20))
        #expect(old.p.monitored.intervals.count == 2)
    }

    @Test func removingTheLastTargetsOfALayerEndsItsOutageThen() {
        var s = Scenario()
        s.round(0, [router, gone])
        for t in [10.0, 11, 12] { s.round(t, [router], down: [gone]) }
        Self.reloaded(&s, 15, removing: ["gone"])
        s.round(16, [router])
        #expect(s.p.outages().map(\.end) == [Scenario.us(15)])
        #expect(s.p.condition(of: .internet) == .unknown)
    }

    @Test func aLayerThatTheRemovalTurnsDownIsDownFromTheReload() {
        // `one` is down from 10.1; `gone`, in the same layer, answers until it is removed at 20.
        var s = Scenario()
        s.round(0, [router, one, gone])
        for t in stride(from: 10.0, through: 19, by: 1) { s.round(t, [router, gone], down: [one]) }
        #expect(s.p.outages().isEmpty)
        Self.reloaded(&s, 20, removing: ["gone"])
        s.round(21, [router], down: [one])
        #expect(s.p.outages().map(\.start) == [Scenario.us(20)], "not backdated to 10.1: until 20, gone answered")
    }

    @Test func aRemovedInterfaceLeavesTheLocalLayer() {
        var s = Scenario()
        s.add(0, .link(Link(interface: "eth1", up: true)))
        s.add(0, .link(Link(interface: "eth0", up: false)))
        #expect(s.p.condition(of: .local) == .up)
        Self.reloaded(&s, 10, removing: ["eth1"])
        #expect(s.p.condition(of: .local) == .down)
        #expect(s.p.layers[.local]?.down.intervals == [Interval(start: Scenario.us(10))])
        #expect(s.p.interfaces["eth1"]?.up == nil)
        Self.reloaded(&s, 20, removing: ["eth0"])
        #expect(s.p.condition(of: .local) == .unknown)
        #expect(s.p.layers[.local]?.down.intervals == [Interval(start: Scenario.us(10), end: Scenario.us(20))])
    }

    @Test func aReloadKeepsAClockStretchOpen() {
        var s = Scenario()
        s.add(0, .monitor(MonitorState(state: .started, clock: .unsynchronized)))
        s.round(1, [router, one])
        Self.reloaded(&s, 2, removing: [])
        #expect(s.p.openClockStretch == 1, "a reload is no new run")
    }

    /// The store's writer (no history, changes taken commit by commit) keeps what a replay gives.
    @Test func theStoredViewsKeepTheRetirement() throws {
        let s = Self.outage { Self.reloaded(&$0, 20, removing: ["gone"]) }
        var writer = Projection(keepsHistory: false)
        var stored: [[UInt8]: [UInt8]] = [:]
        for (i, e) in s.events.enumerated() {
            writer.apply(e, seq: UInt64(i + 1))
            if i % 5 == 0 || i == s.events.count - 1 {
                for r in ViewRecords.records(writer.takeChanges(), views: [.outages]) { stored[r.key] = r.value }
            }
        }
        var loader = ViewRecords.Loader()
        for key in stored.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try key.withUnsafeBytes { k in try stored[key]!.withUnsafeBytes { v in try loader.add(key: k, value: v) } }
        }
        let loaded = loader.projection(options: .init(), keepsHistory: true)
        #expect(loaded.differences(from: s.p).filter { !$0.contains("latency view") }.isEmpty, "\(loaded.differences(from: s.p))")
        #expect(loaded.outages() == s.p.outages())
    }
}
