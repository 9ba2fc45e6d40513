import Foundation
import ISPMonConfig
import ISPMonControl
import ISPMonCore
import ISPMonQuery
import ISPMonStore
import Logging
@testable import ISPMonServer
import Synchronization
import TestSupport
import Testing

/// The server reads "now" from one clock (`WebSettings.clock`): a running server whose clock a
/// test sets answers relative times (`since=3h`) from that clock, not the kernel's.
@Suite struct ServerClockTests {
    @Test func aRunningServerAnswersRelativeTimesFromItsClock() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        try store.append(SyntheticFaults(days: 2, seed: 5).events[...])
        let queries = Queries(store: store)
        // The API answers only once an admin password is set.
        _ = try AuthStore(storeDirectory: dir.path).setPassword("a long enough password")
        let secret = try AuthStore(storeDirectory: dir.path).createToken(name: "reader", readOnly: true, now: Fixtures.t0)

        let day: Int64 = 86_400_000_000, hour: Int64 = 3_600_000_000
        let now = Mutex<Int64>(Fixtures.t0 + day + 9 * hour)
        var settings = WebSettings(listen: .init(host: "127.0.0.1", port: 0))
        settings.clock = WallClock { Timestamp(microseconds: now.withLock { $0 }) }
        let server = WebServer(queries: queries, settings: settings, inProcess: false, checks: RouteTableTests.NoChecks(),
                               logger: Logger(label: "test"))
        try server.start()
        defer { server.stop() }
        let client = HTTPClient(port: UInt16(server.port.load(ordering: .relaxed)))

        func ids(_ path: String) throws -> [String] {
            let r = try #require(client.get(path, headers: [("Authorization", "Bearer " + secret)]), "no answer to \(path)")
            #expect(r.status == 200, "\(path): \(r.text)")
            let list = try #require(r.json as? [[String: Any]], "\(r.text)")
            return list.compactMap { $0["id"] as? String }
        }
        func expected(since: Int64, until: Int64) throws -> [String] {
            try queries.outages(OutageQuery(window: TimeWindow(since: since, until: until))).map(\.id)
        }

        // Day 2, 09:00: the last three hours hold the ISP's fault of 07:00.
        let morning = try ids("/api/v1/outages?since=3h&until=0h")
        #expect(!morning.isEmpty)
        #expect(morning == (try expected(since: Fixtures.t0 + day + 6 * hour, until: Fixtures.t0 + day + 9 * hour)))
        // The clock set to day 2, 16:00: the cable pulled at 15:00, and not the morning's.
        now.withLock { $0 = Fixtures.t0 + day + 16 * hour }
        let afternoon = try ids("/api/v1/outages?since=3h&until=0h")
        #expect(!afternoon.isEmpty && Set(afternoon).isDisjoint(with: morning))
        #expect(afternoon == (try expected(since: Fixtures.t0 + day + 13 * hour, until: Fixtures.t0 + day + 16 * hour)))
    }
}

enum Fixtures {
    static let t0: Int64 = 1_772_323_200_000_000  // 2026-03-01T00:00:00Z, where SyntheticFaults begins
}
