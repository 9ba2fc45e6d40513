import Testing
import ISPMonCore
@testable import ISPMonQuery

/// Monitored time and availability (docs/reports.md), over hand-built logs.
@Suite struct AvailabilityTests {
    static let s = Fixtures.second
    static let t0 = Fixtures.t0

    static func monitor(_ state: MonitorState.State, at t: Int64) -> Event {
        Event(time: Timestamp(microseconds: t), body: .monitor(MonitorState(state: state)))
    }

    /// Probes of a router and an internet host every 10 s in [from, to); the host fails in `down`.
    static func probes(_ from: Int64, _ to: Int64, down: Range<Int64>? = nil) -> [Event] {
        var events: [Event] = []
        for t in stride(from: from, to: to, by: Int(10 * s)) {
            events.append(Fixtures.probe("router", .gateway, at: t, rtt: 400))
            events.append(Fixtures.probe("one", .internet, at: t + 1, rtt: down?.contains(t) == true ? nil : 11_000))
        }
        return events
    }

    @Test func monitoredTimeRunsFromStartToStopAndEndsAnUncleanRunAtItsLastEvent() throws {
        let events = [Self.monitor(.started, at: Self.t0)] + Self.probes(Self.t0, Self.t0 + 600 * Self.s)
            + [Self.monitor(.stopped, at: Self.t0 + 600 * Self.s)]
            // Off for 10 minutes, then a run that crashes: its last event is at 1800 s + 591 s.
            + [Self.monitor(.started, at: Self.t0 + 1200 * Self.s)] + Self.probes(Self.t0 + 1200 * Self.s, Self.t0 + 1800 * Self.s)
            + [Self.monitor(.started, at: Self.t0 + 2400 * Self.s)] + Self.probes(Self.t0 + 2400 * Self.s, Self.t0 + 3000 * Self.s)
        let p = Fixtures.projection(events)
        #expect(p.monitored.intervals == [
            Interval(start: Self.t0, end: Self.t0 + 600 * Self.s),
            Interval(start: Self.t0 + 1200 * Self.s, end: Self.t0 + 1790 * Self.s + 1),
            Interval(start: Self.t0 + 2400 * Self.s, end: nil),
        ])
        let whole = try #require(AvailabilityQuery().answer(p).first)
        #expect(whole.start == Self.t0 && whole.end == Self.t0 + 2990 * Self.s + 1, "to the newest event")
        #expect(whole.monitored == 600 * Self.s + 590 * Self.s + 1 + 590 * Self.s + 1)
        #expect(whole.unmonitored == 600 * Self.s + 610 * Self.s - 1)
        #expect(whole.connectivityPercent?.description == "100.00")
    }

    @Test func aLogWithoutMonitorEventsCountsFromItsFirstEvent() throws {
        let p = Fixtures.projection(Self.probes(Self.t0, Self.t0 + 100 * Self.s))
        #expect(p.monitored.intervals == [Interval(start: Self.t0, end: nil)])
        let a = try #require(AvailabilityQuery().answer(p).first)
        #expect(a.monitored == 90 * Self.s + 1 && a.unmonitored == 0)
        #expect(AvailabilityQuery().answer(Fixtures.projection([])).isEmpty)
    }

    static func note(at t: Int64, _ text: String = "called the ISP") -> Event {
        Event(time: Timestamp(microseconds: t), body: .note(Note(outage: "c-20260301T000000Z", text: text)))
    }

    /// A monitor that died without a `stopped` (a power cut) and a note written 90 days later:
    /// the run ends at its last result, and the 90 days are not monitored, not healthy.
    @Test func aNoteNeverStretchesARun() throws {
        let day = 86_400 * Self.s
        let later = Self.t0 + 90 * day
        let events = [Self.monitor(.started, at: Self.t0)] + Self.probes(Self.t0, Self.t0 + 600 * Self.s) + [Self.note(at: later)]
        let p = Fixtures.projection(events)
        #expect(p.newestTime == later && p.newestRecorded == Self.t0 + 590 * Self.s + 1)
        #expect(p.monitored.intervals == [Interval(start: Self.t0, end: nil)], "still open: no `stopped` was recorded")
        let whole = try #require(AvailabilityQuery().answer(p).first)
        #expect(whole.end == later, "to the newest event")
        #expect(whole.monitored == 590 * Self.s + 1, "to the newest result, not to the note")
        #expect(whole.unmonitored == 90 * day - 590 * Self.s - 1)
        let recent = try #require(AvailabilityQuery(window: TimeWindow(since: later - 30 * day)).answer(p).first)
        #expect(recent.monitored == 0 && recent.connectivityPercent == nil, "the last 30 days were not monitored")
        #expect(recent.unmonitored == 30 * day)

        // A monitor started again later: the dead run ends at its last result, not at the note.
        let restarted = Fixtures.projection(events + [Self.monitor(.started, at: later + Self.s)] + Self.probes(later + Self.s, later + 61 * Self.s))
        #expect(restarted.monitored.intervals == [
            Interval(start: Self.t0, end: Self.t0 + 590 * Self.s + 1),
            Interval(start: later + Self.s, end: nil),
        ])
    }

    /// A log that begins with a note (imported, say) is monitored from its first recorded event.
    @Test func aLogsMonitoredTimeBeginsAtItsFirstRecordedEvent() throws {
        let p = Fixtures.projection([Self.note(at: Self.t0 - 3600 * Self.s)] + Self.probes(Self.t0, Self.t0 + 100 * Self.s))
        #expect(p.monitored.intervals == [Interval(start: Self.t0, end: nil)])
        let notesOnly = Fixtures.projection([Self.note(at: Self.t0)])
        #expect(notesOnly.monitored.intervals.isEmpty && notesOnly.newestRecorded == nil)
    }

    @Test func outageTimeCountsOnlyWithinMonitoredTimeAndRoundsHalfAwayFromZero() throws {
        // Down from 100 s (3 failures: down from the first) until the success at 400 s: 300 s of 3000 s.
        let events = [Self.monitor(.started, at: Self.t0)]
            + Self.probes(Self.t0, Self.t0 + 3000 * Self.s, down: (Self.t0 + 100 * Self.s)..<(Self.t0 + 400 * Self.s))
            + [Self.monitor(.stopped, at: Self.t0 + 3000 * Self.s)]
        let p = Fixtures.projection(events)
        let outage = try #require(OutageQuery().answer(p).first)
        #expect(outage.duration == 300 * Self.s)
        let a = try #require(AvailabilityQuery(window: TimeWindow(since: Self.t0, until: Self.t0 + 3000 * Self.s)).answer(p).first)
        #expect(a.monitored == 3000 * Self.s && a.connectivityDown == 300 * Self.s)
        #expect(a.connectivityPercent?.description == "90.00")
        #expect(a.dnsPercent?.description == "100.00")
        // A window that is half outage, and one with no monitored time at all.
        let half = try #require(AvailabilityQuery(window: TimeWindow(since: Self.t0 + 100 * Self.s, until: Self.t0 + 700 * Self.s)).answer(p).first)
        #expect(half.connectivityPercent?.description == "50.00")
    }

    @Test func exactlyTwoDecimalsRoundedHalfAwayFromZero() {
        #expect(AvailabilityQuery.Percent(up: 99_985, of: 100_000)?.description == "99.99")  // 99.985 → 99.99
        #expect(AvailabilityQuery.Percent(up: 99_984, of: 100_000)?.description == "99.98")
        #expect(AvailabilityQuery.Percent(up: 999_995, of: 1_000_000)?.description == "100.00")  // 99.9995 → 100.00
        #expect(AvailabilityQuery.Percent(up: 1, of: 3)?.description == "33.33")
        #expect(AvailabilityQuery.Percent(up: 2, of: 3)?.description == "66.67")
        #expect(AvailabilityQuery.Percent(up: 5, of: 100_000)?.description == "0.01")  // 0.005 → 0.01
        #expect(AvailabilityQuery.Percent(up: 0, of: 0) == nil)
    }

    @Test func perDayInUTCAndPerISOWeek() throws {
        let day = 86_400 * Self.s
        let start = Fixtures.day("2026-03-01")  // a Sunday
        let events = [Self.monitor(.started, at: start + day / 2)] + Self.probes(start + day / 2, start + day + day / 2)
        let p = Fixtures.projection(events)
        let days = AvailabilityQuery(period: .day).answer(p)
        #expect(days.map(\.label) == ["2026-03-01", "2026-03-02"])
        #expect(days[0].start == start + day / 2 && days[0].end == start + day, "clipped to the first monitored moment")
        #expect(days[1].start == start + day && days[1].end == start + day + day / 2 - 10 * Self.s + 1, "and to the newest event")
        let weeks = AvailabilityQuery(period: .week).answer(p)
        #expect(weeks.map(\.label) == ["2026-W09", "2026-W10"])
        #expect(CalendarPeriods.periods(.week, from: Fixtures.day("2026-12-31"), to: Fixtures.day("2027-01-05"), zone: .utc).map(\.label)
                == ["2026-W53", "2027-W01"])
        #expect(CalendarPeriods.periods(.month, from: start, to: start + 40 * day, zone: .utc).map(\.label) == ["2026-03", "2026-04"])
    }

    @Test func anIANAZoneGivesItsOwnDaysWithDaylightSavingChangesOf23And25Hours() throws {
        let berlin = try #require(CalendarPeriods.Zone(identifier: "Europe/Berlin"))
        let hour = 3_600 * Self.s
        let spring = CalendarPeriods.periods(.day, from: Fixtures.day("2026-03-28"), to: Fixtures.day("2026-03-30"), zone: berlin)
        #expect(spring.map(\.label) == ["2026-03-28", "2026-03-29", "2026-03-30"])
        #expect(spring[0].start == Fixtures.day("2026-03-28") - hour, "Berlin's midnight is 23:00 UTC in winter")
        #expect(spring.map { ($0.end - $0.start) / hour } == [24, 23, 24])
        #expect(spring[2].start == Fixtures.day("2026-03-30") - 2 * hour, "and 22:00 UTC in summer")
        let autumn = CalendarPeriods.periods(.day, from: Fixtures.day("2026-10-25"), to: Fixtures.day("2026-10-25") + hour, zone: berlin)
        #expect(autumn.map(\.label) == ["2026-10-25"])
        #expect(autumn.map { ($0.end - $0.start) / hour } == [25])
        // A week and a month of that zone start at its midnight too.
        #expect(CalendarPeriods.start(of: .week, containing: Fixtures.day("2026-03-29"), zone: berlin) == Fixtures.day("2026-03-23") - hour)
        #expect(CalendarPeriods.periods(.month, from: Fixtures.day("2026-03-31"), to: Fixtures.day("2026-04-01"), zone: berlin).map(\.label)
                == ["2026-03", "2026-04"], "2026-03-31T23:00Z is already April in Berlin")
        #expect(CalendarPeriods.Zone(identifier: "Mars/Olympus_Mons") == nil)
        #expect(CalendarPeriods.Zone(identifier: "") == nil)
    }

    @Test func theISPsShareCountsOnlyOutagesPastTheRouter() throws {
        // The router, the ISP's first hop and an internet host every 10 s for 3000 s. From 500 s to
        // 800 s the router is down (cause gateway); from 1500 s to 1800 s the router answers and
        // the ISP's hop does not (cause isp).
        let s = Self.s
        let gatewayDown = (Self.t0 + 500 * s)..<(Self.t0 + 800 * s)
        let ispDown = (Self.t0 + 1500 * s)..<(Self.t0 + 1800 * s)
        var events = [Self.monitor(.started, at: Self.t0)]
        for t in stride(from: Self.t0, to: Self.t0 + 3000 * s, by: Int(10 * s)) {
            events.append(Fixtures.probe("router", .gateway, at: t, rtt: gatewayDown.contains(t) ? nil : 400))
            events.append(Fixtures.probe("isp-edge", .isp, at: t + 1, rtt: gatewayDown.contains(t) || ispDown.contains(t) ? nil : 4_000))
            events.append(Fixtures.probe("one", .internet, at: t + 2, rtt: gatewayDown.contains(t) || ispDown.contains(t) ? nil : 11_000))
        }
        events.append(Self.monitor(.stopped, at: Self.t0 + 3000 * s))
        let p = Fixtures.projection(events)
        let outages = OutageQuery().answer(p)
        #expect(outages.map(\.cause) == [.gateway, .isp])
        let a = try #require(AvailabilityQuery().answer(p).first)
        let gatewayTime = try #require(outages.first?.duration), ispTime = try #require(outages.last?.duration)
        #expect(a.connectivityDown == gatewayTime + ispTime)
        #expect(a.ispDown == ispTime, "the router's own outage is not the ISP's")
        #expect(a.ispPercent == AvailabilityQuery.Percent(up: a.monitored - ispTime, of: a.monitored))
        #expect(a.ispPercent?.description == "90.00" && a.connectivityPercent?.description == "80.00")
        // The one JSON form, the CLI's and the API's.
        #expect(String(decoding: JSONForms.availability([a]), as: UTF8.self) == """
            [
              {"period":"","start":"2026-03-01T00:00:00.000000Z","end":"2026-03-01T00:50:00.000000Z","monitored_s":3000,\
            "unmonitored_s":0,"connectivity_down_s":600,"dns_down_s":0,"isp_down_s":300,"connectivity_pct":80.00,"dns_pct":100.00,\
            "isp_pct":90.00}
            ]
            """)
    }
}
