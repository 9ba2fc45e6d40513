import Testing
import ISPMonConfig
import ISPMonCore
@testable import ISPMonNotify

/// What in the log is a notification (pure logic): runs of slow or failed speed tests, the
/// monitor's unclean starts and stops, outages from the views' changes.
@Suite struct TriggerDetectorTests {
    static let t0: Int64 = 1_772_366_400_000_000
    static let s: Int64 = 1_000_000
    static let plan = ServicePlan(downMbps: 100, upMbps: 20, belowPercent: 80, slowAfter: 2)

    static func test(_ minute: Int64, down: Double?, up: Double = 19) -> Event {
        Event(time: Timestamp(microseconds: t0 + minute * 60 * s),
              body: .speedtest(SpeedTest(server: "http://192.0.2.5/", outcome: down.map { .ok(downMbps: $0, upMbps: up) } ?? .failed(error: "timeout"))))
    }

    static func monitor(_ second: Int64, _ state: MonitorState.State) -> Event {
        Event(time: Timestamp(microseconds: t0 + second * s), body: .monitor(MonitorState(state: state, removed: [])))
    }

    /// The keys `events` make due, fed one by one from seq 1.
    static func keys(_ events: [Event], _ detector: inout TriggerDetector) -> [String] {
        events.enumerated().flatMap { i, e in detector.observe(e, seq: UInt64(i + 1)).map(\.key) }
    }

    @Test func slowSpeedOnceAfterSlowAfterSlowOrFailedTestsInARow() {
        var d = TriggerDetector(plan: Self.plan)
        // good, slow, failed (2 in a row: due at the failed one, seq 3), slow (same run: nothing),
        // good, slow (1), good, failed, failed (due: seq 9).
        let events = [Self.test(0, down: 95), Self.test(1, down: 50), Self.test(2, down: nil), Self.test(3, down: 10),
                      Self.test(4, down: 99), Self.test(5, down: 70), Self.test(6, down: 90), Self.test(7, down: nil), Self.test(8, down: nil)]
        #expect(Self.keys(events, &d) == ["speedtest/3", "speedtest/9"])
        // A slow upload counts as slow too.
        var e = TriggerDetector(plan: Self.plan)
        #expect(Self.keys([Self.test(0, down: 95, up: 5), Self.test(1, down: 95, up: 5)], &e) == ["speedtest/2"])
    }

    @Test func slowAfterOneAndNoPlan() {
        var one = TriggerDetector(plan: ServicePlan(downMbps: 100, upMbps: 20, slowAfter: 1))
        #expect(Self.keys([Self.test(0, down: 10), Self.test(1, down: 10), Self.test(2, down: 99), Self.test(3, down: nil)], &one)
            == ["speedtest/1", "speedtest/4"])
        var none = TriggerDetector(plan: nil)
        #expect(Self.keys([Self.test(0, down: nil), Self.test(1, down: nil), Self.test(2, down: nil)], &none).isEmpty)
    }

    @Test func aRunThatBeganBeforeTheCursorIsContinuedNotRepeated() {
        // The seed: the last slow_after tests before the cursor, both slow (the run was told).
        var d = TriggerDetector(plan: Self.plan, seed: .init(speedTests: [Self.test(0, down: 10), Self.test(1, down: nil)]))
        #expect(Self.keys([Self.test(2, down: 10)], &d).isEmpty)
        var half = TriggerDetector(plan: Self.plan, seed: .init(speedTests: [Self.test(0, down: 99), Self.test(1, down: nil)]))
        #expect(Self.keys([Self.test(2, down: 10)], &half) == ["speedtest/1"])
    }

    @Test func theMonitorIsToldOfAStartAfterAnUncleanStopAndOfStops() {
        var d = TriggerDetector(plan: nil)
        let probe = Event(time: Timestamp(microseconds: Self.t0 + 50 * Self.s),
                          body: .probe(Probe(target: "r", role: .gateway, method: .icmp, outcome: .ok(rtt: 400))))
        let events = [
            Self.monitor(0, .started),  // 1: the log's first start: nothing before it
            probe,  // 2
            Self.monitor(100, .started),  // 3: no stop before it: unclean, unmonitored from 50 s to 100 s
            Self.monitor(110, .reloaded),  // 4
            Self.monitor(120, .stopped),  // 5: a stop
            Self.monitor(200, .started),  // 6: after a clean stop: nothing
        ]
        var dues: [DueNotification] = []
        for (i, e) in events.enumerated() { dues += d.observe(e, seq: UInt64(i + 1)) }
        #expect(dues.map(\.key) == ["monitor/3", "monitor/5"])
        #expect(dues.first?.unmonitored == 50 * Self.s)
        #expect(dues.first?.stopped == false && dues.last?.stopped == true)
        // Notify events are not the monitor's: they neither end a run nor make anything due.
        var e = TriggerDetector(plan: nil, seed: .init(lastMonitorState: .started, lastEventTime: Timestamp(microseconds: Self.t0)))
        let notify = Event(time: Timestamp(microseconds: Self.t0 + 30 * Self.s), body: .notify(NotifyAttempt(key: "k", channel: "c", attempt: 1, error: nil)))
        #expect(e.observe(notify, seq: 7).isEmpty)
        #expect(e.observe(Self.monitor(60, .started), seq: 8).first?.unmonitored == 60 * Self.s)
    }

    @Test func outagesAreOneNotificationEachFromTheViewsChanges() {
        let d = TriggerDetector(plan: nil)
        let id = Outage.id(kind: .connectivity, start: Self.t0 + 5 * Self.s)
        let changes: [ViewChange] = [.target(name: "a", state: .down), .target(name: "b", state: .down), .layer(.internet, .down),
                                     .outageOpened(id), .outageClosed(id)]
        let dues = d.observe(changes, seq: 40, times: Timestamp(microseconds: Self.t0 + 80 * Self.s)...Timestamp(microseconds: Self.t0 + 90 * Self.s))
        #expect(dues.map(\.key) == [id + "/outage", id + "/recovery"])
        #expect(dues.first?.time == Timestamp(microseconds: Self.t0 + 5 * Self.s))  // the outage's start
        #expect(dues.allSatisfy { $0.outage == id && $0.seq == 40 })
    }

    @Test func outageIDsGiveTheirStart() {
        for start in [Self.t0, Self.t0 + 250_000, Self.t0 + 1] {
            for kind in [Outage.Kind.connectivity, .dns] {
                let id = Outage.id(kind: kind, start: start)
                #expect(DueNotification.start(ofOutage: id) == Timestamp(microseconds: start), "\(id)")
            }
        }
        #expect(DueNotification.start(ofOutage: "c-2026") == nil)
    }
}
