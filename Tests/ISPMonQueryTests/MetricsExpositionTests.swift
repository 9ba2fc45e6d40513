import Foundation
import Testing
import TestSupport
import ISPMonCore
import ISPMonStore
@testable import ISPMonQuery

/// `GET /metrics`: the Prometheus form of the views (docs/metrics.md).
@Suite struct MetricsExpositionTests {
    static let s = Fixtures.second

    /// Every 10 s for two minutes: the router answers, the resolver answers, the internet
    /// host `one` fails three times from 00:00:30 (an outage of 30 s, ended) and again
    /// from 00:01:30 (open at the end); `web` failed once (unknown: fewer than
    /// `down_after` failures); one speed test succeeded, a later one failed.
    static let small: [Event] = {
        var events: [Event] = []
        events.append(Fixtures.speedTest(at: Fixtures.t0 + 5 * s, down: 94.2, up: 18.1))
        for i in 0..<12 {
            let t = Fixtures.t0 + Int64(i) * 10 * s
            events.append(Fixtures.probe("router", .gateway, at: t, rtt: 400))
            let fails = (3...5).contains(i) || i >= 9
            events.append(Fixtures.probe("one", .internet, at: t + 1, rtt: fails ? nil : 11_000 + Int64(i)))
            events.append(Event(time: Timestamp(microseconds: t + 2), body: .probe(Probe(
                target: "resolver", role: .dns, method: .dns, outcome: .ok(rtt: 12_345)))))
            if i == 6 { events.append(Fixtures.speedTest(at: t + 3, down: nil)) }
        }
        events.append(Event(time: Timestamp(microseconds: Fixtures.t0 + 95 * s), body: .probe(Probe(
            target: "web", role: .internet, method: .http, outcome: .failed(error: "timeout")))))
        return events
    }()

    static func text(_ events: [Event], storeBytes: Int = 4096) -> String {
        String(decoding: PrometheusExposition.text(MetricsAnswer(Fixtures.projection(events), storeBytes: storeBytes)), as: UTF8.self)
    }

