import Foundation
import Testing
import ISPMonCore
@testable import ISPMonQuery

/// The pure queries over hand-built projections.
@Suite struct ViewQueryTests {
    static let faults = SyntheticFaults(days: 2, seed: 3)
    static let projection = Fixtures.projection(faults.events)

    @Test func statusSaysRunningOnlyWhileTheLockIsHeld() {
        let started = Fixtures.projection([Event(time: Timestamp(microseconds: Fixtures.t0), body: .monitor(MonitorState(state: .started)))])
        #expect(StatusAnswer(started, monitorRunning: true).monitor == .running)
        #expect(StatusAnswer(started, monitorRunning: false).monitor == .stopped, "a log that says started with no process behind it")
        #expect(StatusAnswer(started, monitorRunning: nil).monitor == .running, "as of a past time: what the log said")
        let empty = Fixtures.projection([Fixtures.probe("router", .gateway, at: Fixtures.t0, rtt: 400)])
        #expect(StatusAnswer(empty, monitorRunning: false).monitor == .unknown)
        #expect(StatusAnswer(empty, monitorRunning: true).monitor == .running)
    }

    @Test func statusShowsTheOpenOutageAndTheLayers() {
        var events: [Event] = []
        for i in 0..<6 {
            let t = Fixtures.t0 + Int64(i) * 10 * Fixtures.second
            events.append(Fixtures.probe("router", .gateway, at: t, rtt: 400))
            events.append(Fixtures.probe("one", .internet, at: t + 1, rtt: i < 2 ? 11_000 : nil))
        }
        let s = StatusAnswer(Fixtures.projection(events), monitorRunning: false)
        #expect(s.connectivity == .down)
        #expect(s.dns == .unknown)
        #expect(s.openOutage?.cause == .isp)
        #expect(s.openOutage?.end == nil)
        #expect(s.targets.map(\.name) == ["one", "router"])
        #expect(s.lastSeq == 12)
    }

    @Test func outagesOverlappingAWindowAndLongEnough() {
        let all = OutageQuery().answer(Self.projection)
        #expect(all.count == 8, "4 connectivity and 1 DNS outage a day minus none: \(all.map(\.id))")
        let day2 = Fixtures.t0 + 86_400 * Fixtures.second
        let second = OutageQuery(window: TimeWindow(since: day2)).answer(Self.projection)
        #expect(second.allSatisfy { ($0.end ?? .max) >= day2 })
        #expect(second.count == 4)
        let long = OutageQuery(minDuration: 300).answer(Self.projection)
        #expect(long.allSatisfy { $0.duration >= 300 * Fixtures.second })
        #expect(long.count < all.count)
        // A window ending in the middle of an outage still selects it (overlap).
        let isp = Self.faults.windows.first { $0.fault == .ispDown }!
        let cut = OutageQuery(window: TimeWindow(since: isp.start + 60 * Fixtures.second, until: isp.start + 61 * Fixtures.second)).answer(Self.projection)
        #expect(cut.map(\.cause) == [.isp])
    }

    @Test func anOutageExplainedWithItsTimeline() throws {
        let isp = Self.faults.windows.first { $0.fault == .ispDown }!
        let o = try #require(OutageQuery().answer(Self.projection).first { $0.cause == .isp })
        let d = try #require(OutageDetail(id: o.id, in: Self.projection))
        #expect(d.outage == o)
        #expect(d.explanation.contains("The router answered throughout."), "\(d.explanation)")
        #expect(d.explanation.contains("The ISP's first hop (isp-edge) did not answer from"), "\(d.explanation)")
        #expect(d.explanation.hasSuffix("So the cause is the ISP (beyond the router) (isp-edge)."), "\(d.explanation)")
        // Every target and the interface, each lane covering [start - 10 min, end + 10 min] without gaps.
        #expect(d.timeline.map(\.name) == ["isp-edge", "one-one", "quad-nine", "resolver", "resolver-2", "router", "switch", "web", "eth0"])
        for lane in d.timeline {
            #expect(lane.intervals.first?.start == o.start - OutageDetail.margin, "\(lane.name)")
            #expect(lane.intervals.last?.end == (o.end ?? 0) + OutageDetail.margin, "\(lane.name)")
            for (a, b) in zip(lane.intervals, lane.intervals.dropFirst()) {
                #expect(a.end == b.start && a.state != b.state, "\(lane.name): \(a) then \(b)")
            }
        }
        let edge = try #require(d.timeline.first { $0.name == "isp-edge" })
        #expect(edge.intervals.map(\.state) == [.up, .down, .up])
        #expect(edge.intervals[1].start <= isp.start + 10 * Fixtures.second)
        #expect(d.timeline.first { $0.name == "router" }?.intervals.map(\.state) == [.up])
        #expect(d.timeline.first { $0.name == "eth0" }?.role == "interface")
        #expect(OutageDetail(id: "c-20990101T000000Z", in: Self.projection) == nil)
    }

