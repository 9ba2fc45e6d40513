import Testing
@testable import ISPMonCore

/// Hand-built scenarios for each rule of docs/views.md, with the expected
/// numbers worked out by hand in the comments.
struct Scenario {
    static let t0: Int64 = 1_772_366_400_000_000  // 2026-03-01T12:00:00Z
    var p = Projection()
    var seq: UInt64 = 0
    /// What was applied, in order.
    var events: [Event] = []

    static func us(_ s: Double) -> Int64 { t0 + Int64((s * 1_000_000).rounded()) }

    mutating func add(_ s: Double, _ body: Event.Body) {
        seq += 1
        let e = Event(time: Timestamp(microseconds: Scenario.us(s)), body: body)
        events.append(e)
        p.apply(e, seq: seq)
    }

    mutating func ok(_ s: Double, _ target: String, _ role: Role, rttMs: Double = 10) {
        add(s, .probe(Probe(target: target, role: role, method: .icmp, outcome: .ok(rtt: Int64((rttMs * 1000).rounded())))))
    }

    mutating func fail(_ s: Double, _ target: String, _ role: Role) {
        add(s, .probe(Probe(target: target, role: role, method: .icmp, outcome: .failed(error: "timeout"))))
    }

    mutating func round(_ s: Double, _ up: [(String, Role)], down: [(String, Role)] = []) {
        for (i, (t, r)) in up.enumerated() { ok(s + Double(i) * 0.001, t, r) }
        for (i, (t, r)) in down.enumerated() { fail(s + 0.1 + Double(i) * 0.001, t, r) }
    }
}

let router = ("router", Role.gateway), edge = ("isp-edge", Role.isp), one = ("one", Role.internet),
    two = ("two", Role.internet), resolver = ("resolver", Role.dns), sw = ("switch", Role.device)

@Suite struct ProjectionTests {
    @Test func aTargetIsDownFromTheFirstFailureOfItsRun() {
        var s = Scenario()
        s.ok(0, "one", .internet)
        s.fail(1, "one", .internet)
        s.fail(2, "one", .internet)
        #expect(s.p.targets["one"]?.state == .up)  // two failures: still up
        s.fail(3, "one", .internet)
        #expect(s.p.targets["one"]?.state == .down)
        #expect(s.p.targets["one"]?.since == Scenario.us(1))  // backdated to the first failure
        s.ok(4, "one", .internet)
        #expect(s.p.targets["one"]?.state == .up)
        #expect(s.p.targets["one"]?.down.intervals == [Interval(start: Scenario.us(1), end: Scenario.us(4))])
        // A success in between restarts the run.
        s.fail(5, "one", .internet); s.fail(6, "one", .internet); s.ok(7, "one", .internet); s.fail(8, "one", .internet)
        #expect(s.p.targets["one"]?.state == .up)
    }

    @Test func theRouterHangingIsAGatewayOutage() {
        var s = Scenario()
        s.round(0, [router, edge, one, two])
        // 10 s: the router stops answering, and everything behind it with it.
        for t in [10.0, 11, 12, 13] { s.round(t, [], down: [router, edge, one, two]) }
        s.round(20, [router, edge, one, two])
        let outages = s.p.outages()
        #expect(outages.count == 1)
        let o = outages[0]
        // Internet targets fail at 10.102 and 10.103: the layer is down from the later, 10.103, to 20.002.
        #expect(o.kind == .connectivity)
        #expect(o.start == Scenario.us(10.103))
        #expect(o.end == Scenario.us(20.002))
        #expect(o.duration == Scenario.us(20.002) - Scenario.us(10.103))
        #expect(o.cause == .gateway)
        #expect(o.culprits == ["router"])
        #expect(o.id == "c-20260301T120010.103000Z")
    }