    /// The sample lines of `text` (no comments).
    static func samples(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    @Test func theExactTextOfASmallStore() {
        let expected = """
            # HELP ispmon_connectivity_up Whether the internet answers: 1 up, 0 down (every internet reference host down); absent while unknown.
            # TYPE ispmon_connectivity_up gauge
            ispmon_connectivity_up 0
            # HELP ispmon_dns_up Whether the DNS resolvers answer: 1 up, 0 down (every resolver down); absent while unknown.
            # TYPE ispmon_dns_up gauge
            ispmon_dns_up 1
            # HELP ispmon_target_up Whether the target answers: 1 up, 0 down; absent while the target is unknown.
            # TYPE ispmon_target_up gauge
            ispmon_target_up{target="one",role="internet",method="icmp"} 0
            ispmon_target_up{target="resolver",role="dns",method="dns"} 1
            ispmon_target_up{target="router",role="gateway",method="icmp"} 1
            # HELP ispmon_target_rtt_seconds The round-trip time of the target's latest successful probe.
            # TYPE ispmon_target_rtt_seconds gauge
            ispmon_target_rtt_seconds{target="one",role="internet",method="icmp"} 0.011008
            ispmon_target_rtt_seconds{target="resolver",role="dns",method="dns"} 0.012345
            ispmon_target_rtt_seconds{target="router",role="gateway",method="icmp"} 0.0004
            # HELP ispmon_probes_total Probes of the target recorded in the log, by result.
            # TYPE ispmon_probes_total counter
            ispmon_probes_total{target="one",role="internet",method="icmp",result="ok"} 6
            ispmon_probes_total{target="one",role="internet",method="icmp",result="error"} 6
            ispmon_probes_total{target="resolver",role="dns",method="dns",result="ok"} 12
            ispmon_probes_total{target="resolver",role="dns",method="dns",result="error"} 0
            ispmon_probes_total{target="router",role="gateway",method="icmp",result="ok"} 12
            ispmon_probes_total{target="router",role="gateway",method="icmp",result="error"} 0
            ispmon_probes_total{target="web",role="internet",method="http",result="ok"} 0
            ispmon_probes_total{target="web",role="internet",method="http",result="error"} 1
            # HELP ispmon_outages_total Ended outages, by kind and cause.
            # TYPE ispmon_outages_total counter
            ispmon_outages_total{kind="connectivity",cause="local"} 0
            ispmon_outages_total{kind="connectivity",cause="device"} 0
            ispmon_outages_total{kind="connectivity",cause="gateway"} 0
            ispmon_outages_total{kind="connectivity",cause="isp"} 1
            ispmon_outages_total{kind="connectivity",cause="upstream"} 0
            ispmon_outages_total{kind="connectivity",cause="unknown"} 0
            ispmon_outages_total{kind="dns",cause="dns"} 0
            # HELP ispmon_outage_seconds_total Total duration of the ended outages, by kind and cause.
            # TYPE ispmon_outage_seconds_total counter
            ispmon_outage_seconds_total{kind="connectivity",cause="local"} 0
            ispmon_outage_seconds_total{kind="connectivity",cause="device"} 0
            ispmon_outage_seconds_total{kind="connectivity",cause="gateway"} 0
            ispmon_outage_seconds_total{kind="connectivity",cause="isp"} 30
            ispmon_outage_seconds_total{kind="connectivity",cause="upstream"} 0
            ispmon_outage_seconds_total{kind="connectivity",cause="unknown"} 0
            ispmon_outage_seconds_total{kind="dns",cause="dns"} 0
            # HELP ispmon_outage_open Whether an outage of the kind is open now: 1 or 0.
            # TYPE ispmon_outage_open gauge
            ispmon_outage_open{kind="connectivity"} 1
            ispmon_outage_open{kind="dns"} 0
            # HELP ispmon_speedtest_download_bytes_per_second The download rate of the latest successful speed test.
            # TYPE ispmon_speedtest_download_bytes_per_second gauge
            ispmon_speedtest_download_bytes_per_second 11775000
            # HELP ispmon_speedtest_upload_bytes_per_second The upload rate of the latest successful speed test.
            # TYPE ispmon_speedtest_upload_bytes_per_second gauge
            ispmon_speedtest_upload_bytes_per_second 2262500
            # HELP ispmon_events_total Events in the log: the sequence number of the newest one.
            # TYPE ispmon_events_total counter
            ispmon_events_total 39
            # HELP ispmon_store_bytes Bytes of the store's files on disk.
            # TYPE ispmon_store_bytes gauge
            ispmon_store_bytes 4096

            """
        let text = Self.text(Self.small)
        #expect(text == expected)
        if text != expected {
            for (a, b) in zip(text.split(separator: "\n"), expected.split(separator: "\n")) where a != b {
                Issue.record("got \(a), want \(b)")
            }
        }
        // The outages behind the counters, as `ispmon outages` names them.
        let outages = OutageQuery().answer(Fixtures.projection(Self.small))
        #expect(outages.map(\.id) == ["c-20260301T000030.000001Z", "c-20260301T000130.000001Z"])
        #expect(outages.map(\.end) == [Fixtures.t0 + 60 * Self.s + 1, nil])
    }

    @Test func unknownStatesAreAbsent() {
        // An empty store: every family is declared, only what is known has a sample.
        #expect(Self.samples(Self.text([], storeBytes: 0)) == [
            #"ispmon_outages_total{kind="connectivity",cause="local"} 0"#,
            #"ispmon_outages_total{kind="connectivity",cause="device"} 0"#,
            #"ispmon_outages_total{kind="connectivity",cause="gateway"} 0"#,
            #"ispmon_outages_total{kind="connectivity",cause="isp"} 0"#,
            #"ispmon_outages_total{kind="connectivity",cause="upstream"} 0"#,
            #"ispmon_outages_total{kind="connectivity",cause="unknown"} 0"#,
            #"ispmon_outages_total{kind="dns",cause="dns"} 0"#,
            #"ispmon_outage_seconds_total{kind="connectivity",cause="local"} 0"#,
            #"ispmon_outage_seconds_total{kind="connectivity",cause="device"} 0"#,
            #"ispmon_outage_seconds_total{kind="connectivity",cause="gateway"} 0"#,
            #"ispmon_outage_seconds_total{kind="connectivity",cause="isp"} 0"#,
            #"ispmon_outage_seconds_total{kind="connectivity",cause="upstream"} 0"#,
            #"ispmon_outage_seconds_total{kind="connectivity",cause="unknown"} 0"#,
            #"ispmon_outage_seconds_total{kind="dns",cause="dns"} 0"#,
            #"ispmon_outage_open{kind="connectivity"} 0"#,
            #"ispmon_outage_open{kind="dns"} 0"#,
            "ispmon_events_total 0",
            "ispmon_store_bytes 0",
        ])
        #expect(Self.text([]).components(separatedBy: "# TYPE ").count - 1 == 12, "every family declared")

