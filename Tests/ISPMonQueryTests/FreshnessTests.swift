import Testing
import ISPMonCore
@testable import ISPMonQuery

/// Whether the state is being watched now (docs/web.md, "freshness first").
@Suite struct FreshnessTests {
    @Test func monitoringNeedsTheLockAndAFreshResult() {
        let s = Fixtures.second
        let started = Event(time: Timestamp(microseconds: Fixtures.t0), body: .monitor(MonitorState(state: .started)))
        let probe = Fixtures.probe("router", .gateway, at: Fixtures.t0 + 10 * s, rtt: 400)
        let note = Event(time: Timestamp(microseconds: Fixtures.t0 + 3600 * s), body: .note(Note(outage: "c-20260301T000000Z", text: "hm")))
        let p = Fixtures.projection([started, probe, note])
        let running = StatusAnswer(p, monitorRunning: true)
        #expect(running.lastResult == Fixtures.t0 + 10 * s, "the newest result, not the note")
        #expect(running.isMonitoring(now: Fixtures.t0 + 40 * s, staleAfter: 30 * s))
        #expect(!running.isMonitoring(now: Fixtures.t0 + 41 * s, staleAfter: 30 * s), "older than allowed")
        #expect(running.isMonitoring(now: Fixtures.t0 + 86_400 * s, staleAfter: nil), "no interval known: the lock decides")
        let stopped = StatusAnswer(p, monitorRunning: false)
        #expect(!stopped.isMonitoring(now: Fixtures.t0 + 11 * s, staleAfter: 30 * s), "nothing holds the store")
    }
}
