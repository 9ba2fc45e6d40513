import Testing
import TestSupport
import ISPMonCore
import ISPMonStore
@testable import ISPMonQuery

/// The period snapshot (what a report reads), on a real store: each of its numbers is the one
/// the other queries give for the same period.
@Suite struct PeriodSnapshotTests {
    static let s = Fixtures.second
    static let t0 = Fixtures.t0

    /// Three hours of a router, an ISP hop and two internet hosts every 10 s; from 01:00 to
    /// 01:10 the ISP's hop and the hosts fail (cause isp); a speed test every half hour from 00:30
    /// (the one at 01:00 fails, the one at 01:30 is slow); a note on the outage.
    static func events() -> [Event] {
        var events = [Event(time: Timestamp(microseconds: t0), body: .monitor(MonitorState(state: .started)))]
        let fault = (t0 + 3600 * s)..<(t0 + 4200 * s)
        for t in stride(from: t0, to: t0 + 3 * 3600 * s, by: Int(10 * s)) {
            let down = fault.contains(t)
            events.append(Fixtures.probe("router", .gateway, at: t, rtt: 400))
            events.append(Fixtures.probe("isp-edge", .isp, at: t + 1, rtt: down ? nil : 4_000))
            events.append(Fixtures.probe("one", .internet, at: t + 2, rtt: down ? nil : 11_000))
            events.append(Fixtures.probe("two", .internet, at: t + 3, rtt: down ? nil : 21_000))
            if (t - t0) % (1800 * s) == 0, t > t0 {
                let k = (t - t0) / (1800 * s)
                events.append(Fixtures.speedTest(at: t + 4, down: k == 2 ? nil : k == 3 ? 40 : 95, up: 18))
            }
        }
        events.append(Event(time: Timestamp(microseconds: t0 + 4300 * s), body: .note(Note(outage: "c-20260301T010000.000003Z", text: "ISP ticket 42"))))
        events.sort { $0.time < $1.time }
        events.append(Event(time: Timestamp(microseconds: t0 + 3 * 3600 * s), body: .monitor(MonitorState(state: .stopped))))
        return events
    }

    @Test func everyNumberIsTheOneTheOtherQueriesGive() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var options = EventStore.Options()
        options.sealThreshold = 700
        let store = try EventStore(directory: dir.path, options: options)
        let events = Self.events()
        try store.append(events[...])
        try store.finishSealing()
        let queries = Queries(store: store)
        // The middle hour and a half: 00:45 to 02:15, in a zone one hour east of UTC.
        let start = Self.t0 + 2700 * Self.s, end = Self.t0 + 8100 * Self.s
        let zone = try #require(CalendarPeriods.Zone(identifier: "Africa/Lagos"))
        let plan = ServicePlan(downMbps: 100, upMbps: 20, belowPercent: 80)
        let snapshot = try queries.period(PeriodQuery(start: start, end: end, zone: zone, plan: plan))

        #expect(snapshot.lastSeq == UInt64(events.count))
        let whole = try #require(snapshot.availability)
        #expect(try whole == queries.availability(AvailabilityQuery(window: TimeWindow(since: start, until: end))).first)
        #expect(whole.monitored == end - start)
        // From the later host's first failure (01:00:00.000003) to the first success (01:10:00.000002).
        #expect(whole.connectivityDown == 600 * Self.s - 1 && whole.ispDown == whole.connectivityDown)
        #expect(snapshot.availabilityUnit == .hour)
        #expect(snapshot.availabilityPer.map(\.label) == ["2026-03-01T01", "2026-03-01T02", "2026-03-01T03"], "Lagos hours")
        #expect(snapshot.availabilityPer.map(\.monitored).reduce(0, +) == whole.monitored)

        #expect(snapshot.outages.map(\.id) == ["c-20260301T010000.000003Z"])
        #expect(snapshot.outages.first?.notes.map(\.text) == ["ISP ticket 42"])
        #expect(snapshot.outagesByCause == [.isp: 1])

        // UTC hours 00:00, 01:00 and 02:00 overlap the period; the internet layer pools both hosts.
        #expect(snapshot.latencyUnit == .hour)
        let rows = try queries.latency(LatencyQuery(window: TimeWindow(since: start, until: end - 1)))
        #expect(snapshot.targetLatency == rows)
        let internet = snapshot.layerLatency.filter { $0.layer == .internet }
        #expect(internet.map(\.start) == [Self.t0, Self.t0 + 3600 * Self.s, Self.t0 + 7200 * Self.s])
        #expect(internet.map(\.stats.sent) == [720, 720, 720])
        #expect(internet[1].stats.lost == 120)
        #expect(internet[0].stats.percentileMs(50) ?? 0 >= 10.9 && internet[0].stats.percentileMs(95) ?? 0 >= 20.9,
                "the median and p95 of both hosts' RTTs")
        #expect(internet[0].stats.jitterMs == nil, "jitter is a target's, not a layer's")

        // Tests at 01:00 (failed), 01:30 (slow: 40 of 100 Mb/s) and 02:00 (95) are in the period.
        #expect(snapshot.speedTests.count == 3)
        #expect(snapshot.speedTests.failures == 1 && snapshot.speedTests.slow == 1)
        #expect(snapshot.speedTests.down?.median == 67.5)

        let inPeriod = events.enumerated().filter { $0.element.time.microseconds >= start && $0.element.time.microseconds < end }
        #expect(snapshot.events.count == inPeriod.count)
        #expect(snapshot.events.firstSeq == UInt64((inPeriod.first?.offset ?? 0) + 1))
        #expect(snapshot.events.lastSeq == UInt64((inPeriod.last?.offset ?? 0) + 1))
        #expect(snapshot.events.byType[.note] == 1 && snapshot.events.byType[.speedtest] == 3 && snapshot.events.byType[.link] == 0)
        #expect(snapshot.events.byType.values.reduce(0, +) == inPeriod.count)
    }

    @Test func anEmptyPeriodHasNoNumbersAndNoSequenceRange() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path, options: EventStore.Options())
        try store.append(Self.events()[...])
        let later = Self.t0 + 30 * 86_400 * Self.s
        let snapshot = try Queries(store: store).period(PeriodQuery(start: later, end: later + 86_400 * Self.s))
        #expect(snapshot.availability == nil)
        #expect(snapshot.outages.isEmpty && snapshot.speedTests.count == 0)
        #expect(snapshot.events.count == 0 && snapshot.events.firstSeq == nil && snapshot.events.lastSeq == nil)
        #expect(snapshot.events.byType.count == EventType.allCases.count)
    }
}
