import Testing
@testable import ISPMonCore

/// Rule 0 of the cause (views.md): an outage in which every probe failed with `no-route`
/// and none answered is this machine's own network, `local` with no culprits.
@Suite struct NoRouteCauseTests {
    /// A failure for want of a route (the kernel had none: nothing left this machine).
    static func noRoute(_ s: inout Scenario, _ t: Double, _ target: (String, Role)) {
        s.add(t, .probe(Probe(target: target.0, role: target.1, method: .icmp, outcome: .failed(error: "no-route"))))
    }

    /// Up, then 30 s with no interface up and no default route, then up again.
    static func unplugged(during: (inout Scenario, Double) -> Void = { _, _ in }) -> Scenario {
        var s = Scenario()
        s.round(0, [router, edge, one, two])
        for t in stride(from: 10.0, through: 40, by: 1) {
            for (i, target) in [router, edge, one, two].enumerated() { noRoute(&s, t + Double(i) * 0.001, target) }
            during(&s, t)
        }
        s.round(50, [router, edge, one, two])
        return s
    }

    /// The router answers first when the network is back (at 50.000), the internet 2 ms later:
    /// that is the network returning, not an answer during the outage.
    @Test func noRouteAnywhereIsThisMachinesOwnNetwork() {
        let o = Self.unplugged().p.outages()
        #expect(o.count == 1)
        #expect(o.first?.cause == .local, "not unknown: nothing left this machine")
        #expect(o.first?.culprits == [])
        #expect(o.first?.start == Scenario.us(10.003) && o.first?.end == Scenario.us(50.002))
    }

    /// A pulled cable: the link goes down, every probe fails with no-route; its interface is the culprit.
    @Test func aPulledCableNamesItsInterface() {
        let s = Self.unplugged { s, t in
            if t == 10 { s.add(9.9, .link(Link(interface: "eth0", up: false))) }
            if t == 40 { s.add(45, .link(Link(interface: "eth0", up: true))) }
        }
        #expect(s.p.outages().map(\.cause) == [.local])
        #expect(s.p.outages().first?.culprits == ["eth0"])
    }

    @Test func anOpenOutageOfNoRouteIsLocalToo() {
        var s = Scenario()
        s.round(0, [router, one])
        for t in [10.0, 11, 12, 13] { Self.noRoute(&s, t, router); Self.noRoute(&s, t + 0.1, one) }
        #expect(s.p.outages().map(\.cause) == [.local])
        #expect(s.p.outages().first?.end == nil)
    }

    @Test func anAnswerOrAnotherFailureInsideTheOutageLeavesItToTheOtherRules() {
        // Without rule 0 the router, down for most of it, would be the cause.
        // The router answers once in the middle: the path is not this machine's alone.
        let answered = Self.unplugged { s, t in if t == 25 { s.ok(25.5, "router", .gateway) } }
        #expect(answered.p.outages().map(\.cause) == [.gateway])
        // One timeout among the no-route failures: something left this machine.
        let timedOut = Self.unplugged { s, t in if t == 25 { s.fail(25.5, "one", .internet) } }
        #expect(timedOut.p.outages().map(\.cause) == [.gateway])
        // Before the outage or after it, answers do not count.
        var around = Self.unplugged()
        around.ok(60, "router", .gateway)
        #expect(around.p.outages().map(\.cause) == [.local])
    }

    @Test func aResultRecordedLateCountsAtItsOwnTime() {
        // A probe that answered at 25.5, recorded after the failures that followed it.
        let late = Self.unplugged { s, t in if t == 30 { s.ok(25.5, "router", .gateway) } }
        #expect(late.p.outages().map(\.cause) == [.gateway])
        // One from before the outage, recorded late, does not touch it.
        let early = Self.unplugged { s, t in if t == 10 { s.ok(9, "router", .gateway) } }
        #expect(early.p.outages().map(\.cause) == [.local])
        // A no-route failure after an answer ends the span at its own time, and the next begins after it.
        var s = Scenario()
        s.round(0, [router, one])
        for t in [10.0, 11, 12] { Self.noRoute(&s, t, router); Self.noRoute(&s, t + 0.1, one) }
        s.ok(13, "router", .gateway)
        Self.noRoute(&s, 12.5, one)
        #expect(s.p.noRoute.intervals == [Interval(start: Scenario.us(10), end: Scenario.us(12.5)), Interval(start: Scenario.us(12.5) + 1)])
        #expect(s.p.noRouteAnswered.intervals == [Interval(start: Scenario.us(13), end: Scenario.us(13))])
    }

    @Test func aStopEndsTheSpan() {
        var s = Scenario()
        s.round(0, [router, one])
        for t in [10.0, 11, 12] { Self.noRoute(&s, t, router); Self.noRoute(&s, t + 0.1, one) }
        s.add(20, .monitor(MonitorState(state: .stopped)))
        #expect(s.p.noRoute.intervals == [Interval(start: Scenario.us(10), end: Scenario.us(20))])
        #expect(s.p.outages().map(\.cause) == [.local])
    }

    /// What the store's writer keeps (no history, changes taken commit by commit) and loads
    /// again gives the causes a replay gives.
    @Test func theStoredSpansGiveTheReplaysCauses() throws {
        var events: [Event] = []
        var s = Self.unplugged()
        // Then an outage beyond the ISP's edge, with timeouts.
        s.round(60, [router, edge, one, two])
        for t in [70.0, 71, 72] { s.round(t, [router, edge], down: [one, two]) }
        s.round(80, [router, edge, one, two])
        events = s.events
        var writer = Projection(keepsHistory: false)
        var stored: [[UInt8]: [UInt8]] = [:]
        for (i, e) in events.enumerated() {
            writer.apply(e, seq: UInt64(i + 1))
            if i % 7 == 0 || i == events.count - 1 {
                for r in ViewRecords.records(writer.takeChanges(), views: [.outages]) { stored[r.key] = r.value }
            }
        }
        var loader = ViewRecords.Loader()
        for key in stored.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try key.withUnsafeBytes { k in try stored[key]!.withUnsafeBytes { v in try loader.add(key: k, value: v) } }
        }
        let loaded = loader.projection(options: .init(), keepsHistory: true)
        #expect(loaded.noRoute == s.p.noRoute)
        #expect(loaded.noRouteAnswered == s.p.noRouteAnswered)
        #expect(loaded.outages() == s.p.outages())
        #expect(loaded.outages().map(\.cause) == [.local, .upstream])
    }
}