    @Test func aDNSOutageIsExplainedAsDNS() throws {
        let o = try #require(OutageQuery().answer(Self.projection).first { $0.kind == .dns })
        let d = try #require(OutageDetail(id: o.id, in: Self.projection))
        #expect(d.explanation.hasPrefix("The DNS resolvers did not answer from "), "\(d.explanation)")
        #expect(d.explanation.contains("while the internet hosts did"))
        #expect(d.timeline.first { $0.name == "resolver" }?.intervals.map(\.state) == [.up, .down, .up])
    }

    /// The layers' sentences say which answered; the conclusion does not say it again.
    @Test func anExplanationSaysEachFactOnce() throws {
        func explained(_ roles: [(String, Role)]) throws -> String {
            var events: [Event] = []
            for i in 0..<6 {
                let t = Fixtures.t0 + Int64(i) * 10 * Fixtures.second
                for (name, role) in roles { events.append(Fixtures.probe(name, role, at: t, rtt: 400)) }
                events.append(Fixtures.probe("one", .internet, at: t + 1, rtt: i < 2 ? 11_000 : nil))
            }
            let p = Fixtures.projection(events)
            let o = try #require(OutageQuery().answer(p).first)
            return try #require(OutageDetail(id: o.id, in: p)).explanation
        }
        func sentences(_ text: String) -> [String] { text.components(separatedBy: ". ").map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } }

        let upstream = try explained([("router", .gateway), ("isp-edge", .isp)])
        #expect(upstream.contains("The router answered throughout. The ISP's first hop answered throughout. "), "\(upstream)")
        #expect(upstream.hasSuffix(" So the fault lies beyond the ISP's edge."), "\(upstream)")
        #expect(upstream.components(separatedBy: "first hop answered").count == 2, "said once: \(upstream)")
        #expect(Set(sentences(upstream)).count == sentences(upstream).count, "\(upstream)")

