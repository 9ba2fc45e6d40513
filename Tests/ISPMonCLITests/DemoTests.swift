import Foundation
import Testing
import TestSupport

/// `ispmon bench ingest --faults DAYS`, the stream `tools/run demo` shows: every day's
/// router hang, ISP fault, resolver fault and pulled cable are one outage each, with
/// their causes and culprits; the lossy hour, the monitor's restart and the dead web
/// host are none.
@Suite struct DemoTests {
    /// Per day, in order: kind, cause, culprits, the hour (UTC) the fault starts and its length in seconds.
    static let expected: [(kind: String, cause: String, culprits: [String], hour: Int, seconds: Double)] = [
        ("connectivity", "gateway", ["router"], 2, 240),
        ("connectivity", "isp", ["isp-edge"], 7, 600),
        ("dns", "dns", ["resolver", "resolver-2"], 11, 300),
        ("connectivity", "local", ["eth0"], 15, 240),
    ]

    @Test func theFaultStreamsOutagesAreListedWithTheirCauses() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ingest = try CLI.run(["bench", "ingest", "--faults", "2"], data: dir.path)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        // The injected faults are listed with the diagnosis to expect: six a day, and the dead host once.
        for fault in ["the router hangs", "the ISP's edge goes down", "both resolvers fail", "the cable is pulled",
                      "5 % loss to the internet", "the monitor is stopped"] {
            #expect(ingest.out.components(separatedBy: fault).count - 1 == 2, "\(fault) in:\n\(ingest.out)")
        }
        #expect(ingest.out.components(separatedBy: "the web host dies").count - 1 == 1)

        let json = try CLI.run(["outages", "--json"], data: dir.path)
        #expect(json.status == 0, "\(json.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(list.count == 2 * Self.expected.count, "\(json.out)")
        for (i, o) in list.enumerated() where i < 2 * Self.expected.count {
            let day = i / Self.expected.count + 1
            let e = Self.expected[i % Self.expected.count]
            #expect(o["kind"] as? String == e.kind)
            #expect(o["cause"] as? String == e.cause)
            #expect(o["culprits"] as? [String] == e.culprits)
            // Starts at the first failed probe of the fault (within a second of it here), and ends
            // at the first success after it (within a probe interval, at most a minute).
            let prefix = (e.kind == "dns" ? "d-" : "c-") + String(format: "202603%02dT%02d0000", day, e.hour)
            #expect((o["id"] as? String)?.hasPrefix(prefix) == true, "\(o["id"] ?? "no id"), expected \(prefix)")
            #expect(o["end"] is String)
            let duration = o["duration_s"] as? Double ?? 0
            #expect(duration > e.seconds - 1 && duration < e.seconds + 60, "\(o["id"] ?? ""): \(duration) s")
        }

        // The table for people says the causes in words, with the culprits.
        let table = try CLI.run(["outages"], data: dir.path)
        #expect(table.status == 0)
        for words in ["the router: router", "the ISP (beyond the router): isp-edge",
                      "the DNS resolvers: resolver, resolver-2", "this machine's link (cable, Wi-Fi): eth0"] {
            #expect(table.out.components(separatedBy: words).count - 1 == 2, "\(words) in:\n\(table.out)")
        }

        // The demo notes an outage by the id the CSV gives; the note shows with it.
        let csv = try CLI.run(["outages", "--csv"], data: dir.path)
        let rows: [[Substring]] = csv.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let ispRow: [Substring]? = rows.first { $0.count > 5 && $0[5] == "isp" }
        let ispOutage = String(try #require(ispRow?.first))
        let text = "ISP confirmed a fault in the street cabinet (ticket 4711)"
        let note = try CLI.run(["note", ispOutage, text], data: dir.path)
        #expect(note.status == 0, "\(note.stderr)")
        let after = try CLI.run(["outages", "--json"], data: dir.path)
        let outages = try #require(try JSONSerialization.jsonObject(with: after.stdout) as? [[String: Any]])
        let noted: [String: Any]? = outages.first { $0["id"] as? String == ispOutage }
        let notes: [[String: Any]] = noted?["notes"] as? [[String: Any]] ?? []
        #expect(notes.last?["text"] as? String == text)

        let verify = try CLI.run(["verify"], data: dir.path)
        #expect(verify.status == 0, "\(verify.out)\(verify.stderr)")
    }

    @Test func theJSONResultCountsEveryEventWritten() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let ingest = try CLI.run(["bench", "ingest", "--faults", "1", "--batch", "5000", "--json"], data: dir.path)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        // --json is one object, as without --faults: no list of faults after it.
        let result = try #require(try JSONSerialization.jsonObject(with: ingest.stdout) as? [String: Any])
        #expect(result["batch"] as? Int == 5000)
        let export = try CLI.run(["export"], data: dir.path)
        let lines = export.out.split(separator: "\n")
        #expect(result["events"] as? Int == lines.count)
        #expect(lines.count > 30_000)  // eight targets probed every 10 s to 60 s for a day
        // The same seed gives the same stream: a second store holds the same events.
        let again = TempDir()
        defer { again.cleanup() }
        #expect(try CLI.run(["bench", "ingest", "--faults", "1", "--json"], data: again.path).status == 0)
        #expect(try CLI.run(["export"], data: again.path).stdout == export.stdout)
    }

    @Test func aStoreWithEventsIsRefusedAndBadArgumentsAreErrors() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(try CLI.run(["bench", "ingest", "--faults", "1"], data: dir.path).status == 0)
        let before = try CLI.run(["export"], data: dir.path).stdout
        let second = try CLI.run(["bench", "ingest", "--faults", "1"], data: dir.path)
        #expect(second.status == 1)
        #expect(second.stderr.contains("already holds events"), "\(second.stderr)")
        #expect(try CLI.run(["export"], data: dir.path).stdout == before)

        for args in [["--faults", "0"], ["--faults", "32"], ["--faults", "1", "--events", "10"], []] {
            let bad = try CLI.run(["bench", "ingest"] + args)
            #expect(bad.status == 64, "\(args): \(bad.stderr)")  // ArgumentParser's usage error
            #expect(bad.stderr.contains("--faults"), "\(args): \(bad.stderr)")
        }
    }
}