    @Test func causesWalkThePathAndFallBack() {
        // ISP edge down, router up: isp, culprit the edge.
        var isp = Scenario()
        isp.round(0, [router, edge, one, two])
        for t in [10.0, 11, 12] { isp.round(t, [router], down: [edge, one, two]) }
        isp.round(30, [router, edge, one, two])
        #expect(isp.p.outages().map(\.cause) == [.isp])
        #expect(isp.p.outages().first?.culprits == ["isp-edge"])

        // Everything up to the ISP edge answers: upstream, no culprits.
        var up = Scenario()
        up.round(0, [router, edge, one, two])
        for t in [10.0, 11, 12] { up.round(t, [router, edge], down: [one, two]) }
        up.round(30, [router, edge, one, two])
        #expect(up.p.outages().map(\.cause) == [.upstream])
        #expect(up.p.outages().first?.culprits == [])

        // No ISP target, the router answers: the fault is beyond it, isp.
        var noEdge = Scenario()
        noEdge.round(0, [router, one])
        for t in [10.0, 11, 12] { noEdge.round(t, [router], down: [one]) }
        noEdge.round(30, [router, one])
        #expect(noEdge.p.outages().map(\.cause) == [.isp])
        #expect(noEdge.p.outages().first?.culprits == [])

        // Only internet targets: unknown.
        var bare = Scenario()
        for t in [10.0, 11, 12] { bare.round(t, [], down: [one]) }
        bare.round(30, [one])
        #expect(bare.p.outages().map(\.cause) == [.unknown])
    }

    @Test func aLayerCausesAnOutageOnlyIfDownForAtLeastHalfOfIt() {
        // Internet down [10.1, 110) = 99.9 s. The router is down [10.1, 50) = 39.9 s (< half);
        // the ISP edge [10.1, 110) (>= half): the cause is isp, not gateway.
        var s = Scenario()
        s.round(0, [router, edge, one])
        for t in [10.0, 11, 12] { s.round(t, [], down: [router, edge, one]) }
        s.ok(50, "router", .gateway)
        s.round(110, [router, edge, one])
        let o = s.p.outages()
        #expect(o.count == 1)
        #expect(o.first?.cause == .isp)
        #expect(o.first?.culprits == ["isp-edge"])

        // Exactly half counts: the outage is [10.101, 110.101) (one fails at 10.101), the router
        // is down [10.1, 60.101): 50 s of the outage's 100 s.
        var half = Scenario()
        half.round(0, [router, one])
        for t in [10.0, 11, 12] { half.round(t, [], down: [router, one]) }
        half.ok(60.101, "router", .gateway)
        half.ok(110.101, "one", .internet)
        #expect(half.p.outages().first?.duration == 100_000_000)
        #expect(half.p.outages().first?.cause == .gateway)
    }

    @Test func aPulledCableIsLocal() {
        var s = Scenario()
        s.add(0, .link(Link(interface: "eth0", up: true)))
        s.round(0.5, [router, one])
        s.add(9.9, .link(Link(interface: "eth0", up: false)))
        for t in [10.0, 11, 12] { s.round(t, [], down: [router, one]) }
        s.add(40, .link(Link(interface: "eth0", up: true)))
        s.round(41, [router, one])
        let o = s.p.outages()
        #expect(o.map(\.cause) == [.local])
        #expect(o.first?.culprits == ["eth0"])
    }

    @Test func isolatedLossAndOneDeadHostAreNoOutage() {
        var s = Scenario()
        for t in stride(from: 0.0, to: 100, by: 1) {
            // `two` is dead the whole time; `one` loses a probe now and then (never three in a row).
            if Int(t) % 7 == 3 { s.round(t, [router], down: [one, two]) } else { s.round(t, [router, one], down: [two]) }
        }
        #expect(s.p.outages().isEmpty)
        #expect(s.p.targets["two"]?.state == .down)
    }

