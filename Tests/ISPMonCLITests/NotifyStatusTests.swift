import Foundation
import Testing
import TestSupport
import ISPMonCore

/// `notify` events through the real binary: imported, exported, listed by `ispmon events --type
/// notify`, and what `ispmon notify status` makes of them.
@Suite struct NotifyStatusTests {
    static let t0: Int64 = 1_772_366_400_000_000

    static func notify(_ key: String, _ channel: String, _ attempt: Int, _ error: String?, detail: String? = nil, at second: Int64) -> Event {
        Event(time: Timestamp(microseconds: t0 + second * 1_000_000),
              body: .notify(NotifyAttempt(key: key, channel: channel, attempt: attempt, error: error, detail: detail)))
    }

    static let events: [Event] = [
        Event(time: Timestamp(microseconds: t0), body: .monitor(MonitorState(state: .started))),
        notify("c-20260301T120005Z/outage", "phone", 1, "timeout", detail: "no answer in 10 s", at: 6),
        notify("c-20260301T120005Z/outage", "phone", 2, "refused", at: 11),
        notify("c-20260301T120005Z/outage", "lan", 1, nil, detail: "200 OK", at: 6),
        notify("speedtest/7", "lan", 1, "http-status", detail: "500 Internal Server Error", at: 20),
        notify("speedtest/7", "lan", 2, "expired", at: 30),
    ]

    @Test func notifyEventsImportExportAndTheStatusListsWhatIsNotDelivered() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let imported = try CLI.run(["import", "-"], stdin: ndjson(Self.events), data: dir.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try CLI.run(["export"], data: dir.path).stdout == ndjson(Self.events, withSeq: true))
        let listed = try CLI.run(["events", "--type", "notify"], data: dir.path)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.out.contains("notify phone") && listed.out.lowercased().contains("failed: refused") && listed.out.contains("delivered"))

        let status = try CLI.run(["notify", "status", "--json"], data: dir.path)
        #expect(status.status == 0, "\(status.stderr)")
        let root = try JSONSerialization.jsonObject(with: status.stdout) as? [String: Any]
        let channels = root?["channels"] as? [[String: Any]] ?? []
        #expect(channels.compactMap { $0["name"] as? String } == ["lan", "phone"])
        let entries = channels.flatMap { $0["entries"] as? [[String: Any]] ?? [] }
        #expect(entries.map { "\($0["key"] ?? "") \($0["state"] ?? "") \($0["attempts"] ?? "") \($0["error"] ?? "")" } == [
            "speedtest/7 expired 2 http-status",
            "c-20260301T120005Z/outage pending 2 refused",
        ])

        let table = try CLI.run(["notify", "status"], data: dir.path)
        #expect(table.status == 0)
        #expect(table.out.contains("c-20260301T120005Z/outage") && table.out.contains("pending") && table.out.contains("refused"))
    }

    @Test func aBadNotifyLineIsOneClearErrorOnImport() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let line = #"{"time":"2026-03-01T12:00:00Z","type":"notify","key":"a b","channel":"phone","ok":true,"attempt":1}"# + "\n"
        let r = try CLI.run(["import", "-"], stdin: Data(line.utf8), data: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains(":1:") && r.stderr.contains("is not a notification key"), "\(r.stderr)")
    }

    @Test func theSettingsPageListsWhatIsPendingOrGivenUp() throws {
        let s = try WebServeTests.Served()
        #expect(try CLI.run(["import", "-"], stdin: ndjson(Array(Self.events.dropFirst())), data: s.store).status == 0)
        guard let (cookie, _) = s.signIn() else { Issue.record("sign-in failed"); return }
        let page = s.client.get("/settings", headers: [("Cookie", cookie)])?.text ?? ""
        let section = page.components(separatedBy: "<section id=\"notifications\">").dropFirst().first?
            .components(separatedBy: "</section>").first ?? ""
        #expect(section.contains("No notification channels in the config"), "\(section)")
        // No channel in the config: what the log says is pending for `phone` will not be tried.
        #expect(section.contains("<td>phone</td><td>c-20260301T120005Z/outage</td><td>removed</td><td class=\"number\">2</td>"), "\(section)")
        #expect(section.contains("<td>lan</td><td>speedtest/7</td><td>expired</td>") && section.contains("http-status: 500 Internal Server Error"))
        #expect(!section.contains("<td>lan</td><td>c-20260301T120005Z/outage</td>"), "delivered: not listed")
    }
}