        // After `monitor stopped` every target and layer is unknown: no up/down samples,
        // but the last RTT and the counts stay (they are history, not state).
        let stopped = Self.small.prefix(10) + [Event(time: Timestamp(microseconds: Fixtures.t0 + 40 * Self.s),
                                                     body: .monitor(MonitorState(state: .stopped)))]
        let samples = Self.samples(Self.text(Array(stopped)))
        #expect(!samples.contains { $0.hasPrefix("ispmon_connectivity_up") || $0.hasPrefix("ispmon_dns_up") || $0.hasPrefix("ispmon_target_up") })
        #expect(samples.contains(#"ispmon_target_rtt_seconds{target="router",role="gateway",method="icmp"} 0.0004"#))
        #expect(samples.contains(#"ispmon_probes_total{target="router",role="gateway",method="icmp",result="ok"} 3"#))
        #expect(samples.contains(#"ispmon_outage_open{kind="connectivity"} 0"#))
        // A target that never succeeded has no RTT; a target with fewer failures than
        // down_after is still unknown (web, in the small store).
        let small = Self.samples(Self.text(Self.small))
        #expect(!small.contains { $0.contains(#"target="web""#) && !$0.hasPrefix("ispmon_probes_total") })
        // No successful speed test: no rates.
        #expect(!Self.samples(Self.text([Fixtures.speedTest(at: Fixtures.t0, down: nil)])).contains { $0.hasPrefix("ispmon_speedtest") })
    }

    @Test func anOpenDNSOutageWhileTheInternetAnswers() {
        var events: [Event] = []
        for i in 0..<4 {
            let t = Fixtures.t0 + Int64(i) * 10 * Self.s
            events.append(Fixtures.probe("one", .internet, at: t, rtt: 11_000))
            events.append(Event(time: Timestamp(microseconds: t + 1), body: .probe(Probe(
                target: "resolver", role: .dns, method: .dns, outcome: i == 0 ? .ok(rtt: 12_000) : .failed(error: "timeout")))))
        }
        let samples = Self.samples(Self.text(events))
        for line in ["ispmon_connectivity_up 1", "ispmon_dns_up 0", #"ispmon_outage_open{kind="connectivity"} 0"#,
                     #"ispmon_outage_open{kind="dns"} 1"#, #"ispmon_outages_total{kind="dns",cause="dns"} 0"#,
                     #"ispmon_target_up{target="resolver",role="dns",method="dns"} 0"#] {
            #expect(samples.contains(line), "\(line)")
        }
    }

    @Test func hostileTargetNamesAreEscaped() throws {
        // The log cannot hold such a name: import rejects it (events.md: 1–64 of A–Z a–z 0–9 . _ -)...
        #expect(!EventJSON.isValidName("a\"b"))
        let line = #"{"time":"2026-03-01T00:00:00Z","type":"probe","target":"a\"b\\c","role":"gateway","method":"icmp","ok":true,"rtt_ms":1}"#
        let bytes = Array(line.utf8)
        #expect(throws: EventJSON.InvalidLine.self) { try bytes.withUnsafeBytes { try EventJSON.parse(line: $0) } }
        // ... but the form does not rely on every writer checking: quote, backslash and
        // newline are escaped, other bytes (UTF-8 too) go as they are.
        let name = "a\"b\\c\nd é"
        let text = Self.text([Fixtures.probe(name, .gateway, at: Fixtures.t0, rtt: 1_500)])
        #expect(text.contains(#"ispmon_target_up{target="a\"b\\c\nd é",role="gateway",method="icmp"} 1"#), "\(text)")
        #expect(text.contains(#"ispmon_target_rtt_seconds{target="a\"b\\c\nd é",role="gateway",method="icmp"} 0.0015"#))
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { line in
            line.isEmpty || line.hasPrefix("#") || line.hasPrefix("ispmon_")
        }, "no line broken by the name")
        // What can occur goes unchanged.
        let plain = Self.text([Fixtures.probe("isp-edge_2.example", .isp, at: Fixtures.t0, rtt: 4_000)])
        #expect(plain.contains(#"ispmon_target_up{target="isp-edge_2.example",role="isp",method="icmp"} 1"#))
    }

    @Test func secondsAndRatesAreWrittenExactly() {
        #expect(PrometheusExposition.seconds(0) == "0")
        #expect(PrometheusExposition.seconds(400) == "0.0004")
        #expect(PrometheusExposition.seconds(599_984_787) == "599.984787")
        #expect(PrometheusExposition.seconds(86_400_000_000 * 400) == "34560000")
        #expect(PrometheusExposition.seconds(-500_000) == "-0.5")
        #expect(PrometheusExposition.seconds(-1_000_001) == "-1.000001")
        #expect(PrometheusExposition.bytesPerSecond(94.2) == "11775000", "Mbps × 125 000")
        #expect(PrometheusExposition.bytesPerSecond(0.1234567) == "15432.125", "to the bit: 123457 bits")
        #expect(PrometheusExposition.bytesPerSecond(0.000_001) == "0.125")
        #expect(PrometheusExposition.bytesPerSecond(0.000_006) == "0.75")
        #expect(PrometheusExposition.bytesPerSecond(999_999_999.999) == "124999999999875")
        #expect(PrometheusExposition.bytesPerSecond(0) == "0")
    }

    @Test func anHourFilledAgainCountsOnce() throws {
        // Time goes back to an hour already finished: the store holds it twice (finished,
        // and being filled again from what it held), and the counts read it once.
        let hour = 3_600 * Self.s
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        for (start, n, failing) in [(0, 3, 1), (hour, 2, 0), (10 * Self.s, 4, 2)] as [(Int64, Int64, Int64)] {
            try store.append((0..<n).map { i in
                Fixtures.probe("router", .gateway, at: Fixtures.t0 + start + i * Self.s, rtt: i < failing ? nil : 400)
            })
        }
        let m = try Queries(store: store).metrics()
        #expect(m.targets.map { [$0.succeeded, $0.failed] } == [[6, 3]])
        #expect(m == MetricsAnswer(try Queries(store: store).views([.latency, .speedtests]), storeBytes: m.storeBytes))
    }

    /// A realistic store: several days with every kind of fault, kept commit by commit.
    @Test(.enabled(if: Promtool.path != nil || getuid() == 0,
                   "promtool is missing (Debian package prometheus; tools/test installs it as root)"))
    func promtoolAcceptsTheMetricsOfARealisticStore() throws {
        let faults = SyntheticFaults(days: 3, seed: 11)
        let dir = TempDir()
        defer { dir.cleanup() }
        let store = try EventStore(directory: dir.path)
        var i = 0
        while i < faults.events.count {
            try store.append(faults.events[i..<min(faults.events.count, i + 997)])
            i += 997
        }
        let queries = Queries(store: store)
        let m = try queries.metrics()
        let text = PrometheusExposition.text(m)

        // The stored views give what a replay of the log gives, and the same bytes each time.
        #expect(m == MetricsAnswer(Fixtures.projection(faults.events), storeBytes: m.storeBytes))
        #expect(PrometheusExposition.text(try queries.metrics()) == text)
        #expect(m.lastSeq == (try store.lastSeq()))
        #expect(m.lastSeq == UInt64(faults.events.count))
        // Probes counted from the hourly records are every probe event of the target.
        var counts: [String: (ok: UInt64, error: UInt64)] = [:]
        for e in faults.events {
            guard case .probe(let p) = e.body else { continue }
            if p.ok { counts[p.target, default: (0, 0)].ok += 1 } else { counts[p.target, default: (0, 0)].error += 1 }
        }
        #expect(m.targets.map(\.name) == counts.keys.sorted())
        for t in m.targets {
            #expect(t.succeeded == counts[t.name]?.ok && t.failed == counts[t.name]?.error, "\(t.name)")
        }
        // Every day a router hang, an ISP fault and a pulled cable (connectivity) and a
        // resolver fault (DNS), each ended; the restart, the lossy hour and the dead host are none.
        let outages = OutageQuery().answer(Fixtures.projection(faults.events))
        #expect(outages.count == 12 && outages.allSatisfy { $0.end != nil }, "\(outages.map { ($0.id, $0.cause, $0.end) })")
        let counted = m.outageTotals.filter { $0.count > 0 }.map { "\($0.kind.rawValue) \($0.cause.rawValue) \($0.count)" }
        #expect(counted == ["connectivity local 3", "connectivity gateway 3", "connectivity isp 3", "dns dns 3"])
        #expect(m.outageTotals.map(\.duration).reduce(0, +) == outages.map(\.duration).reduce(0, +))
        #expect(!m.connectivityOutageOpen && !m.dnsOutageOpen)
        #expect(m.lastSpeedTest != nil)

        guard let promtool = Promtool.path else {
            Issue.record("promtool is missing: install the Debian package prometheus (tools/test does)")
            return
        }
        // Exit 0: parsed, and the naming lint has nothing to say (3 would be lint complaints, 1 not parsed).
        let (status, output) = try Promtool.check(text, promtool: promtool)
        #expect(status == 0 && output.isEmpty, "promtool check metrics: \(output)")
        // A hostile name in the same families still parses, as cleanly.
        var hostile = m
        hostile.targets[0].name = "a\"b\\c\nd é"
        let (status2, output2) = try Promtool.check(PrometheusExposition.text(hostile), promtool: promtool)
        #expect(status2 == 0 && output2.isEmpty, "\(output2)")
    }
}

enum Promtool {
    static let path: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// `promtool check metrics` on `text` (its standard input): exit status and what it said.
    static func check(_ text: [UInt8], promtool: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: promtool)
        p.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data(text))
        try input.fileHandleForWriting.close()
        let said = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: said, as: UTF8.self))
    }
}
