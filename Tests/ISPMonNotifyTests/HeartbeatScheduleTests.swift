import Testing
import ISPMonCore
@testable import ISPMonNotify

/// When the heartbeat pings (pure logic, a fake clock): every interval while up, none while down.
@Suite struct HeartbeatScheduleTests {
    static func at(_ seconds: Int64) -> Timestamp { Timestamp(microseconds: 1_772_366_400_000_000 + seconds * 1_000_000) }

    @Test func everyIntervalWhileUpNoneWhileDownAndAtOnceWhenBack() {
        var h = HeartbeatSchedule(interval: 60_000_000)
        var pings: [Int64] = []
        // Unknown at first (no probe yet): no ping. Up at 5 s, down at 200 s, up again at 400 s.
        for second in Int64(0)..<600 {
            if second == 5 { h.connectivity(.up, at: Self.at(second)) }
            if second == 200 { h.connectivity(.down, at: Self.at(second)) }
            if second == 400 { h.connectivity(.up, at: Self.at(second)) }
            if second == 410 { h.connectivity(.up, at: Self.at(second)) }  // the same state again changes nothing
            if h.isDue(now: Self.at(second)) {
                pings.append(second)
                h.pinged(at: Self.at(second))
            }
        }
        #expect(pings == [5, 65, 125, 185, 400, 460, 520, 580])
        h.connectivity(.unknown, at: Self.at(600))
        #expect(!h.isDue(now: Self.at(10_000)))
    }
}