        // No ISP hop watched: the fallback rule names the ISP, the router's answers said once.
        let isp = try explained([("router", .gateway)])
        #expect(isp.contains("The router answered throughout. Nothing watched the ISP's first hop then. "), "\(isp)")
        #expect(isp.hasSuffix(" Nothing beyond the router answered, so the cause is the ISP (beyond the router)."), "\(isp)")
        #expect(isp.components(separatedBy: "The router answered").count == 2, "said once: \(isp)")
    }

    @Test func latencyDaysAreTheirHoursMergedInOrder() throws {
        let hourly = LatencyQuery(target: "router").answer(Self.projection)
        let daily = LatencyQuery(target: "router", period: .day).answer(Self.projection)
        #expect(hourly.count == 48)
        #expect(daily.map { LatencyQuery(period: .day).label($0.start) } == ["2026-03-01", "2026-03-02"])
        var first = HourStats()
        for row in hourly.prefix(24) { first.append(row.stats) }
        #expect(daily[0].stats == first)
        #expect(daily[0].stats.sent == hourly.prefix(24).reduce(0) { $0 + $1.stats.sent })
        // Sorted by target, then time; a window selects the hours that overlap it.
        let all = LatencyQuery().answer(Self.projection)
        #expect(all.map(\.target) == all.map(\.target).sorted())
        let window = LatencyQuery(window: TimeWindow(since: Fixtures.t0 + 90 * 60 * Fixtures.second, until: Fixtures.t0 + 3 * 3600 * Fixtures.second))
        #expect(Set(window.answer(Self.projection).map { window.label($0.start) }) == ["2026-03-01T01:00:00Z", "2026-03-01T02:00:00Z", "2026-03-01T03:00:00Z"])
        #expect(LatencyQuery(target: "nobody").answer(Self.projection).isEmpty)
    }

    @Test func speedTestsNewestFirstAndWindowed() throws {
        let events = (0..<5).map { Fixtures.speedTest(at: Fixtures.t0 + Int64($0) * 3600 * Fixtures.second, down: Double(90 + $0)) }
        guard case .tests(let tests) = SpeedTestQuery().answer(Fixtures.projection(events)) else { throw Expected.tests }
        #expect(tests.map(\.time) == events.map(\.time.microseconds).reversed())
        let windowed = SpeedTestQuery(window: TimeWindow(since: Fixtures.t0 + 3600 * Fixtures.second, until: Fixtures.t0 + 7200 * Fixtures.second))
        // A wrong kind of answer is a failure (a thrown error), never a quiet return.
        guard case .tests(let two) = windowed.answer(Fixtures.projection(events)) else { throw Expected.tests }
        #expect(two.map(\.time) == [events[2], events[1]].map(\.time.microseconds), "the tests at 1 h and 2 h, newest first")
    }

    @Test func speedTestSummariesPerDayWeekAndMonth() throws {
        let d1 = Fixtures.day("2026-03-01"), d2 = Fixtures.day("2026-03-02")
        let events = [
            Fixtures.speedTest(at: d1 + 1, down: 80, up: 9), Fixtures.speedTest(at: d1 + 2, down: 100, up: 11),
            Fixtures.speedTest(at: d1 + 3, down: nil), Fixtures.speedTest(at: d1 + 4, down: 90, up: 10),
            Fixtures.speedTest(at: d2 + 1, down: 70, up: 8), Fixtures.speedTest(at: d2 + 2, down: 60, up: 6),
            Fixtures.speedTest(at: Fixtures.day("2026-03-03") + 5, down: nil),
        ]
        let p = Fixtures.projection(events)
        guard case .summaries(let days) = SpeedTestQuery(period: .day).answer(p) else { throw Expected.summaries }
        #expect(days.map(\.period) == ["2026-03-01", "2026-03-02", "2026-03-03"])
        #expect(days.map(\.count) == [4, 2, 1])
        #expect(days.map(\.failures) == [1, 0, 1])
        #expect(days[0].down == SpeedTestQuery.Spread([80, 100, 90]), "odd count: the middle one")
        #expect(days[0].down?.median == 90)
        #expect(days[1].down?.median == 65, "even count: the mean of the middle two")
        #expect(days[1].up?.min == 6 && days[1].up?.max == 8)
        #expect(days[2].down == nil, "only failures: no spread")
        // 2026-03-01 is a Sunday: the end of ISO week 9; Monday the 2nd starts week 10.
        guard case .summaries(let weeks) = SpeedTestQuery(period: .week).answer(p) else { throw Expected.summaries }
        #expect(weeks.map(\.period) == ["2026-W09", "2026-W10"])
        #expect(weeks.map(\.count) == [4, 3])
        #expect(weeks[1].down?.median == 65)
        guard case .summaries(let months) = SpeedTestQuery(period: .month).answer(p) else { throw Expected.summaries }
        #expect(months.map(\.period) == ["2026-03"])
        #expect(months[0].count == 7 && months[0].failures == 2)
        #expect(months[0].down?.median == 80, "80 of 60 70 80 90 100")
    }

    @Test(arguments: [
        ("2026-12-31", "2026-W53"), ("2027-01-01", "2026-W53"), ("2027-01-04", "2027-W01"),
        ("2021-01-03", "2020-W53"), ("2024-12-30", "2025-W01"), ("2026-03-09", "2026-W11"),
    ])
    func isoWeeks(day: String, week: String) {
        #expect(SpeedTestQuery(period: .week).label(Fixtures.day(day) + 12 * 3600 * Fixtures.second) == week)
    }

    /// The query answered with the other kind of list.
    enum Expected: Error { case tests, summaries }
}