    @Test func theMonitorStoppingEndsOutagesAndForgetsStates() {
        var s = Scenario()
        s.round(0, [router, one])
        for t in [10.0, 11, 12] { s.round(t, [router], down: [one]) }
        s.add(50, .monitor(MonitorState(state: .stopped)))
        #expect(s.p.targets.values.allSatisfy { $0.state == .unknown })
        s.add(100, .monitor(MonitorState(state: .started)))
        // Unmonitored time is no outage: two failures after the restart are not enough.
        s.round(101, [router], down: [one])
        s.round(102, [router], down: [one])
        let o = s.p.outages()
        #expect(o.count == 1)
        #expect(o.first?.end == Scenario.us(50))
        #expect(o.first?.duration == Scenario.us(50) - Scenario.us(10.1))  // `one` fails at t + 0.1
        s.round(103, [router], down: [one])
        #expect(s.p.outages().count == 2)
        #expect(s.p.outages().last?.start == Scenario.us(101.1))
    }

    @Test func anOpenOutageLastsUntilTheNewestEvent() {
        var s = Scenario()
        s.round(0, [router, one])
        for t in [10.0, 11, 12, 13, 14] { s.round(t, [router], down: [one]) }
        let o = s.p.outages()
        #expect(o.count == 1)
        #expect(o.first?.end == nil)
        #expect(o.first?.duration == Scenario.us(14.1) - Scenario.us(10.1))
    }

    @Test func dnsOutagesStandAloneButNotInsideConnectivityOutages() {
        var s = Scenario()
        s.round(0, [router, one, resolver])
        // 10–20 s: the resolver alone fails: a DNS outage.
        for t in [10.0, 11, 12] { s.round(t, [router, one], down: [resolver]) }
        s.round(20, [router, one, resolver])
        // 30–40 s: everything beyond the router fails: one connectivity outage, no DNS outage.
        for t in [30.0, 31, 32] { s.round(t, [router], down: [one, resolver]) }
        s.round(40, [router, one, resolver])
        let o = s.p.outages()
        #expect(o.map(\.kind) == [.dns, .connectivity])
        #expect(o[0].cause == .dns)
        #expect(o[0].culprits == ["resolver"])
        #expect(o[0].id == "d-20260301T120010.100000Z")
        #expect(o[1].cause == .isp)
    }

    @Test func notesAttachByID() {
        var s = Scenario()
        s.round(0, [router, one])
        for t in [10.0, 11, 12] { s.round(t, [router], down: [one]) }
        s.round(20, [router, one])
        let id = s.p.outages()[0].id
        s.add(30, .note(Note(outage: id, text: "ISP confirmed")))
        s.add(31, .note(Note(outage: "c-20200101T000000Z", text: "nowhere")))
        #expect(s.p.outages()[0].notes.map(\.text) == ["ISP confirmed"])
    }

    @Test func hourlyLatencyByHand() {
        var s = Scenario()
        // 12:00–13:00: 10, 30, (lost), 20 ms → sent 4, lost 1, loss 25 %, min 10, avg 20, max 30,
        // p50 = 2nd of [10, 20, 30] = 20, p95 = p99 = 30, jitter = (|30-10| + |20-30|) / 2 = 15.
        s.ok(0, "one", .internet, rttMs: 10)
        s.ok(60, "one", .internet, rttMs: 30)
        s.fail(120, "one", .internet)
        s.ok(180, "one", .internet, rttMs: 20)
        // 13:00–14:00: 40 ms once → jitter nil (one success).
        s.ok(3600, "one", .internet, rttMs: 40)
        let hours = s.p.hours["one"]!
        let h = hours[Scenario.t0]!
        #expect(h.sent == 4)
        #expect(h.lost == 1)
        #expect(h.lossPercent == 25)
        #expect(h.minMs == 10)
        #expect(h.avgMs == 20)
        #expect(h.maxMs == 30)
        #expect(abs(h.percentileMs(50)! - 20) <= 0.2)  // a histogram estimate: within 1 %
        #expect(h.percentileMs(95) == 30)
        #expect(h.percentileMs(99) == 30)
        #expect(h.jitterMs == 15)
        let next = hours[Scenario.t0 + 3_600_000_000]!
        #expect(next.jitterMs == nil)
        #expect(next.percentileMs(50) == 40)  // one value: min = max clamps it exactly
        // The two hours merged: 10, 30, 20, 40 → jitter (20 + 10 + 20) / 3, avg 25, never an average of averages.
        var day = h
        day.append(next)
        #expect(day.sent == 5)
        #expect(day.avgMs == 25)
        #expect(day.jitterMs == 50.0 / 3)
    }

