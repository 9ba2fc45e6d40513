import Foundation
import ISPMonCore
import Testing
import TestSupport

/// `GET /api/v1/events` is written a page (128 events) at a time (EventPages): the pages,
/// joined, are the answer the whole query has, in both orders, with filters, in both forms,
/// whatever the limit's place among the pages.
@Suite(.serialized) struct EventPagesTests {
    @Test func thePagesJoinedAreTheCLIsEvents() throws {
        let s = try WebServeTests.Served()
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        func lines(_ path: String) -> [String] {
            let r = s.client.get(path, headers: [("Cookie", cookie)])
            #expect(r?.status == 200, "\(path): \(r?.status ?? 0)")
            return r?.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) ?? []
        }
        // The CLI prints every event, oldest first.
        let all = try CLI.run(["events", "--json"], data: s.store).out.split(separator: "\n").map(String.init)
        #expect(all.count > 10_000, "the store must hold more than the largest answer: \(all.count)")
        #expect(lines("/api/v1/events?limit=10000&order=asc") == Array(all.prefix(10_000)))
        #expect(lines("/api/v1/events?limit=10000") == Array(all.suffix(10_000).reversed()))
        // A limit that ends a page exactly, and one a page and one event long.
        #expect(lines("/api/v1/events?limit=256&order=asc") == Array(all.prefix(256)))
        #expect(lines("/api/v1/events?limit=129") == Array(all.suffix(129).reversed()))
        // Filters: fewer events than the limit, over many pages of the log.
        let router = try CLI.run(["events", "--json", "--type", "probe", "--target", "router"], data: s.store).out
            .split(separator: "\n").map(String.init)
        #expect(router.count > 300)
        #expect(lines("/api/v1/events?limit=300&type=probe&target=router") == Array(router.suffix(300).reversed()))
        #expect(lines("/api/v1/events?limit=10000&order=asc&type=probe&target=router") == Array(router.prefix(10_000)))
        // CSV: the header once, then one row an event, in the same order as the NDJSON.
        let csv = lines("/api/v1/events?limit=1000&order=asc&format=csv")
        #expect(csv.count == 1001 && csv.first?.hasPrefix("seq,time,type,") == true)
        #expect(csv.filter { $0.hasPrefix("seq,") }.count == 1)
        let seqs = all.prefix(1000).compactMap { line -> String? in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["seq"].map { "\($0)" }
        }
        #expect(csv.dropFirst().map { String($0.prefix { $0 != "," }) } == seqs)
    }
}
