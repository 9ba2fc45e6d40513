import ISPMonCore
import ISPMonStore
import Testing
import TestSupport
@testable import ISPMonQuery

/// The answers the pages show (the overview, the outages list, the path, an outage's events),
/// from the query layer on a real store: what the pages compute nothing of.
@Suite struct PageAnswerTests {
    func withStore(_ events: [Event], _ body: (Queries) throws -> Void) throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        try store.append(events[...])
        try body(Queries(store: store))
    }

    static let faults = SyntheticFaults(days: 2, seed: 3)
    static let minute: Int64 = 60_000_000

    @Test func theOverviewSaysSinceWhenEachLayerHoldsAndListsThePathInOrder() throws {
        // A DNS outage left open at the end: the log stops inside the second day's DNS fault.
        let dnsFault = try #require(Self.faults.windows.last { $0.fault == .dnsDown })
        let events = Self.faults.events.filter { $0.time.microseconds < dnsFault.start + 4 * Self.minute }
        try withStore(events) { queries in
            let outages = try queries.outages()
            let newest = try #require(events.last?.time.microseconds)
            // As of the log's end, with a lock-less store: the monitor is not running, so
            // nothing is "up" or "down" now: not monitoring since the last result.
            let stale = try queries.overview(OverviewQuery(now: newest, staleAfter: 10 * Self.minute, zone: .utc))
            #expect(!stale.monitoring)
            #expect(stale.internet == LayerSince(state: .unmonitored, since: newest))
            #expect(stale.dns.state == .unmonitored)
            #expect(stale.lastResultAge == newest - (stale.status.lastResult ?? 0) && stale.lastResultAge == 0)

            // The same views as a watched store's: the since-when answers, from the outages.
            let p = try queries.views()
            let status = StatusAnswer(p, monitorRunning: true)
            let internet = LayerSince(status, kind: .connectivity, outages: outages, monitoring: true)
            let lastEnd = outages.filter { $0.kind == .connectivity }.compactMap(\.end).max()
            #expect(status.connectivity == .up && internet == LayerSince(state: .up, since: lastEnd))
            let openDNS = try #require(outages.last { $0.kind == .dns && $0.end == nil }, "the DNS outage is open at the end")
            let dns = LayerSince(status, kind: .dns, outages: outages, monitoring: true)
            #expect(status.dns == .down && dns == LayerSince(state: .down, since: openDNS.start))

            // The link first, then the targets in path order, each role's by name; an RTT only for those that answer.
            // (The link's state is unknown since the day's monitor restart: no link event came after it.)
            #expect(stale.path.first == OverviewAnswer.PathStop(kind: .link, name: "eth0", role: "link", state: .unknown, rtt: nil))
            #expect(p.interfaces["eth0"]?.up == nil)
            let roles = stale.path.dropFirst().map(\.role)
            #expect(roles == ["device", "gateway", "isp", "internet", "internet", "internet", "dns", "dns"])
            #expect(stale.path.filter { $0.role == "internet" }.map(\.name) == ["one-one", "quad-nine", "web"])
            for stop in stale.path where stop.kind == .target {
                #expect((stop.rtt != nil) == (stop.state == .up), "\(stop.name) \(stop.state)")
            }
            // The last day's connectivity outages, the newest outages newest first, the latency of the internet and the router.
            let day = try #require(stale.day.since)
            #expect(stale.dayOutages == outages.filter { $0.kind == .connectivity && ($0.end ?? newest) > day && $0.start < newest })
            #expect(!stale.dayOutages.isEmpty)
            #expect(stale.recentOutages == Array(outages.suffix(5).reversed()))
            #expect(stale.latency.map(\.target) == ["one-one", "router"])
            #expect(stale.latency.allSatisfy { !$0.rows.isEmpty })
            #expect(stale.availability.map(\.span) == [.today, .thisWeek, .last30Days])
            #expect(stale.open?.outage == openDNS, "no connectivity outage is open: the open DNS one")

            // The public page's: no details.
            let bare = try queries.overview(OverviewQuery(now: newest, recentOutages: 20, details: false, zone: .utc))
            #expect(bare.latency.isEmpty && bare.open == nil && bare.lastSpeedTest == nil)
            #expect(bare.recentOutages.count == min(20, outages.count))
        }
    }

    @Test func theOutageListNarrowsByKindAndCauseAndItsAvailabilityIsTheWindows() throws {
        try withStore(Self.faults.events) { queries in
            let all = try queries.outages()
            #expect(Set(all.map(\.kind)).count == 2 && Set(all.map(\.cause)).count >= 3)
            for kind in [Outage.Kind.connectivity, .dns] {
                for cause in [nil] + Outage.Cause.allCases {
                    let list = try queries.outageList(OutageQuery(kind: kind, cause: cause), per: nil, zone: .utc)
                    #expect(list.outages == all.filter { $0.kind == kind && (cause == nil || $0.cause == cause) })
                    // Whatever the list is narrowed to, the availability is the window's, every outage counted.
                    #expect(list.availability?.whole == (try queries.availability().first))
                    #expect(list.availability?.unit == .day)
                    #expect(list.availability?.periods == (try queries.availability(AvailabilityQuery(period: .day))))
                }
            }
            let weeks = try queries.outageList(OutageQuery(), per: .week, zone: .utc)
            #expect(weeks.availability?.periods.map(\.label) == ["2026-W09", "2026-W10"])
        }
        #expect(AvailabilityQuery.Period.suiting(span: 31 * 86_400_000_000) == .day)
        #expect(AvailabilityQuery.Period.suiting(span: 32 * 86_400_000_000) == .week)
        #expect(AvailabilityQuery.Period.suiting(span: 184 * 86_400_000_000) == .month)
        #expect(LatencyQuery.Period.suiting(span: 8 * 86_400_000_000) == .hour)
        #expect(LatencyQuery.Period.suiting(span: 8 * 86_400_000_000 + 1) == .day)
    }

    static func trace(_ t: Int64, _ hops: [String?], to destination: String = "203.0.113.10") -> Event {
        Event(time: Timestamp(microseconds: Fixtures.t0 + t * minute), body: .trace(Trace(destination: destination, hops: hops.enumerated().map {
            Trace.Hop(ttl: $0.offset + 1, address: $0.element, rtt: $0.element == nil ? nil : Int64(1000 * ($0.offset + 1)))
        })))
    }

    @Test func thePathNamesTheRouterAndTheISPsHopAndListsChangesOfTheFirstHops() throws {
        let events = [
            Self.trace(0, ["192.0.2.1", "198.51.100.1", "198.51.100.9", "203.0.113.10"]),
            Self.trace(10, ["192.0.2.1", "198.51.100.1", "198.51.100.9", "203.0.113.10"]),
            // A new ISP line: the second hop changed.
            Self.trace(20, ["192.0.2.1", "198.51.100.77", "198.51.100.9", "203.0.113.10"]),
            // The third hop did not answer: a change too (the first hops as they were seen).
            Self.trace(30, ["192.0.2.1", "198.51.100.77", nil, "203.0.113.10"]),
            Self.trace(40, ["192.0.2.1", "198.51.100.77", nil, "203.0.113.10"]),
        ]
        try withStore(events) { queries in
            let path = try queries.path()
            let latest = try #require(path.latest)
            #expect(latest.time == Fixtures.t0 + 40 * Self.minute && latest.destination == "203.0.113.10")
            #expect(latest.hops.map(\.place) == [.router, .ispFirstHop, nil, nil])
            #expect(latest.hops[2].address == nil && latest.hops[2].rtt == nil)
            #expect(path.changes == [
                .init(time: Fixtures.t0 + 30 * Self.minute, firstHops: ["192.0.2.1", "198.51.100.77", nil]),
                .init(time: Fixtures.t0 + 20 * Self.minute, firstHops: ["192.0.2.1", "198.51.100.77", "198.51.100.9"]),
                .init(time: Fixtures.t0, firstHops: ["192.0.2.1", "198.51.100.1", "198.51.100.9"]),
            ])
        }
        try withStore([Fixtures.probe("a", .internet, at: Fixtures.t0, rtt: 100)]) { queries in
            let none = try queries.path()
            #expect(none.latest == nil && none.changes.isEmpty)
        }
    }

    @Test func eventsFoldIntoRunsPerThingWhateverComesBetween() throws {
        let s = Fixtures.second
        let events = [
            Fixtures.probe("a", .internet, at: Fixtures.t0, rtt: 100),
            Fixtures.probe("b", .internet, at: Fixtures.t0 + s, rtt: 120),
            Fixtures.probe("a", .internet, at: Fixtures.t0 + 2 * s, rtt: 300),  // another RTT: the same run
            Fixtures.probe("a", .internet, at: Fixtures.t0 + 3 * s, rtt: nil),  // failed: a new run
            Fixtures.probe("b", .internet, at: Fixtures.t0 + 4 * s, rtt: 90),
            Fixtures.probe("a", .internet, at: Fixtures.t0 + 5 * s, rtt: 100),  // ok again: a new run
        ]
        let runs = EventRun.runs(events.enumerated().map { LoggedEvent(seq: UInt64($0.offset + 1), event: $0.element) })
        #expect(runs.map(\.count) == [2, 2, 1, 1])
        #expect(runs.map { $0.first / s - Fixtures.t0 / s } == [0, 1, 3, 5])
        #expect(runs.map { $0.last / s - Fixtures.t0 / s } == [2, 4, 3, 5])
        #expect(runs.map(\.bad) == [false, false, true, false])
        #expect(runs[0].subject == runs[2].subject && runs[0].subject != runs[1].subject)
    }

    @Test func anOutagesTimelineReadsInPathOrder() throws {
        let w = try #require(Self.faults.windows.first { $0.fault == .cablePulled })
        try withStore(Self.faults.events) { queries in
            let o = try #require(try queries.outages().first { $0.start >= w.start && $0.start < w.end })
            let d = try #require(try queries.outage(id: o.id))
            let roles = d.timelineInPathOrder.map(\.role)
            #expect(roles.first == "interface" && roles.last == "dns")
            #expect(roles.map(PathOrder.rank) == roles.map(PathOrder.rank).sorted())
            #expect(Set(d.timelineInPathOrder) == Set(d.timeline))
            #expect(d.timelineEnd >= (o.end ?? o.start))
            let runs = try queries.eventRuns(of: d)
            #expect(runs.reduce(0) { $0 + $1.count } > 0)
            #expect(runs.allSatisfy { $0.first >= o.start - OutageDetail.margin && $0.last <= (o.end ?? o.start) + OutageDetail.margin })
        }
    }
}
