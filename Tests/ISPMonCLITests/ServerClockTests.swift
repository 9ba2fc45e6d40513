import Foundation
import ISPMonCore
import Testing
import TestSupport

/// The server reads "now" from one clock (`WebSettings.clock`): a running `ispmon serve` whose
/// clock a test sets (`ISPMON_WEB_CLOCK`) answers relative times (`since=3h`) from that clock,
/// not the kernel's, and the clock runs on from there.
@Suite struct ServerClockTests {
    typealias Served = WebServeTests.Served

    /// The outages of the 3 hours before `now`, as the CLI gives them with explicit times.
    static func expected(_ s: Served, since: String, until: String) throws -> [String] {
        let r = try CLI.run(["outages", "--json", "--since", since, "--until", until], data: s.store)
        return ((try JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    static func ids(_ s: Served, _ cookie: String) throws -> [String] {
        let r = try #require(s.client.get("/api/v1/outages?since=3h&until=0h", headers: [("Cookie", cookie)]))
        #expect(r.status == 200, "\(r.text)")
        return ((r.json as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    @Test func aRunningServerAnswersRelativeTimesFromItsClock() throws {
        // The day of faults of `bench ingest --faults 1` is 2026-03-01: the ISP fails at 07:00, the cable at 15:00.
        let morning = try Served(environment: ["ISPMON_WEB_CLOCK": "2026-03-01T09:00:00Z"])
        guard let (cookie, _) = morning.signIn() else { Issue.record("sign-in failed"); return }
        let seen = try Self.ids(morning, cookie)
        let expectedMorning = try Self.expected(morning, since: "2026-03-01T06:00:00Z", until: "2026-03-01T09:01:00Z")
        #expect(!seen.isEmpty && seen == expectedMorning)

        let afternoon = try Served(environment: ["ISPMON_WEB_CLOCK": "2026-03-01T16:00:00Z"])
        guard let (cookie2, _) = afternoon.signIn() else { Issue.record("sign-in failed"); return }
        let later = try Self.ids(afternoon, cookie2)
        #expect(!later.isEmpty && Set(later).isDisjoint(with: seen))
        let expectedAfternoon = try Self.expected(afternoon, since: "2026-03-01T13:00:00Z", until: "2026-03-01T16:01:00Z")
        #expect(later == expectedAfternoon)

        // A clock that is no time is one error, and nothing serves.
        let bad = try CLI.run(["serve", "--listen", "127.0.0.1:0"], data: afternoon.store, environment: ["ISPMON_WEB_CLOCK": "noon"])
        #expect(bad.status != 0 && bad.stderr.contains("ISPMON_WEB_CLOCK 'noon'"), "\(bad.stderr)")
    }
}
