import Foundation
import TestSupport
import Testing
import ISPMonConfig
import ISPMonCore
import ISPMonQuery
import ISPMonStore
@testable import ISPMonNotify

/// The messages' words from a real store's views: the outage as `ispmon outages --json` has it,
/// the cause in words, the held-back notice, the site's state for state channels; slow speed
/// against the plan.
@Suite struct MessageComposerTests {
    static let t0 = OutboxFromLogTests.t0
    static let s = OutboxFromLogTests.s

    @Test func anOutageAndItsRecoveryInWordsAndJSON() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        _ = try store.append(OutboxFromLogTests.probes(from: 0, to: 100, down: false)
            + OutboxFromLogTests.probes(from: 100, to: 200, down: true))
        let plan = ServicePlan(downMbps: 100, upMbps: 20)
        _ = try store.append([Event(time: Timestamp(microseconds: Self.t0 + 205 * Self.s),
                                    body: .speedtest(SpeedTest(server: "http://192.0.2.5/", outcome: .ok(downMbps: 40, upMbps: 19))))])
        let composer = MessageComposer(site: "home", publicURL: "https://ispmon.lan", plan: plan, store: store)
        let outage = try #require(try Queries(store: store).outages().first)
        let due = DueNotification(key: outage.id + "/outage", trigger: .outage, seq: 40, time: Timestamp(microseconds: outage.start), outage: outage.id)
        let open = try composer.compose(due, heldBackOutage: false, suppressed: 2)
        #expect(open.title == "Internet down at home (cause: \(outage.cause.rawValue))")
        #expect(open.text.contains("Cause: \(outage.cause.inWords)."))
        #expect(open.text.contains("2 more outage notices were held back by flap control"))
        #expect(open.priority == 4 && open.link == "https://ispmon.lan/outages/\(outage.id)")
        #expect(open.outageJSON == String(decoding: JSONForms.outage(outage), as: UTF8.self), "one element of ispmon outages --json")
        #expect(open.state?.connectivityUp == false && open.state?.outageJSON == open.outageJSON)
        #expect(open.state?.speedtestJSON?.contains("\"down_mbps\":40") == true)

        _ = try store.append(OutboxFromLogTests.probes(from: 210, to: 260, down: false)[...])
        let closed = try #require(try Queries(store: store).outages().first)
        let recovery = DueNotification(key: outage.id + "/recovery", trigger: .recovery, seq: 90, time: Timestamp(microseconds: closed.end ?? 0), outage: outage.id)
        let back = try composer.compose(recovery, heldBackOutage: true, suppressed: 0)
        #expect(back.text.contains("back up at home") && back.text.contains(NumberText.duration(closed.duration)))
        #expect(back.text.contains("held back by the outage itself"))
        #expect(back.priority == 3 && back.state?.connectivityUp == true)
    }

    @Test func slowSpeedAgainstThePlan() {
        let plan = ServicePlan(downMbps: 100, upMbps: 20, belowPercent: 80, slowAfter: 2)
        let due = DueNotification(key: "speedtest/9", trigger: .slowSpeed, seq: 9, time: Timestamp(microseconds: Self.t0), inARow: 2)
        let slow = MessageComposer.slowSpeedMessage(due, test: SpeedTest(server: "http://192.0.2.5/", outcome: .ok(downMbps: 40, upMbps: 19)), plan: plan, site: "home")
        #expect(slow.text.contains("2 speed tests in a row slow or failed at home."))
        #expect(slow.text.contains("Last: 40 / 19 Mb/s of 100 / 20 Mb/s (40 % / 95 %, slow below 80 %)."), "\(slow.text)")
        let failed = MessageComposer.slowSpeedMessage(due, test: SpeedTest(server: "s", outcome: .failed(error: "timeout")), plan: plan, site: "home")
        #expect(failed.text.contains("Last: failed (timeout)."))
    }
}
