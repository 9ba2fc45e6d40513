import Foundation
import Testing
import TestSupport
import ISPMonCore

/// The view commands' output, byte for byte, against outputs recorded from the
/// ispmon that computed them inside the CLI (before the query layer existed):
/// moving the computation must not change one byte of `--json`, `--csv` or the
/// tables. `ISPMON_RECORD_GOLDEN=1 swift test --filter GoldenOutputTests`
/// records them anew (only when an output is meant to change; review the diff).
@Suite struct GoldenOutputTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    /// Three days of faults, two notes, a failed speed test, a trace, and a clean stop
    /// at the end (so `monitor` reads `stopped` whether or not a lock is consulted).
    static func events() -> [Event] {
        var events = SyntheticFaults(days: 3, seed: 7).events
        var p = Projection()
        for (i, e) in events.enumerated() { p.apply(e, seq: UInt64(i + 1)) }
        let outages = p.outages()
        let end = (events.map(\.time.microseconds).max() ?? 0) + 1_000_000
        func at(_ offset: Int64) -> Timestamp { Timestamp(microseconds: end + offset) }
        events.append(Event(time: at(0), body: .note(Note(outage: outages[0].id, text: "ISP said: \"cabinet\" fault, <b>fixed</b> ✓"))))
        events.append(Event(time: at(1), body: .note(Note(outage: outages[3].id, text: "router rebooted, second note"))))
        events.append(Event(time: at(2), body: .note(Note(outage: outages[0].id, text: "a, comma"))))
        events.append(Event(time: at(3), body: .speedtest(SpeedTest(server: "http://203.0.113.20/down", outcome: .failed(error: "timeout")))))
        events.append(Event(time: at(4), body: .trace(Trace(destination: "203.0.113.10", hops: [
            .init(ttl: 1, address: "192.0.2.1", rtt: 412), .init(ttl: 2, address: nil, rtt: nil)]))))
        events.append(Event(time: at(5), body: .monitor(MonitorState(state: .stopped))))
        return events
    }

    /// Name of the recorded file → the command's arguments.
    static let cases: [(String, [String])] = [
        ("status", ["status"]),
        ("status-json", ["status", "--json"]),
        ("status-json-as-of", ["status", "--json", "--as-of", "2026-03-02T07:05:00Z"]),
        ("outages", ["outages"]),
        ("outages-json", ["outages", "--json"]),
        ("outages-csv", ["outages", "--csv"]),
        ("outages-json-range", ["outages", "--json", "--since", "2026-03-02T00:00:00Z", "--until", "2026-03-02T12:00:00Z"]),
        ("outages-json-min-duration", ["outages", "--json", "--min-duration", "300"]),
        ("outages-json-as-of", ["outages", "--json", "--as-of", "2026-03-02T07:05:00Z"]),
        ("latency", ["latency", "--target", "router", "--since", "2026-03-02T00:00:00Z", "--until", "2026-03-02T06:00:00Z"]),
        ("latency-json", ["latency", "--json"]),
        ("latency-csv", ["latency", "--csv"]),
        ("latency-daily", ["latency", "--daily"]),
        ("latency-daily-json", ["latency", "--daily", "--json"]),
        ("latency-daily-csv", ["latency", "--daily", "--csv"]),
        ("latency-json-target-range", ["latency", "--json", "--target", "isp-edge", "--since", "2026-03-01T06:30:00Z", "--until", "2026-03-01T09:00:00Z"]),
        ("latency-json-as-of", ["latency", "--json", "--target", "router", "--as-of", "2026-03-01T03:30:00Z"]),
        ("speedtests", ["speedtests"]),
        ("speedtests-json", ["speedtests", "--json"]),
        ("speedtests-csv", ["speedtests", "--csv"]),
        ("speedtests-daily", ["speedtests", "--daily"]),
        ("speedtests-daily-json", ["speedtests", "--daily", "--json"]),
        ("speedtests-weekly-json", ["speedtests", "--weekly", "--json"]),
        ("speedtests-monthly-json", ["speedtests", "--monthly", "--json"]),
        ("speedtests-monthly-csv", ["speedtests", "--monthly", "--csv"]),
        ("speedtests-json-range", ["speedtests", "--json", "--since", "2026-03-02T00:00:00Z", "--until", "2026-03-02T12:00:00Z"]),
    ]

    @Test func viewCommandsPrintWhatTheyPrintedBeforeTheQueryLayer() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let imported = try CLI.run(["import", "-"], stdin: ndjson(Self.events()), data: dir.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        let record = ProcessInfo.processInfo.environment["ISPMON_RECORD_GOLDEN"] == "1"
        if record { try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true) }
        for (name, args) in Self.cases {
            // Tables show local time: fix the zone so the recorded bytes hold anywhere.
            let r = try CLI.run(args, data: dir.path, environment: ["TZ": "UTC"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let file = Self.folder + "/" + name + ".txt"
            if record {
                try r.stdout.write(to: URL(fileURLWithPath: file))
                continue
            }
            let expected = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(r.stdout == expected, "\(name) (ispmon \(args.joined(separator: " "))) differs from \(file):\n\(r.out)")
        }
    }
}