    @Test func percentilesStayWithinOnePercent() {
        var sketch = LatencySketch()
        var values: [Int64] = []
        var rng = SplitMix64(seed: 3)
        for _ in 0..<10_000 {
            let v = Int64(rng.next() % 200_000) + Int64(rng.next() % 3) * 1_000_000
            values.append(v)
            sketch.add(v)
        }
        values.sort()
        for p in [1.0, 50, 90, 95, 99, 99.9, 100] {
            let exact = values[max(0, Int((p / 100 * Double(values.count)).rounded(.up)) - 1)]
            let est = sketch.percentile(p, min: values.first!, max: values.last!)!
            #expect(abs(Double(est - exact)) <= 0.01 * Double(exact) + 1, "p\(p): \(est) vs \(exact)")
        }
    }
}

@Suite struct ProjectionPathsTests {
    /// The columnar path (whole decoded chunks) must give exactly the views of the
    /// event-by-event path, in any batch sizes and with any as-of limit.
    @Test func chunksAndEventsGiveTheSameViews() throws {
        var events: [Event] = []
        var rng = SplitMix64(seed: 77)
        for e in SyntheticStream(seed: 5).prefix(60_000) {
            // Cut the internet off now and then, so that outages happen.
            if case .probe(var p) = e.body, p.role == .internet || p.role == .dns,
               (e.time.microseconds / 60_000_000) % 37 == 3 {
                // Some outages for want of a route (rule 0 of the cause), most timeouts.
                p.outcome = .failed(error: (e.time.microseconds / 60_000_000) % 3 == 0 ? "no-route" : "timeout")
                p.detail = nil
                events.append(Event(time: e.time, body: .probe(p)))
            } else {
                events.append(e)
            }
            if rng.next() % 20_000 == 0 { events.append(Event(time: e.time, body: .monitor(MonitorState(state: .stopped)))) }
        }
        let limit = events[45_000].time.microseconds
        var oneByOne = Projection()
        for (i, e) in events.enumerated() where e.time.microseconds <= limit { oneByOne.apply(e, seq: UInt64(i + 1)) }

        var columnar = Projection()
        let encoder = ChunkEncoder()
        let decoder = ChunkDecoder()
        var start = 0
        while start < events.count {
            let n = min(events.count - start, Int(rng.next() % 5000) + 1)
            let blob = encoder.encode(events[start..<(start + n)], firstSeq: UInt64(start + 1))
            let chunk = try blob.withUnsafeBytes { try decoder.decode($0) }
            let skip = Int(rng.next() % UInt64(min(n, 3)))  // start inside a chunk too
            if skip > 0 {
                for i in 0..<skip where events[start + i].time.microseconds <= limit { columnar.apply(events[start + i], seq: UInt64(start + i + 1)) }
            }
            columnar.apply(chunk, from: skip, limit: limit)
            start += n
        }
        #expect(!oneByOne.outages().isEmpty)
        #expect(columnar.outages() == oneByOne.outages())
        #expect(columnar.hours == oneByOne.hours)
        #expect(columnar.targets == oneByOne.targets)
        #expect(columnar.layers == oneByOne.layers)
        #expect(!oneByOne.noRoute.intervals.isEmpty)
        #expect(columnar.noRoute == oneByOne.noRoute)
        #expect(columnar.noRouteAnswered == oneByOne.noRouteAnswered)
        #expect(columnar.speedTests == oneByOne.speedTests)
        #expect(columnar.newestTime == oneByOne.newestTime)
    }
}
